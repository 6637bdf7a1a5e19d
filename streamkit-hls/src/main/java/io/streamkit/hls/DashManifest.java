package io.streamkit.hls;

import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.core.protection.ContentKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the MPEG-DASH manifest ({@value #MANIFEST}, ISO/IEC 23009-1) of a clear fMP4 title beside its master
 * playlist, over the very same init and media segments: the title plays over DASH and HLS without a second copy.
 *
 * <p>Shape (section 5.3): a static MPD (section 5.3.1.2, {@code type="static"}) of the ISO base media file format
 * live profile (section 8.4, {@code urn:mpeg:dash:profile:isoff-live:2011}: one {@code SegmentTemplate} per
 * Representation, segments addressed by number); one Period; a video AdaptationSet with one Representation per rung
 * and one audio AdaptationSet per audio rendition (each source track in stereo, and in 5.1 for a surround track), with
 * the track's language ({@code und} when the source does not say) and Role; one text AdaptationSet per subtitle track
 * (below). An audio-only title has no video AdaptationSet, only its audio ones. The CMAF profile is not
 * claimed: the segmenter writes DASH brands ({@code msdh}), not the CMAF brands section 8.12 requires.
 *
 * <p>URLs appear only in {@code SegmentTemplate@initialization} and {@code SegmentTemplate@media}, relative to the
 * manifest at the title root ({@code <rendition>/init.mp4}, {@code <rendition>/seg_$Number%05d$.m4s}, section
 * 5.3.9.4.4), and in the {@code BaseURL} of text Representations; an origin that rewrites or signs URLs finds them
 * there.
 *
 * <p>Subtitles: each track is a text AdaptationSet ({@code contentType="text"}, {@code mimeType="text/vtt"}, the
 * track's {@code lang}), with {@code Role} {@code subtitle} (section 5.8.5.5) and a {@code Label} holding the track's
 * name, the text a player shows in its menu (section 5.3.10). Its one Representation is a single whole-title WebVTT
 * file named by {@code BaseURL} (section 5.6), with no segment information: section 5.3.9.1 lets a Representation
 * whose {@code BaseURL} is one media segment do without, and dash.js and Shaka load such a file whole. Its cues are
 * on the Period's timeline ({@link SubtitlePackager}). Its {@code @bandwidth} is the file's size over the title's
 * duration.
 *
 * <p>Timing (section 5.3.9.6): each Representation's {@code SegmentTimeline} is read from its fragments on disk
 * ({@link Fmp4Fragments}): {@code S@t} is the segment's earliest presentation time, the smallest decode time plus
 * composition offset of its samples (section 7.2.1, and the DASH-IF timing model's "Media segments": a segment holds
 * the samples of exactly the time span its reference gives it); {@code S@d} is the sum of its samples' durations,
 * in the track timescale of the init segment's {@code mdhd}; consecutive segments of equal duration share one
 * {@code S} with {@code @r}. The rounded {@code EXTINF} values play no part, so the timeline is exact. The
 * fragments' {@code tfdt} is a decode time, for video with B-frames the encoder's reorder delay earlier: as
 * {@code S@t} it placed every video segment that much early, and a player seeking to just before a boundary fetched
 * the segment after it, whose first frame came later than the seek.
 *
 * <p>The Period starts with the title's first frame (section 5.3.9.2: {@code presentationTimeOffset}, the media time
 * at Period time 0, in each Representation's timescale). Every rendition presents its first frame or sample there
 * ({@link VideoTimelineStart}: the encoder's reorder delay, 80 ms at 25 fps), while its fragments' decode times start
 * earlier: at 0 for the video, the delay less the AAC encoder's priming frame for the audio. With the offset every
 * audio and video Representation has a segment at Period time 0 (its first one starts at or before it), so a player
 * that starts at 0 finds one in every track: without it the audio's first segment started after 0, and dash.js 5.2
 * started at 0 left the audio unrequested. The priming frame then lies before Period time 0, where Media Source
 * Extensions' append window (from 0) drops it, as an edit list would. Cues of the whole-title WebVTT file count from
 * the same instant ({@link SubtitlePackager}). Manifests written without the offset (its Period starting at media
 * time 0) are still read: {@link #periodStart(Path)}.
 *
 * <p>{@code @bandwidth} (section 5.3.5.2) is the Representation's peak segment bitrate measured the same way as the
 * HLS {@code BANDWIDTH} ({@link MediaPlaylist#peakBitsPerSecond()}), per Representation: a video Representation's
 * plus the largest stereo audio Representation's is the HLS stereo variant's {@code BANDWIDTH}. {@code minBufferTime} is the longest
 * segment, enough buffer for a channel of that bitrate to deliver any segment in time. Segments start with an IDR of
 * a closed GOP, hence {@code startWithSAP="1"} (SAP type 1, Annex I).
 *
 * <p>Audio AdaptationSets carry a {@code Label} (section 5.3.10) with the {@code NAME} of the track's HLS
 * {@code EXT-X-MEDIA} ({@link TitlePackager}), so a DASH player's menu names a track as an HLS player's does.
 *
 * <p>A {@code 'cbcs'} title ({@link CbcsEncryptor}) gets the manifest too, over the same encrypted segments: every
 * AdaptationSet of media carries two {@code ContentProtection} descriptors (section 5.8.4.1). The first,
 * {@value #MP4_PROTECTION_SCHEME} with {@code value="cbcs"} and {@code cenc:default_KID} (ISO/IEC 23001-7's DASH
 * signalling), names the scheme and the {@code tenc} key id. The second is the W3C Clear Key system
 * ({@value #CLEAR_KEY_SYSTEM}, DASH-IF IOP "Clear Key" guidelines): its {@code dashif:Laurl} is the licence URL,
 * {@value #CLEAR_KEY_LICENSE} relative to the manifest (the origin makes it absolute and gives it the viewer's
 * token), and its {@code cenc:pssh} is a version 1 {@code pssh} box of the W3C common system id (Common SystemID and
 * PSSH Box Format) listing every key id of the title. With the key ids in the init data, a player asks for
 * all of a title's keys in its first licence request, so segments of a rotated key, named only by their
 * {@code 'seig'} sample group, decrypt without a second request the segments could not trigger.
 *
 * <p>Not written for TS titles (the isoff-live profile needs ISO BMFF segments) nor for AES-128 ones (a whole
 * segment encrypted is not Common Encryption; those play over HLS only).
 */
final class DashManifest {

  static final String MANIFEST = "manifest.mpd";
  static final String NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";
  static final String PROFILE = "urn:mpeg:dash:profile:isoff-live:2011";
  /** ISO/IEC 23009-1 section 5.8.5.2 (Role scheme) and ISO/IEC 23001-8 ChannelConfiguration (CICP). */
  static final String ROLE_SCHEME = "urn:mpeg:dash:role:2011";
  static final String CHANNEL_CONFIGURATION_SCHEME = "urn:mpeg:mpegB:cicp:ChannelConfiguration";
  /** ISO/IEC 23009-1 section 5.8.4.1: the Common Encryption scheme of the segments, named by {@code @value}. */
  static final String MP4_PROTECTION_SCHEME = "urn:mpeg:dash:mp4protection:2011";
  /** ISO/IEC 23001-7 (its DASH signalling): the namespace of {@code default_KID} and {@code pssh}. */
  static final String CENC_NAMESPACE = "urn:mpeg:cenc:2013";
  /** DASH-IF IOP content protection namespace of {@code Laurl}. */
  static final String DASHIF_NAMESPACE = "https://dashif.org/CPS";
  /** The W3C Clear Key system as a DASH scheme: {@code urn:uuid:} and its system id. */
  static final String CLEAR_KEY_SYSTEM = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e";
  /** The W3C common PSSH system id (Common SystemID and PSSH Box Format), which lists key ids for any system. */
  private static final byte[] COMMON_SYSTEM_ID = HexFormat.of().parseHex("1077efecc0b24d02ace33c1e52e2fb4b");
  /** The Clear Key licence URL, relative to the manifest: beside the title's key URIs. */
  static final String CLEAR_KEY_LICENSE = SegmentEncryption.KEY_DIRECTORY + "/" + SegmentEncryption.CLEAR_KEY_LICENSE;
  /** ISO 639-2 code for an undetermined language: the source does not say. */
  static final String UNDETERMINED_LANGUAGE = "und";

  /** One {@code S} element: {@code repeat} more segments of the same duration follow the first. */
  record TimelineEntry(long start, long duration, int repeat) {}

  /** A Representation's segments as read from disk. */
  private record Timeline(Fmp4Fragments.Track track, long startNumber, List<TimelineEntry> entries, long ticks,
      long longestSegment) {}

  private static final Pattern PRESENTATION_DURATION = Pattern.compile("mediaPresentationDuration=\"([^\"]+)\"");
  private static final Pattern FIRST_TEMPLATE = Pattern.compile("<SegmentTemplate timescale=\"(\\d+)\"[^>]*>");
  private static final Pattern PRESENTATION_TIME_OFFSET = Pattern.compile(" presentationTimeOffset=\"(\\d+)\"");
  private static final Pattern ADAPTATION_SET_ID = Pattern.compile("<AdaptationSet id=\"(\\d+)\"");
  private static final String PERIOD_END = "  </Period>\n";

  private DashManifest() {}

  /**
   * @param keys the title's {@code 'cbcs'} keys, the first the default; empty for a clear title
   */
  static void write(Path title, TranscodePipeline.Encoded encoded, List<SubtitlePackager.Rendition> subtitles,
      List<ContentKey> keys) {
    String protection = contentProtection(keys);
    Map<Integer, String> audioNames = TitlePackager.renditionNames(encoded.audio());
    // The title's first frame, or an audio-only title's first sample: where every rendition starts presenting.
    Path top = encoded.video().isEmpty() ? encoded.audio().get(0).directory() : encoded.video().get(0).directory();
    long periodStart = VideoTimelineStart.of(MediaPlaylist.read(top.resolve(HlsSegmenter.PLAYLIST)),
        SegmentFormat.FMP4);
    StringBuilder video = new StringBuilder();
    double duration = 0;
    double longestSegment = 0;
    int maxWidth = 0;
    int maxHeight = 0;
    for (TranscodePipeline.EncodedVideo rendition : encoded.video()) {
      PlannedRendition plan = rendition.plan();
      MediaPlaylist playlist = MediaPlaylist.read(rendition.directory().resolve(HlsSegmenter.PLAYLIST));
      Timeline timeline = timeline(rendition.directory(), playlist);
      duration = Math.max(duration, seconds(timeline.ticks(), timeline.track()));
      longestSegment = Math.max(longestSegment, seconds(timeline.longestSegment(), timeline.track()));
      maxWidth = Math.max(maxWidth, plan.width());
      maxHeight = Math.max(maxHeight, plan.height());
      video.append("      <Representation id=\"").append(escape(plan.name())).append("\" bandwidth=\"")
          .append(playlist.peakBitsPerSecond()).append("\" width=\"").append(plan.width()).append("\" height=\"")
          .append(plan.height()).append("\" frameRate=\"").append(plan.frameRate()).append("\" sar=\"1:1\" codecs=\"")
          .append(AvcCodecString.of(rendition.codecConfiguration())).append("\">\n");
      segmentTemplate(video, plan.name(), timeline, periodStart);
      video.append("      </Representation>\n");
    }
    StringBuilder audio = new StringBuilder();
    int adaptationSet = 1;
    for (TranscodePipeline.EncodedAudio rendition : encoded.audio()) {
      Path directory = rendition.directory();
      MediaPlaylist playlist = MediaPlaylist.read(directory.resolve(HlsSegmenter.PLAYLIST));
      Timeline timeline = timeline(directory, playlist);
      duration = Math.max(duration, seconds(timeline.ticks(), timeline.track()));
      longestSegment = Math.max(longestSegment, seconds(timeline.longestSegment(), timeline.track()));
      String name = directory.getFileName().toString();
      audio.append("    <AdaptationSet id=\"").append(adaptationSet++)
          .append("\" contentType=\"audio\" mimeType=\"audio/mp4\" lang=\"")
          .append(escape(rendition.track().language().orElse(UNDETERMINED_LANGUAGE)))
          .append("\" segmentAlignment=\"true\" startWithSAP=\"1\">\n")
          .append("      <AudioChannelConfiguration schemeIdUri=\"").append(CHANNEL_CONFIGURATION_SCHEME)
          .append("\" value=\"").append(timeline.track().channels()).append("\"/>\n")
          .append(protection)
          .append("      <Label>").append(escape(audioNames.get(rendition.trackNumber()))).append("</Label>\n")
          .append("      <Role schemeIdUri=\"").append(ROLE_SCHEME).append("\" value=\"").append(role(rendition))
          .append("\"/>\n")
          .append("      <Representation id=\"").append(name).append("\" bandwidth=\"")
          .append(playlist.peakBitsPerSecond()).append("\" codecs=\"").append(TitlePackager.AAC_LC)
          .append("\" audioSamplingRate=\"").append(timeline.track().sampleRate()).append("\">\n");
      segmentTemplate(audio, name, timeline, periodStart);
      audio.append("      </Representation>\n    </AdaptationSet>\n");
    }
    StringBuilder text = new StringBuilder();
    for (SubtitlePackager.Rendition subtitle : subtitles) {
      text.append(textAdaptationSet(title, adaptationSet++, subtitle, duration));
    }
    StringBuilder mpd = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<MPD xmlns=\"").append(NAMESPACE)
        .append(keys.isEmpty() ? "" : "\" xmlns:cenc=\"" + CENC_NAMESPACE + "\" xmlns:dashif=\"" + DASHIF_NAMESPACE)
        .append("\" type=\"static\" profiles=\"").append(PROFILE)
        .append("\" mediaPresentationDuration=\"").append(xsDuration(duration)).append("\" minBufferTime=\"")
        .append(xsDuration(longestSegment)).append("\">\n")
        .append("  <Period id=\"0\" start=\"PT0S\">\n");
    if (!encoded.video().isEmpty()) {
      int divisor = gcd(maxWidth, maxHeight);
      mpd.append("    <AdaptationSet id=\"0\" contentType=\"video\" mimeType=\"video/mp4\" segmentAlignment=\"true\"")
          .append(" startWithSAP=\"1\" maxWidth=\"").append(maxWidth).append("\" maxHeight=\"").append(maxHeight)
          .append("\" par=\"").append(maxWidth / divisor).append(':').append(maxHeight / divisor).append("\">\n")
          .append(protection).append(video).append("    </AdaptationSet>\n");
    }
    mpd.append(audio).append(text).append("  </Period>\n</MPD>\n");
    try {
      Files.writeString(title.resolve(MANIFEST), mpd);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + title.resolve(MANIFEST), e);
    }
  }

  /**
   * Adds a text AdaptationSet for a subtitle track packaged after the manifest was written (a sidecar file added to a
   * published title), before the end of the Period, with the next free AdaptationSet id; the manifest is replaced
   * whole by a rename, so a reader sees the old or the new one.
   */
  static void addText(Path title, SubtitlePackager.Rendition subtitle) {
    String mpd = read(title);
    Matcher duration = PRESENTATION_DURATION.matcher(mpd);
    if (!duration.find()) {
      throw new IllegalStateException(title.resolve(MANIFEST) + " has no mediaPresentationDuration; package the"
          + " title again");
    }
    int next = 0;
    for (Matcher id = ADAPTATION_SET_ID.matcher(mpd); id.find(); ) {
      next = Math.max(next, Integer.parseInt(id.group(1)) + 1);
    }
    double seconds = java.time.Duration.parse(duration.group(1)).toNanos() / 1e9;
    int end = mpd.lastIndexOf(PERIOD_END);
    replace(title, mpd.substring(0, end) + textAdaptationSet(title, next, subtitle, seconds) + mpd.substring(end));
  }

  /** Removes the text AdaptationSet whose BaseURL is {@code wholeTitleUri}; a manifest without one is left as it is. */
  static void removeText(Path title, String wholeTitleUri) {
    String mpd = read(title);
    Matcher set = Pattern.compile("    <AdaptationSet id=\"\\d+\" contentType=\"text\"[^\n]*\n"
        + "(?:(?!    </AdaptationSet>\n)[^\n]*\n)*?        <BaseURL>" + Pattern.quote(escape(wholeTitleUri))
        + "</BaseURL>\n(?:[^\n]*\n)*?    </AdaptationSet>\n").matcher(mpd);
    if (set.find()) {
      replace(title, mpd.substring(0, set.start()) + mpd.substring(set.end()));
    }
  }

  /**
   * The {@code ContentProtection} descriptors of an AdaptationSet of a {@code 'cbcs'} title (see the class comment),
   * or nothing for a clear one. Section 5.8.4.1: {@code cenc:default_KID} is the key id in UUID form.
   */
  private static String contentProtection(List<ContentKey> keys) {
    if (keys.isEmpty()) {
      return "";
    }
    String kid = keys.get(0).id();
    String uuid = kid.substring(0, 8) + "-" + kid.substring(8, 12) + "-" + kid.substring(12, 16) + "-"
        + kid.substring(16, 20) + "-" + kid.substring(20);
    ByteBuffer pssh = ByteBuffer.allocate(32 + ContentKey.KEY_BYTES * keys.size() + 4);
    pssh.putInt(pssh.capacity()).put("pssh".getBytes(StandardCharsets.US_ASCII)).putInt(0x01000000)
        .put(COMMON_SYSTEM_ID).putInt(keys.size());
    keys.forEach(k -> pssh.put(HexFormat.of().parseHex(k.id())));
    pssh.putInt(0);
    return "      <ContentProtection schemeIdUri=\"" + MP4_PROTECTION_SCHEME + "\" value=\"cbcs\" cenc:default_KID=\""
        + uuid + "\"/>\n"
        + "      <ContentProtection schemeIdUri=\"" + CLEAR_KEY_SYSTEM + "\" value=\"ClearKey1.0\">\n"
        + "        <dashif:Laurl licenseType=\"EME-1.0\">" + CLEAR_KEY_LICENSE + "</dashif:Laurl>\n"
        + "        <cenc:pssh>" + Base64.getEncoder().encodeToString(pssh.array()) + "</cenc:pssh>\n"
        + "      </ContentProtection>\n";
  }

  /**
   * One subtitle track as a text AdaptationSet (section 5.3.3): Role {@code subtitle} (section 5.8.5.5), its name as
   * Label (section 5.3.10), and one Representation whose BaseURL (section 5.6) is the whole-title WebVTT file; its
   * bandwidth is the file's size over the title's duration.
   */
  private static String textAdaptationSet(Path title, int id, SubtitlePackager.Rendition subtitle,
      double durationSeconds) {
    long bits = 8 * size(title.resolve(subtitle.wholeTitleUri()));
    String representation = subtitle.wholeTitleUri().substring(0, subtitle.wholeTitleUri().lastIndexOf('/'))
        .replace('/', '-');
    return "    <AdaptationSet id=\"" + id + "\" contentType=\"text\" mimeType=\"text/vtt\" lang=\""
        + escape(subtitle.language()) + "\">\n      <Role schemeIdUri=\"" + ROLE_SCHEME + "\" value=\"subtitle\"/>\n"
        + "      <Label>" + escape(subtitle.name()) + "</Label>\n"
        + "      <Representation id=\"" + escape(representation) + "\" bandwidth=\""
        + Math.max(1, Math.round(bits / Math.max(durationSeconds, 1))) + "\">\n        <BaseURL>"
        + escape(subtitle.wholeTitleUri()) + "</BaseURL>\n      </Representation>\n"
        + "    </AdaptationSet>\n";
  }

  private static String read(Path title) {
    try {
      return Files.readString(title.resolve(MANIFEST), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + title.resolve(MANIFEST) + ": " + e.getMessage(), e);
    }
  }

  private static void replace(Path title, String mpd) {
    FileReplacement.replace(title.resolve(MANIFEST), mpd);
  }

  /**
   * The track's role (section 5.8.5.5): {@code main} for the main track, {@code commentary}, {@code description} (an
   * audio description), {@code enhanced-audio-intelligibility} (for the hearing impaired), else {@code alternate}.
   */
  private static String role(TranscodePipeline.EncodedAudio rendition) {
    MediaInfo.Audio track = rendition.track();
    if (rendition.main()) {
      return "main";
    }
    if (track.commentary()) {
      return "commentary";
    }
    if (track.describesVideo()) {
      return "description";
    }
    return track.hearingImpaired() ? "enhanced-audio-intelligibility" : "alternate";
  }

  /**
   * Reads a rendition's timeline: one entry per media segment of its playlist, whose files are numbered from the
   * media sequence number on (section 5.3.9.4.4: {@code $Number$} counts from {@code startNumber}).
   */
  private static Timeline timeline(Path directory, MediaPlaylist playlist) {
    Fmp4Fragments.Track track = Fmp4Fragments.track(directory.resolve(HlsSegmenter.INIT_SEGMENT));
    List<TimelineEntry> entries = new ArrayList<>();
    long ticks = 0;
    long longest = 0;
    long number = playlist.mediaSequence();
    for (MediaPlaylist.Segment segment : playlist.segments()) {
      String expected = String.format(HlsSegmenter.SEGMENT_NAME, number) + SegmentFormat.FMP4.extension;
      if (!segment.uri().equals(expected)) {
        throw new IllegalStateException(playlist.file() + " lists " + segment.uri() + " where the segment template"
            + " expects " + expected);
      }
      number++;
      List<Fmp4Fragments.Fragment> fragments = Fmp4Fragments.fragments(directory.resolve(segment.uri()), track);
      if (fragments.isEmpty()) {
        throw new TranscodeException("cannot write " + MANIFEST + ": segment " + directory.resolve(segment.uri())
            + " holds no fragment; transcode the title again");
      }
      long start = fragments.stream().mapToLong(Fmp4Fragments.Fragment::earliestPresentationTime).min()
          .orElseThrow();
      long duration = fragments.stream().mapToLong(Fmp4Fragments.Fragment::duration).sum();
      ticks += duration;
      longest = Math.max(longest, duration);
      TimelineEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
      if (last != null && last.duration() == duration
          && last.start() + (last.repeat() + 1) * last.duration() == start) {
        entries.set(entries.size() - 1, new TimelineEntry(last.start(), duration, last.repeat() + 1));
      } else {
        entries.add(new TimelineEntry(start, duration, 0));
      }
    }
    return new Timeline(track, playlist.mediaSequence(), List.copyOf(entries), ticks, longest);
  }

  /**
   * The media time at which the title's manifest starts its Period, on the 90 kHz clock of
   * {@link VideoTimelineStart}: its {@code presentationTimeOffset} (the same instant in every Representation), or 0
   * for a manifest written without one.
   */
  static long periodStart(Path title) {
    String mpd = read(title);
    Matcher template = FIRST_TEMPLATE.matcher(mpd);
    if (!template.find()) {
      return 0;
    }
    Matcher offset = PRESENTATION_TIME_OFFSET.matcher(template.group());
    return offset.find() ? Math.round(Long.parseLong(offset.group(1)) * (double) VideoTimelineStart.MPEG_CLOCK_HZ
        / Long.parseLong(template.group(1))) : 0;
  }

  /** {@code periodStart} (90 kHz) in the track's timescale, to the nearest tick. */
  private static long presentationTimeOffset(long periodStart, Fmp4Fragments.Track track) {
    return Math.round(periodStart * (double) track.timescale() / VideoTimelineStart.MPEG_CLOCK_HZ);
  }

  private static void segmentTemplate(StringBuilder out, String rendition, Timeline timeline, long periodStart) {
    String media = HlsSegmenter.SEGMENT_NAME.replace("%05d", "$Number%05d$") + SegmentFormat.FMP4.extension;
    long offset = presentationTimeOffset(periodStart, timeline.track());
    out.append("        <SegmentTemplate timescale=\"").append(timeline.track().timescale())
        .append(offset > 0 ? "\" presentationTimeOffset=\"" + offset : "")
        .append("\" startNumber=\"").append(timeline.startNumber()).append("\" initialization=\"")
        .append(escape(rendition)).append('/').append(HlsSegmenter.INIT_SEGMENT).append("\" media=\"")
        .append(escape(rendition)).append('/').append(media).append("\">\n          <SegmentTimeline>\n");
    long expectedStart = -1;
    for (TimelineEntry entry : timeline.entries()) {
      out.append("            <S");
      // S@t may be left out when a segment starts where the previous one ended (section 5.3.9.6.3).
      if (entry.start() != expectedStart) {
        out.append(" t=\"").append(entry.start()).append('"');
      }
      out.append(" d=\"").append(entry.duration()).append('"');
      if (entry.repeat() > 0) {
        out.append(" r=\"").append(entry.repeat()).append('"');
      }
      out.append("/>\n");
      expectedStart = entry.start() + (entry.repeat() + 1) * entry.duration();
    }
    out.append("          </SegmentTimeline>\n        </SegmentTemplate>\n");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static double seconds(long ticks, Fmp4Fragments.Track track) {
    return (double) ticks / track.timescale();
  }

  /** An {@code xs:duration} in seconds, to the millisecond. */
  static String xsDuration(double seconds) {
    BigDecimal value = BigDecimal.valueOf(seconds).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
    return "PT" + (value.signum() == 0 ? "0" : value.toPlainString()) + "S";
  }

  private static int gcd(int a, int b) {
    return b == 0 ? Math.max(a, 1) : gcd(b, a % b);
  }

  private static String escape(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
  }
}
