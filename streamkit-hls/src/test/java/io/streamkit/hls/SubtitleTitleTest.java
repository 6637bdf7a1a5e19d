package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subtitle tracks in real titles: sidecar files and text streams of the source, packaged as segmented WebVTT aligned
 * with the video segments, with an {@code X-TIMESTAMP-MAP} that names the first video frame's timestamp as ffprobe
 * reads it from the segment.
 */
class SubtitleTitleTest {

  /** Cues on both sides of the 3 s boundary, one across it, none in 6-9 s, one in the last segment. */
  private static final String SRT = """
      1
      00:00:00,500 --> 00:00:02,000
      <i>First</i> line

      2
      00:00:02,500 --> 00:00:03,500
      Across the boundary

      3
      00:00:09,200 --> 00:00:09,800
      Last
      """;

  @TempDir Path dir;

  @Test
  void sidecarSrtBecomesSegmentedWebVttAlignedWithTheFmp4Segments() throws IOException {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 10, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path srt = Files.writeString(dir.resolve("movie.en.srt"), SRT);
    Path out = dir.resolve("title");
    // veryfast uses B-frames: the first frame is presented after a reorder delay, so its PTS is not 0.
    TranscodeResult result = Transcoder.builder().input(source).output(out).ladder(Ladder.small())
        .segmentSeconds(TitleFixture.SEGMENT_SECONDS).subtitles(srt, "en", "English", true).build().run();

    String master = Files.readString(out.resolve("master.m3u8"));
    assertThat(master).contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English\","
        + "DEFAULT=YES,AUTOSELECT=YES,URI=\"subtitles/en/index.m3u8\"\n");
    List<String> variants = Arrays.stream(master.split("\n")).filter(l -> l.startsWith("#EXT-X-STREAM-INF:")).toList();
    assertThat(variants).hasSize(result.renditions().size()).allSatisfy(l -> assertThat(l).contains(",SUBTITLES=\"subs\""));

    Path top = out.resolve(result.renditions().get(0).name());
    assertThat(durations(out.resolve("subtitles/en/index.m3u8"))).isEqualTo(durations(top.resolve("index.m3u8")))
        .hasSize(4);
    long firstFramePts = Math.round(Double.parseDouble(firstVideoPtsSeconds(top, SegmentFormat.FMP4)) * 90_000);
    assertThat(firstFramePts).as("B-frame reorder delay").isPositive();
    String header = "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:" + firstFramePts + ",LOCAL:00:00:00.000\n\n";
    List<String> segments = List.of(segment(out, "en", 0), segment(out, "en", 1), segment(out, "en", 2),
        segment(out, "en", 3));
    assertThat(segments).allSatisfy(s -> assertThat(s).startsWith(header));
    assertThat(segments.get(0)).isEqualTo(header + "00:00:00.500 --> 00:00:02.000\n<i>First</i> line\n\n"
        + "00:00:02.500 --> 00:00:03.500\nAcross the boundary\n\n");
    assertThat(segments.get(1)).isEqualTo(header + "00:00:02.500 --> 00:00:03.500\nAcross the boundary\n\n");
    assertThat(segments.get(2)).as("a segment without cues keeps its header").isEqualTo(header);
    assertThat(segments.get(3)).isEqualTo(header + "00:00:09.200 --> 00:00:09.800\nLast\n\n");
    assertThat(HlsConformance.check(out, new HlsConformance.Source(320, 240, true, TitleFixture.SEGMENT_SECONDS)))
        .isEmpty();

