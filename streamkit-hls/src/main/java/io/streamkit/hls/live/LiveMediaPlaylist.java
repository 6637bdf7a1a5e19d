package io.streamkit.hls.live;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One rendition's live media playlist at one instant: an immutable snapshot the writer publishes after every change
 * and readers render without locking.
 *
 * <p>What it renders (RFC 8216bis):
 * <ul>
 *   <li>section 4.4.3.8 {@code EXT-X-SERVER-CONTROL}: {@code CAN-BLOCK-RELOAD=YES}, {@code CAN-SKIP-UNTIL} of six
 *       target durations (the minimum the section allows), {@code HOLD-BACK} of three target durations and
 *       {@code PART-HOLD-BACK} of three part targets (at least two are required, three recommended);</li>
 *   <li>section 4.4.3.7 {@code EXT-X-PART-INF}; section 4.4.4.9 {@code EXT-X-PART} for the parts of the segments
 *       that end within three target durations of the end of the playlist and of the open segment — section 6.2.2
 *       lets older parts go, the complete segment replaces them;</li>
 *   <li>section 4.4.5.3 one {@code EXT-X-PRELOAD-HINT} of {@code TYPE=PART} for the next part, section 4.4.5.4
 *       {@code EXT-X-RENDITION-REPORT}s, given by the caller since they come from other renditions;</li>
 *   <li>section 4.4.5.2 {@code EXT-X-SKIP} in a delta update, replacing the leading segments that end at least
 *       {@code CAN-SKIP-UNTIL} before the end of the playlist (the skip boundary of section 6.2.5.1), with the same
 *       media and discontinuity sequence numbers as the full playlist so a client can merge them;</li>
 *   <li>section 6.2.2 {@code EXT-X-DISCONTINUITY-SEQUENCE}: the number of discontinuities that left the window;
 *       section 4.4.4.5 a new {@code EXT-X-MAP} wherever the initialisation segment changes, repeated before the
 *       first segment a delta update lists so that it reads alone; section 4.4.4.6 a program date-time on every
 *       segment; section 4.4.4.7 {@code EXT-X-GAP} for a segment a rendition lacks.</li>
 * </ul>
 * Version 9 is the one {@code EXT-X-SKIP} needs (section 7); every other tag used needs less.
 */
final class LiveMediaPlaylist {

  /** Playlist compatibility version (RFC 8216bis section 7: {@code EXT-X-SKIP} needs 9). */
  static final int VERSION = 9;
  /** Parts of segments ending within this many target durations of the end are listed (section 6.2.2). */
  static final int PART_TARGET_DURATIONS = 3;
  /** {@code CAN-SKIP-UNTIL} in target durations (section 4.4.3.8: at least six). */
  static final int SKIP_TARGET_DURATIONS = 6;
  /** {@code HOLD-BACK} in target durations (section 4.4.3.8: at least three). */
  static final int HOLD_BACK_TARGET_DURATIONS = 3;
  /** {@code PART-HOLD-BACK} in part targets (section 4.4.3.8: at least two, three recommended). */
  static final int PART_HOLD_BACK_PART_TARGETS = 3;
  static final String PLAYLIST = "index.m3u8";

  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A partial segment (section 4.4.4.9). */
  record Part(double durationSeconds, boolean independent) {}

  /**
   * A segment, complete unless it is the open one. {@code init} is the run whose initialisation segment it needs;
   * {@code gap} marks a segment this rendition lacks (it was not produced while the others were).
   */
  record Segment(long msn, double durationSeconds, Instant programDateTime, boolean discontinuity, int init,
      List<Part> parts, long bytes, boolean gap) {}

  /** A rendition report to render (section 4.4.5.4), for another rendition's playlist. */
  record Report(String rendition, long lastMsn, int lastPart) {}

  final List<Segment> segments;
  /** The open segment: its msn, parts so far (possibly none), and the tags that will precede it. */
  final Segment open;
  final long discontinuitySequence;
  final int targetDuration;
  final double partTarget;
  final boolean event;
  final boolean ended;
  /** Whether the next part is known to come in this run (no hint for a dropped rendition). */
  final boolean hint;

  LiveMediaPlaylist(List<Segment> segments, Segment open, long discontinuitySequence, int targetDuration,
      double partTarget, boolean event, boolean ended, boolean hint) {
    this.segments = segments;
    this.open = open;
    this.discontinuitySequence = discontinuitySequence;
    this.targetDuration = targetDuration;
    this.partTarget = partTarget;
    this.event = event;
    this.ended = ended;
    this.hint = hint;
  }

  long mediaSequence() {
    return segments.isEmpty() ? open.msn() : segments.get(0).msn();
  }

