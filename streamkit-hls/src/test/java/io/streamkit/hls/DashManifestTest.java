package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The DASH manifest of a clear fMP4 title, read back independently of the writer: well-formed, made only of
 * ISO/IEC 23009-1 elements and attributes, and describing exactly the segments the HLS playlists list, with the same
 * bitrates; FFmpeg's DASH demuxer plays it. TS titles get none.
 */
class DashManifestTest {

  /**
   * The elements and attributes this manifest may use, from the MPD schema of ISO/IEC 23009-1 (DASH-MPD.xsd):
   * MPDtype (5.3.1.2), PeriodType (5.3.2.2), AdaptationSetType (5.3.3.2) and RepresentationBaseType (5.3.7.2),
   * RepresentationType (5.3.5.2), SegmentTemplateType with its MultipleSegmentBaseType and SegmentBaseType
   * (5.3.9.2 to 5.3.9.4), SegmentTimelineType's S (5.3.9.6), DescriptorType (5.8.2) for Role and
   * AudioChannelConfiguration.
   */
  private static final Set<String> REPRESENTATION_BASE = Set.of("profiles", "width", "height", "sar", "frameRate",
      "audioSamplingRate", "mimeType", "segmentProfiles", "codecs", "maximumSAPPeriod", "startWithSAP",
      "maxPlayoutRate", "codingDependency", "scanType", "selectionPriority", "tag");
  private static final Set<String> DESCRIPTOR = Set.of("schemeIdUri", "value", "id");
  private static final Map<String, Set<String>> SCHEMA = Map.of(
      "MPD", Set.of("xmlns", "id", "profiles", "type", "availabilityStartTime", "publishTime",
          "availabilityEndTime", "mediaPresentationDuration", "minimumUpdatePeriod", "minBufferTime",
          "timeShiftBufferDepth", "suggestedPresentationDelay", "maxSegmentDuration", "maxSubsegmentDuration"),
      "Period", Set.of("id", "start", "duration", "bitstreamSwitching"),
      "AdaptationSet", union(REPRESENTATION_BASE, Set.of("id", "group", "lang", "contentType", "par", "minBandwidth",
          "maxBandwidth", "minWidth", "maxWidth", "minHeight", "maxHeight", "minFrameRate", "maxFrameRate",
          "segmentAlignment", "subsegmentAlignment", "subsegmentStartsWithSAP", "bitstreamSwitching")),
      "Representation", union(REPRESENTATION_BASE, Set.of("id", "bandwidth", "qualityRanking", "dependencyId",
          "associationId", "associationType", "mediaStreamStructureId")),
      "SegmentTemplate", Set.of("timescale", "presentationTimeOffset", "eptDelta", "pdDelta",
          "presentationDuration", "timeShiftBufferDepth", "indexRange", "indexRangeExact", "availabilityTimeOffset",
          "availabilityTimeComplete", "duration", "startNumber", "endNumber", "media", "index", "initialization",
          "bitstreamSwitching"),
      "SegmentTimeline", Set.of(),
      "S", Set.of("t", "n", "d", "r", "k"),
      "Role", DESCRIPTOR,
      "AudioChannelConfiguration", DESCRIPTOR);

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
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    mpd = factory.newDocumentBuilder().parse(title.resolve("manifest.mpd").toFile());
  }

  @Test
  void resultNamesTheManifestBesideTheMasterPlaylist() {
    assertThat(result.dashManifest()).isEqualTo(title.resolve("manifest.mpd").toString());
    assertThat(Path.of(result.dashManifest()).getParent()).isEqualTo(Path.of(result.masterPlaylist()).getParent());
  }

  @Test
  void usesOnlyElementsAndAttributesTheMpdSchemaDefines() {
    Element root = mpd.getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo("urn:mpeg:dash:schema:mpd:2011");
    assertThat(root.getAttribute("type")).isEqualTo("static");
    assertThat(root.getAttribute("profiles")).isEqualTo("urn:mpeg:dash:profile:isoff-live:2011");
    assertThat(root.getAttribute("mediaPresentationDuration")).matches("PT\\d+(\\.\\d+)?S");
    assertThat(root.getAttribute("minBufferTime")).as("the longest segment, about 6 s").matches("PT6(\\.0\\d*)?S");
    List<String> unknown = new ArrayList<>();
    for (Element element : descendants(root)) {
      Set<String> allowed = SCHEMA.get(element.getLocalName());
      if (allowed == null || !"urn:mpeg:dash:schema:mpd:2011".equals(element.getNamespaceURI())) {
        unknown.add(element.getTagName());
        continue;
      }
      NamedNodeMap attributes = element.getAttributes();
      for (int i = 0; i < attributes.getLength(); i++) {
        String name = attributes.item(i).getNodeName();
        if (!allowed.contains(name)) {
          unknown.add(element.getLocalName() + "@" + name);
        }
      }
    }
    assertThat(unknown).as("not in ISO/IEC 23009-1's MPD schema").isEmpty();
    assertThat(mpd.getElementsByTagName("Period").getLength()).isEqualTo(1);
    assertThat(mpd.getElementsByTagName("BaseURL").getLength()).as("URLs only in SegmentTemplate").isZero();
  }

  @Test
  void describesEverySegmentOfTheHlsPlaylistsWithTheirBitrates() throws Exception {
    Map<String, Map<String, String>> variants = new HashMap<>();
    List<String> master = Files.readAllLines(title.resolve("master.m3u8"));
    for (int i = 0; i < master.size(); i++) {
      if (master.get(i).startsWith("#EXT-X-STREAM-INF:")) {
        variants.put(master.get(i + 1).substring(0, master.get(i + 1).indexOf('/')),
            HlsConformance.attributes(master.get(i)));
      }
    }
    List<Element> adaptationSets = children(children(mpd.getDocumentElement(), "Period").get(0), "AdaptationSet");
    assertThat(adaptationSets).as("a video and an audio AdaptationSet").hasSize(2);
    Element video = adaptationSets.get(0);
    Element audio = adaptationSets.get(1);
    assertThat(video.getAttribute("contentType")).isEqualTo("video");
    assertThat(video.getAttribute("mimeType")).isEqualTo("video/mp4");
    assertThat(video.getAttribute("segmentAlignment")).isEqualTo("true");
    assertThat(video.getAttribute("startWithSAP")).isEqualTo("1");
    assertThat(video.getAttribute("maxWidth")).isEqualTo("640");
    assertThat(video.getAttribute("maxHeight")).isEqualTo("360");
    assertThat(video.getAttribute("par")).isEqualTo("16:9");
    assertThat(audio.getAttribute("contentType")).isEqualTo("audio");
    assertThat(audio.getAttribute("lang")).isEqualTo("und");
    Element channels = children(audio, "AudioChannelConfiguration").get(0);
    assertThat(channels.getAttribute("schemeIdUri")).isEqualTo("urn:mpeg:mpegB:cicp:ChannelConfiguration");
    assertThat(channels.getAttribute("value")).isEqualTo("2");
    assertThat(children(audio, "Role").get(0).getAttribute("value")).isEqualTo("main");

    Element audioRepresentation = children(audio, "Representation").get(0);
    assertThat(audioRepresentation.getAttribute("codecs")).isEqualTo("mp4a.40.2");
    assertThat(audioRepresentation.getAttribute("audioSamplingRate")).isEqualTo("48000");
    long audioBandwidth = Long.parseLong(audioRepresentation.getAttribute("bandwidth"));
    checkTimeline(audioRepresentation, title.resolve("audio/index.m3u8"), 1024 / 48000.0);

    List<Element> representations = children(video, "Representation");
    assertThat(representations).extracting(r -> r.getAttribute("id")).containsExactly("360p", "180p");
    for (Element representation : representations) {
      String id = representation.getAttribute("id");
      Map<String, String> variant = variants.get(id);
      assertThat(Long.parseLong(representation.getAttribute("bandwidth")) + audioBandwidth)
          .as(id + " video plus audio bandwidth is the HLS BANDWIDTH")
          .isEqualTo(Long.parseLong(variant.get("BANDWIDTH")));
      assertThat(representation.getAttribute("width") + "x" + representation.getAttribute("height"))
          .isEqualTo(variant.get("RESOLUTION"));
      assertThat(representation.getAttribute("codecs") + ",mp4a.40.2").isEqualTo(variant.get("CODECS"));
      assertThat(representation.getAttribute("frameRate")).isEqualTo("25");
      assertThat(representation.getAttribute("sar")).isEqualTo("1:1");
      checkTimeline(representation, title.resolve(id).resolve("index.m3u8"), 1 / 25.0);
    }
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

  /**
   * Expands the SegmentTemplate's timeline: one URL per segment that exists, as many segments as the playlist lists,
   * and a total duration within one sample of the playlist's.
   */
  private static void checkTimeline(Element representation, Path playlist, double oneSample) throws Exception {
    String id = representation.getAttribute("id");
    Element template = children(representation, "SegmentTemplate").get(0);
    long timescale = Long.parseLong(template.getAttribute("timescale"));
    long number = Long.parseLong(template.getAttribute("startNumber"));
    assertThat(title.resolve(template.getAttribute("initialization"))).as(id + " init").isRegularFile();
    String media = template.getAttribute("media");
    assertThat(media).isEqualTo(id + "/seg_$Number%05d$.m4s");
    long ticks = 0;
    long time = 0;
    int segments = 0;
    for (Element s : children(children(template, "SegmentTimeline").get(0), "S")) {
      time = s.hasAttribute("t") ? Long.parseLong(s.getAttribute("t")) : time;
      long duration = Long.parseLong(s.getAttribute("d"));
      int repeat = s.hasAttribute("r") ? Integer.parseInt(s.getAttribute("r")) : 0;
      for (int r = 0; r <= repeat; r++) {
        Path segment = title.resolve(media.replace("$Number%05d$", String.format("%05d", number)));
        assertThat(segment).as(id + " segment " + number).isRegularFile();
        number++;
        segments++;
        ticks += duration;
        time += duration;
      }
    }
    MediaPlaylist hls = MediaPlaylist.read(playlist);
    assertThat(segments).as(id + " segments").isEqualTo(hls.segments().size());
    assertThat((double) ticks / timescale).as(id + " duration").isCloseTo(hls.totalSeconds(),
        Offset.offset(oneSample));
  }

  private static List<Element> descendants(Element root) {
    List<Element> all = new ArrayList<>(List.of(root));
    for (int i = 0; i < all.size(); i++) {
      for (Node child = all.get(i).getFirstChild(); child != null; child = child.getNextSibling()) {
        if (child instanceof Element element) {
          all.add(element);
        }
      }
    }
    return all;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && element.getLocalName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
