package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Writes each subtitle track as a WebVTT rendition: {@code subtitles/<language>/index.m3u8} and one
 * {@code seg_%05d.vtt} per video segment.
 *
 * <p>RFC 8216 section 3.5: a WebVTT segment carries an {@code X-TIMESTAMP-MAP} header mapping its cue times to the
 * media timeline. Every segment here maps {@code LOCAL:00:00:00.000} to the PTS of the title's first video frame
 * ({@link VideoTimelineStart}), so cue times are written as they are on the title's timeline, the same in every
 * segment.
 *
 * <p>Alignment: the subtitle playlist lists exactly the top video rendition's segment durations, so subtitle segment
 * {@code i} covers video segment {@code i} (all video renditions are cut at the same instants). A cue goes into every
 * segment its time span touches — a player fetches only the segments around the playhead, so a cue crossing a
 * boundary must be in both (hls.js removes the duplicate by its timing and text). A segment without cues is still
 * written, with the header only (RFC 8216 section 3.5 requires the header; the playlist must not have gaps).
 *
 * <p>DASH (ISO/IEC 23009-1): a title that gets a DASH manifest also gets one whole-title WebVTT file per track,
 * {@code subtitles/<language>/}{@value #WHOLE_TITLE}, which its text Adaptation Set names through {@code BaseURL}
 * ({@link DashManifest}). A WebVTT file outside ISO BMFF has no {@code X-TIMESTAMP-MAP} in DASH: its cue times are
 * read as presentation times of the Period. The title's cues count from its first video frame, which the segments
 * present at the PTS {@link VideoTimelineStart} reads (the encoder's reorder delay), and the manifest's Period starts
 * there ({@code presentationTimeOffset}, {@link DashManifest}), so its cues are written as they are. A manifest written
 * without that offset starts its Period at media time 0; a track added to such a title later is shifted by the first
 * frame's PTS, in milliseconds, to show with the same frame as over HLS. A cue past the end of the video is dropped and
 * one running past it ends there, so every cue lies within {@code mediaPresentationDuration}.
 *
 * <p>Subtitle segments are not encrypted: they are small, public-by-nature text, and Apple's authoring specification
 * allows clear WebVTT beside encrypted media.
 */
final class SubtitlePackager {

  static final String DIRECTORY = "subtitles";
  static final String SEGMENT_PATTERN = "seg_%05d.vtt";
  /** The whole-title WebVTT file of a DASH text Adaptation Set, beside the segments. */
  static final String WHOLE_TITLE = "all.vtt";

  /**
   * One written subtitle rendition, as the master playlist names it.
   *
   * @param uri the media playlist, relative to the title
   * @param wholeTitleUri the whole-title WebVTT file relative to the title, or null when none was written
   */
  record Rendition(String language, String name, boolean isDefault, String uri, String wholeTitleUri) {}

  private SubtitlePackager() {}

  /**
   * Writes every track under {@code title}, timed against {@code video} (the top rendition's media playlist), and
   * with {@code wholeTitle} also each track's whole-title file for the DASH manifest written beside it, whose Period
   * starts with the first frame.
   *
   * @throws TranscodeException when a sidecar cue starts after the end of the video
   */
  static List<Rendition> write(Path title, List<SubtitleTrack> tracks, MediaPlaylist video, SegmentFormat format,
      boolean wholeTitle) {
    if (tracks.isEmpty()) {
      return List.of();
    }
    long mpegTs = VideoTimelineStart.of(video, format);
    return write(title, tracks, video, mpegTs, wholeTitle ? OptionalLong.of(mpegTs) : OptionalLong.empty());
  }

  /**
   * As {@link #write(Path, List, MediaPlaylist, SegmentFormat, boolean)}, with the first video frame's timestamp
   * already known ({@code X-TIMESTAMP-MAP=MPEGTS}).
   *
   * @param dashPeriodStart for a title with a DASH manifest, the media time its Period starts at
   *     ({@link DashManifest#periodStart(Path)}, 90 kHz), and each track's whole-title file is written; else empty
   */
  static List<Rendition> write(Path title, List<SubtitleTrack> tracks, MediaPlaylist video, long mpegTs,
      OptionalLong dashPeriodStart) {
    boolean wholeTitle = dashPeriodStart.isPresent();
    double[] boundaries = new double[video.segments().size() + 1];
    for (int i = 0; i < video.segments().size(); i++) {
      boundaries[i + 1] = boundaries[i] + video.segments().get(i).durationSeconds();
    }
    long durationMillis = Math.round(boundaries[boundaries.length - 1] * 1000);
    long shiftMillis = Math.round((mpegTs - dashPeriodStart.orElse(mpegTs))
        / (VideoTimelineStart.MPEG_CLOCK_HZ / 1000.0));
    String header = "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:" + mpegTs + ",LOCAL:00:00:00.000\n\n";
    Set<String> directories = new HashSet<>();
    Set<String> names = new HashSet<>();
    List<Rendition> renditions = new ArrayList<>();
    for (SubtitleTrack track : tracks) {
      String directoryName = track.language();
      for (int n = 2; !directories.add(directoryName.toLowerCase(Locale.ROOT)); n++) {
        directoryName = track.language() + "-" + n;
      }
      // RFC 8216 section 4.3.4.1.1: the members of a group have different NAMEs; a source's stream may repeat a
      // sidecar's label.
      String name = track.name();
      for (int n = 2; !names.add(name); n++) {
        name = track.name() + " (" + n + ")";
      }
      Path directory = title.resolve(DIRECTORY).resolve(directoryName);
      List<StringBuilder> segments = new ArrayList<>();
      for (int i = 0; i < video.segments().size(); i++) {
        segments.add(new StringBuilder(header));
      }
      StringBuilder whole = new StringBuilder("WEBVTT\n\n");
      for (SubtitleCue cue : track.cues()) {
        long start = cue.startMillis() + shiftMillis;
        if (start < durationMillis) {
          whole.append(new SubtitleCue(start, Math.min(cue.endMillis() + shiftMillis, durationMillis), cue.text(),
              cue.settings(), cue.line()).webVttBlock());
        }
        if (cue.startMillis() >= durationMillis) {
          if (track.sidecar()) {
            throw new TranscodeException(track.origin() + " line " + cue.line() + ": cue starts at "
                + SubtitleCue.webVttTime(cue.startMillis()) + ", after the end of the video ("
                + SubtitleCue.webVttTime(durationMillis) + "); check that the subtitles belong to this video or fix"
                + " the timing");
          }
          continue;
        }
        String block = cue.webVttBlock();
        int first = segmentAt(boundaries, cue.startMillis() / 1000.0);
        int last = Math.max(first, segmentAt(boundaries, Math.max(cue.startMillis(), cue.endMillis() - 1) / 1000.0));
        for (int i = first; i <= last; i++) {
          segments.get(i).append(block);
        }
      }
      StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:")
          .append(video.targetDuration()).append("\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n");
      try {
        Files.createDirectories(directory);
        for (int i = 0; i < segments.size(); i++) {
          String file = String.format(Locale.ROOT, SEGMENT_PATTERN, i);
          Files.writeString(directory.resolve(file), segments.get(i));
          playlist.append(String.format(Locale.ROOT, "#EXTINF:%.6f,\n", video.segments().get(i).durationSeconds()))
              .append(file).append('\n');
        }
        playlist.append("#EXT-X-ENDLIST\n");
        Files.writeString(directory.resolve(HlsSegmenter.PLAYLIST), playlist);
        if (wholeTitle) {
          Files.writeString(directory.resolve(WHOLE_TITLE), whole);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write subtitles in " + directory, e);
      }
      String prefix = DIRECTORY + "/" + directoryName + "/";
      renditions.add(new Rendition(track.language(), name, track.isDefault(), prefix + HlsSegmenter.PLAYLIST,
          wholeTitle ? prefix + WHOLE_TITLE : null));
    }
    return List.copyOf(renditions);
  }

  /** The index of the segment holding {@code seconds}; the last one for anything past the end. */
  private static int segmentAt(double[] boundaries, double seconds) {
    int segment = 0;
    while (segment + 2 < boundaries.length && seconds >= boundaries[segment + 1]) {
      segment++;
    }
    return segment;
  }
}
