package io.streamkit.hls.live;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks Low-Latency HLS media playlists against RFC 8216bis, reading them as text, independently of the code that
 * writes them. Every method returns the rules that do not hold, one line each; an empty list means conforming.
 *
 * <ul>
 *   <li>{@link #check(String)}: one playlist — tags and versions (section 7), {@code EXTINF} and target duration
 *       (4.4.3.1), part durations against {@code PART-TARGET} (4.4.3.7, 4.4.4.9), parts summing to their segment,
 *       {@code EXT-X-SERVER-CONTROL} minimums (4.4.3.8), one part preload hint at the next part (4.4.5.3), program
 *       date-times (4.4.4.6), an {@code EXT-X-MAP} in effect (4.4.4.5);</li>
 *   <li>{@link #checkDelta(String, String)}: a delta update against the full playlist of the same instant
 *       (4.4.5.2, 6.2.5.1);</li>
 *   <li>{@link #checkHint(String, String)}: a playlist against the next one — the hinted part is the next part
 *       listed, and sequence numbers and listed media do not change;</li>
 *   <li>{@link #checkReports(String, Function)}: rendition reports point at parts the other playlists list
 *       (4.4.5.4).</li>
 * </ul>
 * Positions are read from StreamKit's URI scheme ({@code seg_<msn>.m4s}, {@code part_<msn>_<index>.m4s}, any
 * {@code ?query} ignored), which is how it checks that each URI sits at the media sequence number its place in the
 * playlist gives it.
 */
public final class LlHlsConformance {

  /** One media segment, or the open segment ({@code uri} null) holding the parts after the last {@code EXTINF}. */
  public record Segment(long msn, String uri, double duration, List<Part> parts, Instant programDateTime,
      boolean discontinuity, String map, boolean gap) {
    /** Whether this is the open segment, with parts but no {@code EXTINF} yet. */
    public boolean open() {
      return uri == null;
    }
  }

  /** One {@code EXT-X-PART}. */
  public record Part(String uri, double duration, boolean independent) {}

  /** A parsed media playlist. {@code partTarget} is NaN without {@code EXT-X-PART-INF}. */
  public record Playlist(List<String> lines, int version, int targetDuration, long mediaSequence,
      long discontinuitySequence, double partTarget, Map<String, String> serverControl, String playlistType,
      int skipped, List<Segment> segments, List<String> hints, List<Map<String, String>> reports, boolean endList) {

    /** The complete segments (not the open one). */
    public List<Segment> complete() {
      return segments.stream().filter(s -> !s.open()).toList();
    }

    /** Every listed part's URI without its query, in order. */
    public List<String> partUris() {
      List<String> uris = new ArrayList<>();
      for (Segment segment : segments) {
        for (Part part : segment.parts()) {
          uris.add(stripQuery(part.uri()));
        }
      }
      return uris;
    }

    /** The sum of the listed durations: complete segments, then the open segment's parts. */
    public double endSeconds() {
      double end = 0;
      for (Segment segment : segments) {
        end += segment.open() ? segment.parts().stream().mapToDouble(Part::duration).sum() : segment.duration();
      }
      return end;
    }
  }

  private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");
  private static final Pattern SEGMENT_URI = Pattern.compile("seg_(\\d+)\\.m4s");
  private static final Pattern PART_URI = Pattern.compile("part_(\\d+)_(\\d+)\\.m4s");
  /** Section 4.4.4.9: parts other than the last of a segment or an independent one are at least 85% of the target. */
  private static final double SHORT_PART_FRACTION = 0.85;
  /** Playlists print durations to the microsecond: allow their rounding. */
  private static final double PRINTED = 0.000001;
  private static final Duration DATE_TIME_SLACK = Duration.ofMillis(2);

  private LlHlsConformance() {}

  /**
   * Parses a media playlist; throws {@link IllegalArgumentException} on a line it cannot read.
   *
   * @param text the playlist
   * @return its model
   */
  public static Playlist parse(String text) {
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    int version = 1;
    int target = -1;
    long sequence = 0;
    long discontinuities = 0;
    double partTarget = Double.NaN;
    Map<String, String> control = Map.of();
    String type = null;
    int skipped = 0;
    boolean endList = false;
    List<Segment> segments = new ArrayList<>();
    List<String> hints = new ArrayList<>();
    List<Map<String, String>> reports = new ArrayList<>();
    List<Part> parts = new ArrayList<>();
    double duration = Double.NaN;
    Instant dateTime = null;
    boolean discontinuity = false;
    boolean gap = false;
    String map = null;
    for (String line : lines) {
      try {
        if (line.startsWith("#EXT-X-VERSION:")) {
          version = Integer.parseInt(value(line));
        } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
          target = Integer.parseInt(value(line));
        } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
          sequence = Long.parseLong(value(line));
        } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
          discontinuities = Long.parseLong(value(line));
        } else if (line.startsWith("#EXT-X-PART-INF:")) {
          partTarget = Double.parseDouble(attributes(line).get("PART-TARGET"));
        } else if (line.startsWith("#EXT-X-SERVER-CONTROL:")) {
          control = attributes(line);
        } else if (line.startsWith("#EXT-X-PLAYLIST-TYPE:")) {
          type = value(line);
        } else if (line.startsWith("#EXT-X-SKIP:")) {
          skipped = Integer.parseInt(attributes(line).get("SKIPPED-SEGMENTS"));
        } else if (line.equals("#EXT-X-ENDLIST")) {
          endList = true;
        } else if (line.equals("#EXT-X-DISCONTINUITY")) {
          discontinuity = true;
        } else if (line.equals("#EXT-X-GAP")) {
          gap = true;
        } else if (line.startsWith("#EXT-X-MAP:")) {
          map = attributes(line).get("URI");
        } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
          dateTime = OffsetDateTime.parse(value(line)).toInstant();
        } else if (line.startsWith("#EXT-X-PART:")) {
          Map<String, String> a = attributes(line);
          parts.add(new Part(Objects.requireNonNull(a.get("URI"), "URI"), Double.parseDouble(a.get("DURATION")),
              "YES".equals(a.get("INDEPENDENT"))));
        } else if (line.startsWith("#EXT-X-PRELOAD-HINT:")) {
          Map<String, String> a = attributes(line);
          if ("PART".equals(a.get("TYPE"))) {
            hints.add(a.get("URI"));
          }
        } else if (line.startsWith("#EXT-X-RENDITION-REPORT:")) {
          reports.add(attributes(line));
        } else if (line.startsWith("#EXTINF:")) {
          String v = value(line);
          duration = Double.parseDouble(v.substring(0, v.indexOf(',') < 0 ? v.length() : v.indexOf(',')));
        } else if (!line.startsWith("#")) {
          long msn = sequence + skipped + segments.size();
          segments.add(new Segment(msn, line, duration, List.copyOf(parts), dateTime, discontinuity, map, gap));
          parts.clear();
          duration = Double.NaN;
          dateTime = null;
          discontinuity = false;
          gap = false;
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("unreadable playlist line '" + line + "': " + e, e);
      }
    }
    if (!parts.isEmpty()) {
      segments.add(new Segment(sequence + skipped + segments.size(), null, Double.NaN, List.copyOf(parts), dateTime,
          discontinuity, map, false));
    }
    return new Playlist(lines, version, target, sequence, discontinuities, partTarget, control, type, skipped,
        List.copyOf(segments), List.copyOf(hints), List.copyOf(reports), endList);
  }

  /**
   * Checks one media playlist.
   *
   * @param text the playlist
   * @return the violations
   */
  public static List<String> check(String text) {
    List<String> violations = new ArrayList<>();
    Playlist p;
    try {
      p = parse(text);
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
    if (p.lines().isEmpty() || !p.lines().get(0).equals("#EXTM3U")) {
      violations.add("#EXTM3U is not the first line (4.4.1.1)");
    }
    if (p.targetDuration() < 0) {
      violations.add("no EXT-X-TARGETDURATION (4.4.3.1)");
    }
    boolean hasParts = p.segments().stream().anyMatch(s -> !s.parts().isEmpty());
    boolean lowLatency = !Double.isNaN(p.partTarget());
    if (hasParts && !lowLatency) {
      violations.add("EXT-X-PART without EXT-X-PART-INF (4.4.3.7)");
    }
    if (p.skipped() > 0 && p.version() < 9) {
      violations.add("EXT-X-SKIP needs EXT-X-VERSION 9, found " + p.version() + " (7)");
    }
    if (p.lines().stream().anyMatch(l -> l.startsWith("#EXT-X-MAP:")) && p.version() < 6) {
      violations.add("EXT-X-MAP needs EXT-X-VERSION 6, found " + p.version() + " (7)");
    }
    if (p.segments().stream().anyMatch(Segment::gap) && p.version() < 8) {
      violations.add("EXT-X-GAP needs EXT-X-VERSION 8, found " + p.version() + " (7)");
    }
    checkServerControl(p, lowLatency, violations);
    for (Segment segment : p.segments()) {
      String at = segment.open() ? "open segment " + segment.msn() : segment.uri();
      if (!segment.open()) {
        if (Math.round(segment.duration()) > p.targetDuration()) {
          violations.add(at + ": EXTINF " + segment.duration() + " rounds above EXT-X-TARGETDURATION "
              + p.targetDuration() + " (4.4.3.1)");
        }
        Matcher m = SEGMENT_URI.matcher(stripQuery(segment.uri()));
        if (!m.matches() || Long.parseLong(m.group(1)) != segment.msn()) {
          violations.add(at + ": listed at media sequence number " + segment.msn() + " (4.4.3.2)");
        }
      }
      if (segment.map() == null && fragmentedMp4(segment)) {
        violations.add(at + ": fragmented MP4 media with no EXT-X-MAP in effect (4.4.4.5, 3.1.2)");
      }
      checkParts(p, segment, at, violations);
    }
    checkHint(p, violations);
    checkDateTimes(p, violations);
    for (Map<String, String> report : p.reports()) {
      if (report.get("URI") == null || report.get("LAST-MSN") == null || (lowLatency && report.get("LAST-PART") == null)) {
        violations.add("EXT-X-RENDITION-REPORT lacks URI, LAST-MSN or LAST-PART: " + report + " (4.4.5.4)");
      }
    }
    return violations;
  }

  private static boolean fragmentedMp4(Segment segment) {
    String uri = segment.open() ? segment.parts().get(0).uri() : segment.uri();
    String path = stripQuery(uri);
    return path.endsWith(".m4s") || path.endsWith(".mp4");
  }

  private static void checkServerControl(Playlist p, boolean lowLatency, List<String> violations) {
    Map<String, String> control = p.serverControl();
    int target = p.targetDuration();
    if (lowLatency) {
      if (!"YES".equals(control.get("CAN-BLOCK-RELOAD"))) {
        violations.add("a playlist with parts must offer CAN-BLOCK-RELOAD=YES (4.4.3.8, 6.2.5.2)");
      }
      String holdBack = control.get("PART-HOLD-BACK");
      if (holdBack == null) {
        violations.add("EXT-X-PART-INF without PART-HOLD-BACK (4.4.3.8)");
      } else if (Double.parseDouble(holdBack) < 2 * p.partTarget() - PRINTED) {
        violations.add("PART-HOLD-BACK " + holdBack + " is below twice PART-TARGET " + p.partTarget() + " (4.4.3.8)");
      } else if (Double.parseDouble(holdBack) < 3 * p.partTarget() - PRINTED) {
        violations.add("PART-HOLD-BACK " + holdBack + " is below three PART-TARGETs, the SHOULD of 4.4.3.8");
      }
    }
    String holdBack = control.get("HOLD-BACK");
    if (holdBack != null && Double.parseDouble(holdBack) < 3 * target - PRINTED) {
      violations.add("HOLD-BACK " + holdBack + " is below three target durations (4.4.3.8)");
    }
    String skipUntil = control.get("CAN-SKIP-UNTIL");
    if (skipUntil != null && Double.parseDouble(skipUntil) < 6 * target - PRINTED) {
      violations.add("CAN-SKIP-UNTIL " + skipUntil + " is below six target durations (4.4.3.8)");
    }
    if (p.skipped() > 0 && skipUntil == null) {
      violations.add("EXT-X-SKIP without CAN-SKIP-UNTIL (4.4.5.2)");
    }
  }

  private static void checkParts(Playlist p, Segment segment, String at, List<String> violations) {
    List<Part> parts = segment.parts();
    double sum = 0;
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      sum += part.duration();
      if (part.duration() > p.partTarget() + PRINTED) {
        violations.add(at + ": part " + part.uri() + " lasts " + part.duration() + ", above PART-TARGET "
            + p.partTarget() + " (4.4.4.9)");
      }
      boolean last = i == parts.size() - 1;
      if (!last && !part.independent() && part.duration() < SHORT_PART_FRACTION * p.partTarget() - PRINTED) {
        violations.add(at + ": part " + part.uri() + " lasts " + part.duration() + ", under 85% of PART-TARGET "
            + p.partTarget() + " and is neither independent nor last (4.4.4.9)");
      }
      Matcher m = PART_URI.matcher(stripQuery(part.uri()));
      if (!m.matches() || Long.parseLong(m.group(1)) != segment.msn() || Integer.parseInt(m.group(2)) != i) {
        violations.add(at + ": part " + part.uri() + " is listed as part " + i + " of segment " + segment.msn());
      }
    }
    if (!parts.isEmpty() && !segment.open()
        && Math.abs(sum - segment.duration()) > PRINTED * (parts.size() + 1)) {
      violations.add(at + ": parts sum to " + sum + " but EXTINF is " + segment.duration() + " (4.4.4.9)");
    }
  }

  private static void checkHint(Playlist p, List<String> violations) {
    if (p.hints().size() > 1) {
      violations.add(p.hints().size() + " EXT-X-PRELOAD-HINT TYPE=PART tags; at most one is allowed (4.4.5.3)");
    }
    if (p.hints().isEmpty()) {
      return;
    }
    if (p.endList()) {
      violations.add("EXT-X-PRELOAD-HINT in a playlist with EXT-X-ENDLIST: no part will follow (4.4.5.3)");
    }
    String hint = stripQuery(p.hints().get(0));
    if (p.partUris().contains(hint)) {
      violations.add("EXT-X-PRELOAD-HINT " + hint + " names a part already listed (4.4.5.3)");
    }
    String expected;
    Segment last = p.segments().isEmpty() ? null : p.segments().get(p.segments().size() - 1);
    if (last == null) {
      expected = "part_" + p.mediaSequence() + "_0.m4s";
    } else if (last.open()) {
      expected = "part_" + last.msn() + "_" + last.parts().size() + ".m4s";
    } else {
      expected = "part_" + (last.msn() + 1) + "_0.m4s";
    }
    if (!hint.equals(expected)) {
      violations.add("EXT-X-PRELOAD-HINT names " + hint + ", not the next part " + expected + " (4.4.5.3)");
    }
  }

  private static void checkDateTimes(Playlist p, List<String> violations) {
    Segment previous = null;
    for (Segment segment : p.segments()) {
      if (segment.programDateTime() != null && previous != null && previous.programDateTime() != null) {
        if (!segment.programDateTime().isAfter(previous.programDateTime())) {
          violations.add("segment " + segment.msn() + ": EXT-X-PROGRAM-DATE-TIME " + segment.programDateTime()
              + " does not follow " + previous.programDateTime() + " (4.4.4.6)");
        } else if (!segment.discontinuity()) {
          Instant expected = previous.programDateTime().plusNanos(Math.round(previous.duration() * 1e9));
          if (Duration.between(expected, segment.programDateTime()).abs().compareTo(DATE_TIME_SLACK) > 0) {
            violations.add("segment " + segment.msn() + ": EXT-X-PROGRAM-DATE-TIME " + segment.programDateTime()
                + " is not the previous one plus its duration, " + expected + " (4.4.4.6)");
          }
        }
      }
      previous = segment;
    }
  }

  /**
   * Checks a delta update against the full playlist rendered at the same instant.
   *
   * @param full the full playlist
   * @param delta the delta update
   * @return the violations of either, and of the pair
   */
  public static List<String> checkDelta(String full, String delta) {
    List<String> violations = new ArrayList<>();
    check(full).forEach(v -> violations.add("full: " + v));
    check(delta).forEach(v -> violations.add("delta: " + v));
    Playlist f = parse(full);
    Playlist d = parse(delta);
    if (d.skipped() == 0) {
      violations.add("delta: no EXT-X-SKIP (4.4.5.2)");
      return violations;
    }
    if (f.skipped() != 0) {
      violations.add("full: has an EXT-X-SKIP");
    }
    if (d.mediaSequence() != f.mediaSequence() || d.discontinuitySequence() != f.discontinuitySequence()) {
      violations.add("delta: media/discontinuity sequence " + d.mediaSequence() + "/" + d.discontinuitySequence()
          + " differ from the full playlist's " + f.mediaSequence() + "/" + f.discontinuitySequence() + " (6.2.5.1)");
    }
    List<String> fullUris = f.segments().stream().map(s -> String.valueOf(s.uri())).toList();
    List<String> deltaUris = d.segments().stream().map(s -> String.valueOf(s.uri())).toList();
    if (d.skipped() > fullUris.size() || !fullUris.subList(d.skipped(), fullUris.size()).equals(deltaUris)) {
      violations.add("delta: SKIPPED-SEGMENTS=" + d.skipped() + " but its segments are not the full playlist's "
          + "from index " + d.skipped() + " (4.4.5.2)");
      return violations;
    }
    if (!f.partUris().equals(d.partUris())) {
      violations.add("delta: lists other parts than the full playlist");
    }
    double skipUntil = Double.parseDouble(f.serverControl().getOrDefault("CAN-SKIP-UNTIL", "NaN"));
    double boundary = f.endSeconds() - skipUntil;
    double end = 0;
    for (int i = 0; i < d.skipped(); i++) {
      end += f.segments().get(i).duration();
    }
    if (!(end <= boundary + PRINTED)) {
      violations.add("delta: skipped segments end at " + end + " s, after the skip boundary " + boundary
          + " s (CAN-SKIP-UNTIL " + skipUntil + ", 6.2.5.1)");
    }
    return violations;
  }

  /**
   * Checks a playlist against a later one of the same rendition: the part {@code before} hinted at is the first part
   * {@code after} lists that {@code before} did not, sequence numbers do not go back, and a segment or part listed
   * in both is the same.
   *
   * @param before the earlier playlist, with a preload hint
   * @param after the later playlist, with at least one part more
   * @return the violations
   */
  public static List<String> checkHint(String before, String after) {
    List<String> violations = new ArrayList<>();
    Playlist b = parse(before);
    Playlist a = parse(after);
    if (a.mediaSequence() < b.mediaSequence() || a.discontinuitySequence() < b.discontinuitySequence()) {
      violations.add("media/discontinuity sequence went back from " + b.mediaSequence() + "/"
          + b.discontinuitySequence() + " to " + a.mediaSequence() + "/" + a.discontinuitySequence() + " (6.2.2)");
    }
    Map<String, Double> earlier = new LinkedHashMap<>();
    for (Segment s : b.complete()) {
      earlier.put(stripQuery(s.uri()), s.duration());
    }
    for (Segment s : a.complete()) {
      Double was = earlier.get(stripQuery(s.uri()));
      if (was != null && Math.abs(was - s.duration()) > PRINTED) {
        violations.add(s.uri() + " changed duration from " + was + " to " + s.duration() + " (6.2.1)");
      }
    }
    if (b.hints().isEmpty()) {
      violations.add("before: no EXT-X-PRELOAD-HINT");
      return violations;
    }
    List<String> listedBefore = b.partUris();
    String added = a.partUris().stream().filter(u -> !listedBefore.contains(u)).findFirst().orElse(null);
    if (added == null) {
      violations.add("after lists no part that before did not");
    } else if (!added.equals(stripQuery(b.hints().get(0)))) {
      violations.add("before hinted " + stripQuery(b.hints().get(0)) + " but the next part listed is " + added
          + " (4.4.5.3)");
    }
    return violations;
  }

  /**
   * Checks that each rendition report names a part the reported playlist lists (section 4.4.5.4).
   *
   * @param playlist the playlist with the reports
   * @param playlistAt the reported playlist for a report's URI (query removed), or null when there is none
   * @return the violations
   */
  public static List<String> checkReports(String playlist, Function<String, String> playlistAt) {
    List<String> violations = new ArrayList<>();
    for (Map<String, String> report : parse(playlist).reports()) {
      String uri = stripQuery(report.get("URI"));
      String other = playlistAt.apply(uri);
      if (other == null) {
        violations.add("rendition report " + uri + " names no playlist");
        continue;
      }
      long msn = Long.parseLong(report.get("LAST-MSN"));
      int part = Integer.parseInt(report.getOrDefault("LAST-PART", "-1"));
      String name = part < 0 ? "seg_" + msn + ".m4s" : "part_" + msn + "_" + part + ".m4s";
      Playlist o = parse(other);
      boolean listed = part < 0
          ? o.complete().stream().anyMatch(s -> stripQuery(s.uri()).equals(name))
          : o.partUris().contains(name);
      if (!listed) {
        violations.add("rendition report " + uri + " LAST-MSN=" + msn + ",LAST-PART=" + part + " but " + name
            + " is not in that playlist (4.4.5.4)");
      }
    }
    return violations;
  }

  /** A URI without its query. */
  public static String stripQuery(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static String value(String line) {
    return line.substring(line.indexOf(':') + 1);
  }

  private static Map<String, String> attributes(String line) {
    Map<String, String> map = new LinkedHashMap<>();
    Matcher m = ATTRIBUTE.matcher(value(line));
    while (m.find()) {
      String v = m.group(2);
      map.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    }
    return map;
  }
}
