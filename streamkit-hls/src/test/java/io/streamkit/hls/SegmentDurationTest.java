package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Every {@code EXTINF} is the real duration of its segment (RFC 8216 section 4.3.2.1), measured here with ffprobe
 * from the frames the segment holds: from its earliest frame's PTS to the end of its latest frame. So the last segment
 * keeps its last frame's duration, the sum is the source's duration, and every rendition lists the same values — at
 * 20, 23.976 and 25 fps and at a variable frame rate, in fMP4 and MPEG-TS, with the default x264 preset (B-frames)
 * and the default ladder (two rungs for a 360p source). The DASH timeline, the I-frame playlists and the audio
 * renditions agree.
 */
class SegmentDurationTest {

  /** What ffprobe prints (microseconds) plus the 90 kHz rounding of MPEG-TS timestamps. */
  private static final double MEASURED = 2e-5;
  /** {@code EXTINF} is written to the microsecond. */
  private static final double WRITTEN = 1e-6;
  private static final int SEGMENT_SECONDS = 6;
  /** One AAC frame at the output's 48 kHz; FFmpeg's AAC encoder also delays its output by one (priming). */
  private static final double AAC_FRAME = 1024 / 48000.0;

  @TempDir
  static Path dir;
  private static final Map<String, Path> SOURCES = new LinkedHashMap<>();

  @BeforeAll
  static void generateSources() {
    SOURCES.put("20 fps, 280 frames", cfr("20fps.mp4", "20", 14.0));
    SOURCES.put("23.976 fps", cfr("23976fps.mp4", "24000/1001", 10.0));
    SOURCES.put("25 fps", cfr("25fps.mp4", "25", 9.0));
    // 30 fps for 3 s, then every third frame (10 fps): the frames of the tail last three times as long.
    SOURCES.put("variable frame rate", TitleFixture.pattern(dir, "vfr.mp4", "640x360", "30", 8.0, true, "-vf",
        "select='lt(t\\,3)+not(mod(n\\,3))'", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast",
        "-c:a", "aac"));
  }