    // DASH has no X-TIMESTAMP-MAP: the whole-title file is on the Period's timeline, which starts with the first
    // frame (presentationTimeOffset), so its cues are the source's.
    assertThat(Files.readString(out.resolve("subtitles/en/all.vtt"))).isEqualTo("WEBVTT\n\n"
        + "00:00:00.500 --> 00:00:02.000\n<i>First</i> line\n\n"
        + "00:00:02.500 --> 00:00:03.500\nAcross the boundary\n\n"
        + "00:00:09.200 --> 00:00:09.800\nLast\n\n");
    assertThat(DashConformance.check(out)).as("DASH violations").isEmpty();
    String mpd = Files.readString(out.resolve("manifest.mpd"));
    Matcher template = Pattern.compile(
        "<SegmentTemplate timescale=\"(\\d+)\" presentationTimeOffset=\"(\\d+)\"").matcher(mpd);
    assertThat(template.find()).as(mpd).isTrue();
    assertThat(Long.parseLong(template.group(2)) * 90_000 / Long.parseLong(template.group(1)))
        .as("the Period starts with the first frame").isEqualTo(firstFramePts);
    // Every audio and video Representation has a segment at Period time 0, where a player starts: its first segment
    // starts there or before, by at most the first frame's PTS (no decode time is negative).
    Matcher first = Pattern.compile("<SegmentTemplate timescale=\"(\\d+)\" presentationTimeOffset=\"(\\d+)\"[^>]*>"
        + "\\s*<SegmentTimeline>\\s*<S t=\"(\\d+)\"").matcher(mpd);
    int representations = 0;
    while (first.find()) {
      representations++;
      double start = (Long.parseLong(first.group(3)) - Long.parseLong(first.group(2)))
          / Double.parseDouble(first.group(1));
      assertThat(start).as("first segment's start on the Period's timeline").isBetween(-firstFramePts / 90_000.0, 0.0);
    }
    assertThat(representations).as("video and audio Representations").isEqualTo(result.renditions().size() + 1);
    assertThat(mpd).contains("<AdaptationSet id=\"2\" contentType=\"text\" mimeType=\"text/vtt\" lang=\"en\">\n"
        + "      <Role schemeIdUri=\"urn:mpeg:dash:role:2011\" value=\"subtitle\"/>\n"
        + "      <Label>English</Label>\n").contains("<BaseURL>subtitles/en/all.vtt</BaseURL>");
  }

  @Test
  void transportStreamTitleMapsTheCuesToTheFirstVideoPesTimestamp() throws IOException {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 10, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path english = Files.writeString(dir.resolve("en.srt"), SRT);
    Path french = Files.writeString(dir.resolve("fr.vtt"), "WEBVTT\n\n00:04.000 --> 00:05.000 line:0\nBonjour\n");
    Path out = dir.resolve("title");
    TranscodeResult result = Transcoder.builder().input(source).output(out).format(SegmentFormat.TS).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(TitleFixture.SEGMENT_SECONDS).subtitles(english, "en", "English", false)
        .subtitles(french, "fr", "Français", false).build().run();

    String master = Files.readString(out.resolve("master.m3u8"));
    assertThat(master).contains("LANGUAGE=\"en\",NAME=\"English\",DEFAULT=NO,AUTOSELECT=YES")
        .contains("LANGUAGE=\"fr\",NAME=\"Français\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subtitles/fr/index.m3u8\"");
    long firstFramePts = Long.parseLong(firstVideoPtsSeconds(out.resolve(result.renditions().get(0).name()),
        SegmentFormat.TS));
    assertThat(segment(out, "fr", 1)).isEqualTo("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:" + firstFramePts
        + ",LOCAL:00:00:00.000\n\n00:00:04.000 --> 00:00:05.000 line:0\nBonjour\n\n");
    assertThat(out.resolve("subtitles/fr/all.vtt")).as("a TS title has no DASH manifest").doesNotExist();
    assertThat(HlsConformance.check(out, new HlsConformance.Source(320, 240, true, TitleFixture.SEGMENT_SECONDS)))
        .isEmpty();
  }

  @Test
  void aSidecarCueAfterTheEndOfTheVideoFailsTheRunAndPublishesNothing() throws IOException {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 4, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path srt = Files.writeString(dir.resolve("other-cut.srt"), "1\n00:00:01,000 --> 00:00:02,000\nfits\n\n"
        + "2\n00:00:30,000 --> 00:00:31,000\ntoo late\n");
    Path out = dir.resolve("title");
    TranscodeJob job = Transcoder.builder().input(source).output(out).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(TitleFixture.SEGMENT_SECONDS).subtitles(srt, "en", "English", false).build();
    assertThatThrownBy(job::run).isInstanceOf(TranscodeException.class)
        .hasMessageStartingWith("other-cut.srt line 6: cue starts at 00:00:30.000, after the end of the video (00:00:0")
        .hasMessageEndingWith("); check that the subtitles belong to this video or fix the timing");
    assertThat(out).doesNotExist();
    TitleFixture.assertNoStaging(dir);
  }

  @Test
  void builderRefusesBadSubtitleArgumentsAtOnce() throws IOException {
    Path srt = Files.writeString(dir.resolve("a.srt"), SRT);
    Transcoder.Builder builder = Transcoder.builder();
    assertThatThrownBy(() -> builder.subtitles(dir.resolve("missing.srt"), "en", "English", false))
        .hasMessageContaining("missing.srt does not exist");
    assertThatThrownBy(() -> builder.subtitles(srt, "english", "English", false))
        .hasMessage("subtitle language must be a BCP 47 tag such as en, pt-BR or und, got 'english'");
    assertThatThrownBy(() -> builder.subtitles(srt, "en", "Say \"hi\"", false))
        .hasMessageStartingWith("subtitle label must be 1 to " + Transcoder.MAX_SUBTITLE_LABEL_LENGTH);
    builder.subtitles(srt, "pt-br", "Português", true);
    assertThatThrownBy(() -> builder.subtitles(srt, "en", "English", true)).hasMessageContaining("both marked default");
    assertThatThrownBy(() -> builder.subtitles(srt, "en", "Português", false)).hasMessageContaining("already");
  }

  @Test
  void textStreamsOfMkvAndMp4SourcesArePackagedWithTheirLanguage() throws IOException {
    Path video = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 7, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path srt = Files.writeString(dir.resolve("cues.srt"), "1\n00:00:00,500 --> 00:00:02,000\n<i>Guten</i> Tag\n\n"
        + "2\n00:00:04,000 --> 00:00:05,250\nZweite Zeile\n");
    Path mkv = dir.resolve("with-subs.mkv");
    FfmpegTool.ffmpeg("-i", video.toString(), "-i", srt.toString(), "-map", "0", "-map", "1", "-c:v", "copy",
        "-c:a", "copy", "-c:s", "srt", "-metadata:s:s:0", "language=ger", "-metadata:s:s:0", "title=Deutsch",
        mkv.toString());
    Path mp4 = dir.resolve("with-subs.mp4");
    FfmpegTool.ffmpeg("-i", video.toString(), "-i", srt.toString(), "-map", "0", "-map", "1", "-c:v", "copy",
        "-c:a", "copy", "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", mp4.toString());

    Path fromMkv = dir.resolve("mkv-title");
    TitleFixture.transcode(mkv, fromMkv, SegmentFormat.FMP4, Ladder.small());
    assertThat(Files.readString(fromMkv.resolve("master.m3u8")))
        .contains("LANGUAGE=\"de\",NAME=\"Deutsch\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subtitles/de/index.m3u8\"");
    assertThat(segment(fromMkv, "de", 0)).endsWith("\n\n00:00:00.500 --> 00:00:02.000\nGuten Tag\n\n");
    assertThat(segment(fromMkv, "de", 1)).endsWith("\n\n00:00:04.000 --> 00:00:05.250\nZweite Zeile\n\n");

    Path fromMp4 = dir.resolve("mp4-title");
    TitleFixture.transcode(mp4, fromMp4, SegmentFormat.FMP4, Ladder.small());
    assertThat(Files.readString(fromMp4.resolve("master.m3u8")))
        .contains("LANGUAGE=\"en\",NAME=\"English\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subtitles/en/index.m3u8\"");
    assertThat(segment(fromMp4, "en", 0)).endsWith("\n\n00:00:00.500 --> 00:00:02.000\nGuten Tag\n\n");
  }

  private static String segment(Path title, String language, int index) {
    return read(title.resolve("subtitles").resolve(language).resolve(String.format("seg_%05d.vtt", index)));
  }

  private static List<String> durations(Path playlist) {
    return Arrays.stream(read(playlist).split("\n")).filter(l -> l.startsWith("#EXTINF:")).toList();
  }

  /**
   * The first video packet's PTS as ffprobe reads it: for TS the raw 90 kHz value; for fMP4, in seconds, from the
   * init and first segment joined, edit list ignored (as hls.js does).
   */
  private static String firstVideoPtsSeconds(Path rendition, SegmentFormat format) throws IOException {
    Path file = rendition.resolve("seg_00000.ts");
    String entry = "packet=pts";
    List<String> options = List.of();
    if (format == SegmentFormat.FMP4) {
      file = Files.createTempFile(rendition.getParent().getParent(), "first", ".mp4");
      Files.write(file, concat(Files.readAllBytes(rendition.resolve("init.mp4")),
          Files.readAllBytes(rendition.resolve("seg_00000.m4s"))));
      entry = "packet=pts_time";
      options = List.of("-ignore_editlist", "1");
    }
    List<String> args = new java.util.ArrayList<>(options);
    args.addAll(List.of("-select_streams", "v:0", "-show_entries", entry, "-read_intervals", "%+#1", "-of",
        "csv=p=0", file.toString()));
    return FfmpegTool.ffprobe(args.toArray(String[]::new)).strip().replaceAll(",+$", "");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