  /** The msn of the last part this playlist lists, -1 when it lists none. */
  long lastMsn() {
    if (!open.parts().isEmpty()) {
      return open.msn();
    }
    return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).msn();
  }

  /** The index of the last part in {@link #lastMsn()}, -1 when there is none. */
  int lastPart() {
    if (!open.parts().isEmpty()) {
      return open.parts().size() - 1;
    }
    return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).parts().size() - 1;
  }

  /** The msn of the last complete segment, -1 when there is none. */
  long lastCompleteMsn() {
    return segments.isEmpty() ? open.msn() - 1 : segments.get(segments.size() - 1).msn();
  }

  private double endSeconds() {
    double end = 0;
    for (Segment segment : segments) {
      end += segment.durationSeconds();
    }
    for (Part part : open.parts()) {
      end += part.durationSeconds();
    }
    return end;
  }

  /** How many leading segments a delta update may skip: those ending at least CAN-SKIP-UNTIL before the end. */
  int skippable() {
    double boundary = endSeconds() - SKIP_TARGET_DURATIONS * targetDuration;
    double segmentEnd = 0;
    int count = 0;
    for (Segment segment : segments) {
      segmentEnd += segment.durationSeconds();
      if (segmentEnd > boundary) {
        break;
      }
      count++;
    }
    return count;
  }

  String render(boolean skip, String query, List<Report> reports) {
    StringBuilder out = new StringBuilder(1024);
    out.append("#EXTM3U\n#EXT-X-VERSION:").append(VERSION).append('\n');
    out.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
    out.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=")
        .append(decimal(SKIP_TARGET_DURATIONS * targetDuration))
        .append(",HOLD-BACK=").append(decimal(HOLD_BACK_TARGET_DURATIONS * targetDuration))
        .append(",PART-HOLD-BACK=").append(decimal(PART_HOLD_BACK_PART_TARGETS * partTarget)).append('\n');
    out.append("#EXT-X-PART-INF:PART-TARGET=").append(decimal(partTarget)).append('\n');
    out.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence()).append('\n');
    out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
    if (event) {
      out.append("#EXT-X-PLAYLIST-TYPE:EVENT\n");
    }
    int skipped = skip ? skippable() : 0;
    if (skipped > 0) {
      out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
    }
    double partsFrom = endSeconds() - PART_TARGET_DURATIONS * targetDuration;
    double segmentStart = 0;
    int map = -1;
    for (int i = 0; i < segments.size(); i++) {
      Segment segment = segments.get(i);
      double segmentEnd = segmentStart + segment.durationSeconds();
      if (i >= skipped) {
        map = segmentTags(out, segment, map, query);
        // Once the event has ended a player needs whole segments only; listing parts would make it wait for the
        // middle of the last part to be buffered (hls.js), which a shorter audio track never lets happen.
        if (!ended && segmentEnd > partsFrom) {
          parts(out, segment, query);
        }
        if (segment.gap()) {
          out.append("#EXT-X-GAP\n");
        }
        out.append("#EXTINF:").append(decimal(segment.durationSeconds())).append(",\n")
            .append(withQuery("seg_" + segment.msn() + ".m4s", query)).append('\n');
      }
      segmentStart = segmentEnd;
    }
    if (!open.parts().isEmpty()) {
      segmentTags(out, open, map, query);
      parts(out, open, query);
    }
    if (ended) {
      out.append("#EXT-X-ENDLIST\n");
    } else if (hint) {
      String next = "part_" + open.msn() + "_" + open.parts().size() + ".m4s";
      out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(withQuery(next, query)).append("\"\n");
    }
    for (Report report : reports) {
      out.append("#EXT-X-RENDITION-REPORT:URI=\"")
          .append(withQuery("../" + report.rendition() + "/" + PLAYLIST, query))
          .append("\",LAST-MSN=").append(report.lastMsn()).append(",LAST-PART=").append(report.lastPart())
          .append('\n');
    }
    return out.toString();
  }

  /** Returns the init now in effect. */
  private static int segmentTags(StringBuilder out, Segment segment, int map, String query) {
    if (segment.discontinuity()) {
      out.append("#EXT-X-DISCONTINUITY\n");
    }
    if (segment.init() != map) {
      out.append("#EXT-X-MAP:URI=\"").append(withQuery("init_" + segment.init() + ".mp4", query)).append("\"\n");
    }
    out.append("#EXT-X-PROGRAM-DATE-TIME:").append(DATE_TIME.format(segment.programDateTime())).append('\n');
    return segment.init();
  }

  private static void parts(StringBuilder out, Segment segment, String query) {
    List<Part> parts = segment.parts();
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      out.append("#EXT-X-PART:DURATION=").append(decimal(part.durationSeconds())).append(",URI=\"")
          .append(withQuery("part_" + segment.msn() + "_" + i + ".m4s", query)).append('"');
      if (part.independent()) {
        out.append(",INDEPENDENT=YES");
      }
      out.append('\n');
    }
  }

  /** A duration to the microsecond, as the titles' playlists write it: exact for every timescale used. */
  static String decimal(double seconds) {
    return String.format(Locale.ROOT, "%.6f", seconds);
  }

  static String dateTime(Instant instant) {
    return DATE_TIME.format(instant);
  }

  /** Appends the viewer's query to a URI, after the URI's own query if it has one. */
  static String withQuery(String uri, String query) {
    if (query == null || query.isEmpty()) {
      return uri;
    }
    return uri + (uri.indexOf('?') < 0 ? '?' : '&') + query;
  }
}