  private static Path cfr(String name, String rate, double seconds) {
    return TitleFixture.pattern(dir, name, "640x360", rate, seconds, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
  }

  static Stream<Arguments> titles() {
    return Stream.of("20 fps, 280 frames", "23.976 fps", "25 fps", "variable frame rate")
        .flatMap(source -> Stream.of(Arguments.of(source, SegmentFormat.FMP4), Arguments.of(source, SegmentFormat.TS)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("titles")
  void everyExtinfIsTheMeasuredDurationOfItsSegment(String sourceName, SegmentFormat format) throws Exception {
    Path source = SOURCES.get(sourceName);
    Path title = dir.resolve(source.getFileName() + "-" + format);
    Transcoder.builder().input(source).output(title).format(format).segmentSeconds(SEGMENT_SECONDS)
        .storyboard(false).build().run();
    if (sourceName.startsWith("20 fps")) {
      assertThat(packets(source, "v:0")).as("the source's frames").hasSize(280);
    }
    double sourceSeconds = span(packets(source, "v:0"));

    List<Path> video = variants(title);
    assertThat(video).as("renditions of the default ladder for a 360p source").hasSizeGreaterThanOrEqualTo(2);
    List<String> reference = HlsConformance.lines(video.get(0)).stream().filter(l -> l.startsWith("#EXTINF:"))
        .toList();
    for (Path rendition : video) {
      assertThat(HlsConformance.lines(rendition).stream().filter(l -> l.startsWith("#EXTINF:")).toList())
          .as("EXTINF of %s, the same in every rendition", title.relativize(rendition)).isEqualTo(reference);
      HlsConformance.Playlist playlist = HlsConformance.Playlist.read(rendition);
      assertThat(playlist.totalSeconds()).as("EXTINF sum of %s, the source's duration", title.relativize(rendition))
          .isCloseTo(sourceSeconds, within(MEASURED + playlist.segments.size() * WRITTEN));
      for (int i = 0; i < playlist.segments.size(); i++) {
        assertThat(playlist.segments.get(i).duration()).as("EXTINF of segment %d of %s", i, title.relativize(rendition))
            .isCloseTo(span(packets(playlist.standalone(i), "v:0")), within(MEASURED));
      }
      assertIFramePlaylistTimesEveryKeyFrame(rendition, playlist);
    }
    if (format == SegmentFormat.FMP4) {
      assertDashTimelineIsTheExtinfs(title);
      assertAudioSegmentsLineUpWithTheVideo(title, HlsConformance.Playlist.read(video.get(0)));
    }
  }

  /** Each I-frame's {@code EXTINF} lasts until the next key frame, the last one's until the end of the media. */
  private static void assertIFramePlaylistTimesEveryKeyFrame(Path rendition, HlsConformance.Playlist playlist) {
    List<double[]> frames = packets(rendition, "v:0");
    List<Double> keyFrames = new ArrayList<>();
    for (String line : FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of",
        "csv=p=0", rendition.toString()).split("\n")) {
      String[] fields = line.strip().split(",");
      if (fields.length >= 2 && fields[1].startsWith("K")) {
        keyFrames.add(Double.parseDouble(fields[0]));
      }
    }
    keyFrames.sort(null);
    double end = frames.stream().mapToDouble(f -> f[0] + f[1]).max().orElseThrow();
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < keyFrames.size(); i++) {
      expected.add((i + 1 < keyFrames.size() ? keyFrames.get(i + 1) : end) - keyFrames.get(i));
    }
    List<Double> listed = HlsConformance.lines(rendition.resolveSibling(TitlePackager.I_FRAME_PLAYLIST)).stream()
        .filter(l -> l.startsWith("#EXTINF:")).map(l -> Double.parseDouble(l.substring(8, l.indexOf(','))))
        .toList();
    assertThat(listed).as("I-frame EXTINF of %s", rendition).hasSameSizeAs(expected);
    for (int i = 0; i < listed.size(); i++) {
      assertThat(listed.get(i)).as("I-frame %d of %s", i, rendition).isCloseTo(expected.get(i), within(MEASURED));
    }
    assertThat(listed.stream().mapToDouble(Double::doubleValue).sum()).as("I-frame EXTINF sum of %s", rendition)
        .isCloseTo(playlist.totalSeconds(), within(MEASURED));
  }

  /** ISO/IEC 23009-1 section 5.3.9.6: each {@code S@d} over the timescale is the segment's {@code EXTINF}. */
  private static void assertDashTimelineIsTheExtinfs(Path title) throws Exception {
    Document mpd = DashConformance.parse(title.resolve(DashManifest.MANIFEST));
    int checked = 0;
    for (Element representation : DashConformance.descendants(mpd.getDocumentElement())) {
      if (!representation.getLocalName().equals("Representation")
          || DashConformance.children(representation, "SegmentTemplate").isEmpty()) {
        continue;
      }
      Element template = DashConformance.children(representation, "SegmentTemplate").get(0);
      double timescale = Double.parseDouble(template.getAttribute("timescale"));
      List<Double> timeline = new ArrayList<>();
      for (Element s : DashConformance.children(DashConformance.children(template, "SegmentTimeline").get(0), "S")) {
        int repeat = s.hasAttribute("r") ? Integer.parseInt(s.getAttribute("r")) : 0;
        for (int r = 0; r <= repeat; r++) {
          timeline.add(Long.parseLong(s.getAttribute("d")) / timescale);
        }
      }
      String id = representation.getAttribute("id");
      List<Double> extinf = HlsConformance.Playlist.read(title.resolve(id).resolve(HlsSegmenter.PLAYLIST)).segments
          .stream().map(HlsConformance.Playlist.Segment::duration).toList();
      assertThat(timeline).as("SegmentTimeline of %s", id).hasSameSizeAs(extinf);
      for (int i = 0; i < extinf.size(); i++) {
        assertThat(timeline.get(i)).as("S@d of segment %d of %s", i, id).isCloseTo(extinf.get(i), within(WRITTEN));
      }
      checked++;
    }
    assertThat(checked).as("Representations with a timeline").isGreaterThanOrEqualTo(3);
  }

  /**
   * The audio rendition's segments hold whole AAC frames, so they cannot end exactly where the video's do: each
   * boundary (priming frame left out) lies within one AAC frame of the video's, and each {@code EXTINF} is still
   * the measured duration of the segment's AAC frames.
   */
  private static void assertAudioSegmentsLineUpWithTheVideo(Path title, HlsConformance.Playlist video) {
    HlsConformance.Playlist audio = HlsConformance.Playlist.read(title.resolve("audio").resolve(HlsSegmenter.PLAYLIST));
    assertThat(audio.segments).as("audio segments").hasSameSizeAs(video.segments);
    double audioEnd = -AAC_FRAME;
    double videoEnd = 0;
    for (int i = 0; i < audio.segments.size(); i++) {
      double listed = audio.segments.get(i).duration();
      assertThat(listed).as("audio EXTINF of segment %d", i)
          .isCloseTo(span(packets(audio.standalone(i), "a:0")), within(MEASURED));
      audioEnd += listed;
      videoEnd += video.segments.get(i).duration();
      assertThat(audioEnd).as("end of audio segment %d", i).isCloseTo(videoEnd, within(AAC_FRAME + WRITTEN));
    }
  }

  private static List<Path> variants(Path title) {
    List<String> master = HlsConformance.lines(title.resolve(TitlePackager.MASTER));
    List<Path> playlists = new ArrayList<>();
    for (int i = 0; i < master.size(); i++) {
      if (master.get(i).startsWith("#EXT-X-STREAM-INF:") && !playlists.contains(title.resolve(master.get(i + 1)))) {
        playlists.add(title.resolve(master.get(i + 1)));
      }
    }
    return playlists;
  }

  /**
   * PTS and duration in seconds of every packet of {@code stream}; a duration ffprobe does not know (it reports none
   * for the first AAC sample of a fragment) counts as 0, which leaves the packet's start in the span.
   */
  private static List<double[]> packets(Path media, String stream) {
    List<double[]> packets = new ArrayList<>();
    for (String line : FfmpegTool.ffprobe("-select_streams", stream, "-show_entries", "packet=pts_time,duration_time",
        "-of", "csv=p=0", media.toString()).split("\n")) {
      String[] fields = line.strip().split(",");
      if (fields.length >= 1 && !fields[0].isEmpty() && !fields[0].equals("N/A")) {
        double duration = fields.length < 2 || fields[1].equals("N/A") ? 0 : Double.parseDouble(fields[1]);
        packets.add(new double[] {Double.parseDouble(fields[0]), duration});
      }
    }
    return packets;
  }

  /** From the earliest PTS to the latest end (PTS plus duration). */
  private static double span(List<double[]> packets) {
    assertThat(packets).as("packets").isNotEmpty();
    double start = packets.stream().mapToDouble(p -> p[0]).min().orElseThrow();
    double end = packets.stream().mapToDouble(p -> p[0] + p[1]).max().orElseThrow();
    return end - start;
  }
}
