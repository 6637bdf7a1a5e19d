package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The DASH manifest of a clear fMP4 title, read back independently of the writer ({@link DashConformance}):
 * well-formed, made only of ISO/IEC 23009-1 elements and attributes, describing exactly the segments the HLS
 * playlists list with the same bitrates, in the shape DASH players and the origin expect; FFmpeg's DASH demuxer
 * reads it. TS titles get none.
 */
class DashManifestTest {

  private static Path title;
  private static TranscodeResult result;
  private static Document mpd;

  @BeforeAll
  static void transcode(@TempDir Path dir) throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "640x360", "25", 13, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    title = dir.resolve("title");
    result = Transcoder.builder().input(source).output(title).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(6).build().run();
    mpd = DashConformance.parse(title.resolve("manifest.mpd"));
  }

  @Test
  void resultNamesTheManifestBesideTheMasterPlaylist() {
    assertThat(result.dashManifest()).isEqualTo(title.resolve("manifest.mpd").toString());
    assertThat(Path.of(result.dashManifest()).getParent()).isEqualTo(Path.of(result.masterPlaylist()).getParent());
  }

  @Test
  void conformsAndMatchesTheHlsPlaylists() {
    assertThat(DashConformance.check(title)).as("DASH violations").isEmpty();
  }

  @Test
  void isAStaticLiveProfileManifestWithAVideoAndAnAudioAdaptationSet() {
    Element root = mpd.getDocumentElement();
    assertThat(root.getAttribute("type")).isEqualTo("static");
    assertThat(root.getAttribute("profiles")).isEqualTo("urn:mpeg:dash:profile:isoff-live:2011");
    assertThat(root.getAttribute("mediaPresentationDuration")).matches("PT13(\\.\\d+)?S");
    assertThat(root.getAttribute("minBufferTime")).as("the longest segment, about 6 s").matches("PT6(\\.0\\d*)?S");
    assertThat(mpd.getElementsByTagName("BaseURL").getLength()).as("URLs only in SegmentTemplate").isZero();
    List<Element> periods = DashConformance.children(root, "Period");
    assertThat(periods).hasSize(1);
    List<Element> adaptationSets = DashConformance.children(periods.get(0), "AdaptationSet");
    assertThat(adaptationSets).hasSize(2);

    Element video = adaptationSets.get(0);
    assertThat(video.getAttribute("contentType")).isEqualTo("video");
    assertThat(video.getAttribute("mimeType")).isEqualTo("video/mp4");
    assertThat(video.getAttribute("segmentAlignment")).isEqualTo("true");
    assertThat(video.getAttribute("startWithSAP")).isEqualTo("1");
    assertThat(video.getAttribute("maxWidth")).isEqualTo("640");
    assertThat(video.getAttribute("maxHeight")).isEqualTo("360");
    assertThat(video.getAttribute("par")).isEqualTo("16:9");
    List<Element> representations = DashConformance.children(video, "Representation");
    assertThat(representations).extracting(r -> r.getAttribute("id")).containsExactly("360p", "180p");
    for (Element representation : representations) {
      String id = representation.getAttribute("id");
      PackagedRendition rendition = result.renditions().stream().filter(r -> r.name().equals(id)).findFirst()
          .orElseThrow();
      assertThat(representation.getAttribute("codecs") + ",mp4a.40.2").isEqualTo(rendition.codecs());
      assertThat(representation.getAttribute("width")).isEqualTo(Integer.toString(rendition.width()));
      assertThat(representation.getAttribute("height")).isEqualTo(Integer.toString(rendition.height()));
      assertThat(representation.getAttribute("frameRate")).isEqualTo("25");
      assertThat(representation.getAttribute("sar")).isEqualTo("1:1");
      Element template = DashConformance.children(representation, "SegmentTemplate").get(0);
      assertThat(template.getAttribute("initialization")).isEqualTo(id + "/init.mp4");
      assertThat(template.getAttribute("media")).isEqualTo(id + "/seg_$Number%05d$.m4s");
      assertThat(template.getAttribute("startNumber")).isEqualTo("0");
      // 13 s in 6 s segments: two of 6 s sharing one S, then one of 1 s.
      List<Element> timeline = DashConformance.children(
          DashConformance.children(template, "SegmentTimeline").get(0), "S");
      long timescale = Long.parseLong(template.getAttribute("timescale"));
      assertThat(timeline).hasSize(2);
      // ultrafast has no B-frames: the first frame is presented at media time 0, where the Period starts.
      assertThat(template.hasAttribute("presentationTimeOffset")).isFalse();
      assertThat(timeline.get(0).getAttribute("t")).isEqualTo("0");
      assertThat(timeline.get(0).getAttribute("d")).isEqualTo(Long.toString(6 * timescale));
      assertThat(timeline.get(0).getAttribute("r")).isEqualTo("1");
      assertThat(timeline.get(1).getAttribute("d")).isEqualTo(Long.toString(timescale));
    }

    Element audio = adaptationSets.get(1);
    assertThat(audio.getAttribute("contentType")).isEqualTo("audio");
    assertThat(audio.getAttribute("mimeType")).isEqualTo("audio/mp4");
    assertThat(audio.getAttribute("lang")).isEqualTo("und");
    Element channels = DashConformance.children(audio, "AudioChannelConfiguration").get(0);
    assertThat(channels.getAttribute("schemeIdUri")).isEqualTo("urn:mpeg:mpegB:cicp:ChannelConfiguration");
    assertThat(channels.getAttribute("value")).isEqualTo("2");
    Element role = DashConformance.children(audio, "Role").get(0);
    assertThat(role.getAttribute("schemeIdUri")).isEqualTo("urn:mpeg:dash:role:2011");
    assertThat(role.getAttribute("value")).isEqualTo("main");
    Element audioRepresentation = DashConformance.children(audio, "Representation").get(0);
    assertThat(audioRepresentation.getAttribute("id")).isEqualTo("audio");
    assertThat(audioRepresentation.getAttribute("codecs")).isEqualTo("mp4a.40.2");
    assertThat(audioRepresentation.getAttribute("audioSamplingRate")).isEqualTo("48000");
  }

  @Test
  void ffmpegsDashDemuxerReadsEveryRepresentation() {
    String streams = FfmpegTool.ffprobe("-show_entries", "stream=codec_type,height", "-of", "csv=p=0",
        title.resolve("manifest.mpd").toString());
    // ffprobe lists each stream once on its own and once in the program the demuxer makes of the Period.
    assertThat(streams.lines().map(String::strip).filter(l -> !l.isEmpty()).distinct())
        .containsExactlyInAnyOrder("video,360", "video,180", "audio");
  }

  @Test
  void tsTitleHasNoManifest(@TempDir Path dir) {
    Path source = TitleFixture.pattern(dir, "short.mp4", "320x180", "25", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path ts = dir.resolve("ts");
    TranscodeResult tsResult = Transcoder.builder().input(source).output(ts).format(SegmentFormat.TS)
        .ladder(new Ladder("one", List.of(Rung.of(180, 250)))).preset("ultrafast").build().run();
    assertThat(tsResult.dashManifest()).isNull();
    assertThat(ts.resolve("manifest.mpd")).doesNotExist();
  }
}
