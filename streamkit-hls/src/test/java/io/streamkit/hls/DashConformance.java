package io.streamkit.hls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Checks a title's DASH manifest against ISO/IEC 23009-1 and against the title's own HLS playlists, reading the XML
 * with the JDK's parser and the playlists as text; independent of the writer so it can catch its mistakes.
 */
final class DashConformance {

  static final String NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";

  /**
   * The elements and attributes a manifest of this shape may use, from the MPD schema of ISO/IEC 23009-1
   * (DASH-MPD.xsd): MPDtype (5.3.1.2), PeriodType (5.3.2.2), AdaptationSetType (5.3.3.2) and RepresentationBaseType
   * (5.3.7.2), RepresentationType (5.3.5.2), SegmentTemplateType with MultipleSegmentBaseType and SegmentBaseType
   * (5.3.9.2 to 5.3.9.4), SegmentTimelineType's S (5.3.9.6), DescriptorType (5.8.2) for Role and
   * AudioChannelConfiguration, ContentProtectionType (5.8.4.1) with ISO/IEC 23001-7's {@code cenc:default_KID},
   * LabelType (5.3.10.2) for Label and BaseURLType (5.6) for BaseURL.
   */
  private static final Set<String> REPRESENTATION_BASE = Set.of("profiles", "width", "height", "sar", "frameRate",
      "audioSamplingRate", "mimeType", "segmentProfiles", "codecs", "maximumSAPPeriod", "startWithSAP",
      "maxPlayoutRate", "codingDependency", "scanType", "selectionPriority", "tag");
  private static final Set<String> DESCRIPTOR = Set.of("schemeIdUri", "value", "id");
  static final Map<String, Set<String>> SCHEMA = Map.ofEntries(
      Map.entry("MPD", Set.of("xmlns", "id", "profiles", "type", "availabilityStartTime", "publishTime",
          "availabilityEndTime", "mediaPresentationDuration", "minimumUpdatePeriod", "minBufferTime",
          "timeShiftBufferDepth", "suggestedPresentationDelay", "maxSegmentDuration", "maxSubsegmentDuration")),
      Map.entry("Period", Set.of("id", "start", "duration", "bitstreamSwitching")),
      Map.entry("AdaptationSet", union(REPRESENTATION_BASE, Set.of("id", "group", "lang", "contentType", "par", "minBandwidth",
          "maxBandwidth", "minWidth", "maxWidth", "minHeight", "maxHeight", "minFrameRate", "maxFrameRate",
          "segmentAlignment", "subsegmentAlignment", "subsegmentStartsWithSAP", "bitstreamSwitching"))),
      Map.entry("Representation", union(REPRESENTATION_BASE, Set.of("id", "bandwidth", "qualityRanking", "dependencyId",
          "associationId", "associationType", "mediaStreamStructureId"))),
      Map.entry("SegmentTemplate", Set.of("timescale", "presentationTimeOffset", "eptDelta", "pdDelta",
          "presentationDuration", "timeShiftBufferDepth", "indexRange", "indexRangeExact", "availabilityTimeOffset",
          "availabilityTimeComplete", "duration", "startNumber", "endNumber", "media", "index", "initialization",
          "bitstreamSwitching")),
      Map.entry("SegmentTimeline", Set.of()),
      Map.entry("S", Set.of("t", "n", "d", "r", "k")),
      Map.entry("Role", DESCRIPTOR),
      Map.entry("AudioChannelConfiguration", DESCRIPTOR),
      Map.entry("ContentProtection", union(DESCRIPTOR, Set.of("robustness", "refId", "ref", "cenc:default_KID"))),
      Map.entry("Label", Set.of("id", "lang")),
      Map.entry("BaseURL", Set.of("serviceLocation", "byteRange", "availabilityTimeOffset",
          "availabilityTimeComplete", "timeShiftBufferDepth", "rangeAccess")));
  static final String MP4_PROTECTION = "urn:mpeg:dash:mp4protection:2011";
  static final String CLEAR_KEY = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e";
  static final String CENC_NAMESPACE = "urn:mpeg:cenc:2013";
  static final String DASHIF_NAMESPACE = "https://dashif.org/CPS";
  /** W3C Common SystemID and PSSH Box Format, section 2. */
  static final String COMMON_SYSTEM_ID = "1077efecc0b24d02ace33c1e52e2fb4b";
  private static final Pattern KEY_URI = Pattern.compile("#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"\\.\\./keys/([0-9a-f]{32})\"");
  private static final Pattern CUE_TIMING = Pattern.compile(
      "^(\\d{2,}):(\\d{2}):(\\d{2})\\.(\\d{3}) --> (\\d{2,}):(\\d{2}):(\\d{2})\\.(\\d{3})(?: .*)?$");

  private final Path title;
  private final List<String> violations = new ArrayList<>();
  /** Each audio and video Representation's presentationTimeOffset, in seconds. */
  private final Map<String, Double> periodStarts = new HashMap<>();

  private DashConformance(Path title) {
    this.title = title;
  }

  /** Every rule the title's {@code manifest.mpd} breaks, one line each; empty when it conforms. */
  static List<String> check(Path title) {
    DashConformance conformance = new DashConformance(title);
    try {
      conformance.checkAll(parse(title.resolve("manifest.mpd")));
    } catch (Exception e) {
      conformance.violations.add("manifest.mpd: " + e);
    }
    return conformance.violations;
  }

  static Document parse(Path manifest) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(manifest.toFile());
  }

  private void checkAll(Document mpd) throws Exception {
    Element root = mpd.getDocumentElement();
    if (!NAMESPACE.equals(root.getNamespaceURI()) || !root.getLocalName().equals("MPD")) {
      violations.add("root is " + root.getTagName() + " in " + root.getNamespaceURI() + ", not MPD in " + NAMESPACE);
    }
    for (Element element : descendants(root)) {
      if (element.getParentNode() instanceof Element parent && parent.getLocalName().equals("ContentProtection")
          && !NAMESPACE.equals(element.getNamespaceURI())) {
        continue; // DescriptorType takes elements of other namespaces (xs:any ##other)
      }
      Set<String> allowed = SCHEMA.get(element.getLocalName());
      if (element == root) {
        allowed = union(allowed, Set.of("xmlns:cenc", "xmlns:dashif"));
      }
      if (allowed == null || !NAMESPACE.equals(element.getNamespaceURI())) {
        violations.add(element.getTagName() + " is not an MPD element");
        continue;
      }
      NamedNodeMap attributes = element.getAttributes();
      for (int i = 0; i < attributes.getLength(); i++) {
        if (!allowed.contains(attributes.item(i).getNodeName())) {
          violations.add(element.getLocalName() + "@" + attributes.item(i).getNodeName() + " is not in the schema");
        }
      }
    }
    Map<String, Long> variantBandwidth = new HashMap<>();
    List<String> master = Files.readAllLines(title.resolve("master.m3u8"));
    for (int i = 0; i < master.size(); i++) {
      if (master.get(i).startsWith("#EXT-X-STREAM-INF:")
          && !"audio-surround".equals(HlsConformance.attributes(master.get(i)).get("AUDIO"))
          && HlsConformance.attributes(master.get(i)).get("CODECS").startsWith("avc1")) {
        String uri = master.get(i + 1);
        variantBandwidth.put(uri.substring(0, uri.indexOf('/')),
            Long.parseLong(HlsConformance.attributes(master.get(i)).get("BANDWIDTH")));
      }
    }
    long audioBandwidth = 0;
    Map<String, Long> videoBandwidth = new HashMap<>();
    double duration = Duration.parse(root.getAttribute("mediaPresentationDuration")).toNanos() / 1e9;
    long hlsSubtitles = master.stream().filter(l -> l.startsWith("#EXT-X-MEDIA:TYPE=SUBTITLES,")).count();
    long textSets = 0;
    Map<String, String> audioNames = new HashMap<>();
    for (String line : master) {
      if (line.startsWith("#EXT-X-MEDIA:TYPE=AUDIO,")) {
        Map<String, String> media = HlsConformance.attributes(line);
        audioNames.put(media.get("URI").substring(0, media.get("URI").indexOf('/')), media.get("NAME"));
      }
    }
    for (Element set : children(children(root, "Period").get(0), "AdaptationSet")) {
      if (set.getAttribute("contentType").equals("text")) {
        checkText(set, duration);
        textSets++;
        continue;
      }
      boolean audio = set.getAttribute("contentType").equals("audio");
      String firstRendition = children(set, "Representation").get(0).getAttribute("id");
      checkContentProtection(set, firstRendition);
      if (audio) {
        List<Element> labels = children(set, "Label");
        String name = audioNames.get(firstRendition);
        if (labels.size() != 1 || !labels.get(0).getTextContent().equals(name)) {
          violations.add(firstRendition + ": Label " + labels.stream().map(Element::getTextContent).toList()
              + ", HLS NAME " + name);
        }
      }
      for (Element representation : children(set, "Representation")) {
        String id = representation.getAttribute("id");
        long bandwidth = Long.parseLong(representation.getAttribute("bandwidth"));
        double oneSample = audio ? 1024.0 / Integer.parseInt(representation.getAttribute("audioSamplingRate"))
            : 1 / frameRate(representation.getAttribute("frameRate"));
        if (audio) {
          boolean stereo = "2".equals(children(set, "AudioChannelConfiguration").get(0).getAttribute("value"));
          audioBandwidth = stereo ? Math.max(audioBandwidth, bandwidth) : audioBandwidth;
        } else {
          videoBandwidth.put(id, bandwidth);
          if (!representation.hasAttribute("height")) {
            violations.add(id + ": no @height");
          }
        }
        checkTimeline(id, children(representation, "SegmentTemplate").get(0),
            title.resolve(id).resolve("index.m3u8"), oneSample);
      }
    }
    double earliest = periodStarts.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double latest = periodStarts.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    if (latest - earliest > 1e-4) {
      violations.add("presentationTimeOffset names different instants: " + periodStarts);
    }
    if (textSets != hlsSubtitles) {
      violations.add(textSets + " text AdaptationSets, " + hlsSubtitles + " HLS subtitle renditions");
    }
    if (!videoBandwidth.keySet().equals(variantBandwidth.keySet())) {
      violations.add("video Representations " + videoBandwidth.keySet() + ", HLS variants "
          + variantBandwidth.keySet());
    }
    for (Map.Entry<String, Long> video : videoBandwidth.entrySet()) {
      Long hls = variantBandwidth.get(video.getKey());
      if (hls != null && video.getValue() + audioBandwidth != hls) {
        violations.add(video.getKey() + ": bandwidth " + video.getValue() + " + audio " + audioBandwidth
            + " is not the HLS BANDWIDTH " + hls);
      }
    }
  }

  /**
   * ISO/IEC 23009-1 section 5.8.4.1 with the DASH signalling of ISO/IEC 23001-7 and the DASH-IF Clear Key guidelines: an
   * AdaptationSet of a title whose HLS playlists say {@code SAMPLE-AES} carries the {@code mp4protection} descriptor
   * with {@code value="cbcs"} and the init segment's {@code tenc} key id as {@code cenc:default_KID}, and a Clear Key
   * descriptor with a licence URL ({@code dashif:Laurl}) and a {@code cenc:pssh} of the W3C common system id listing
   * every key id of the playlists; a clear title carries none.
   */
  private void checkContentProtection(Element set, String rendition) throws IOException {
    List<Element> descriptors = children(set, "ContentProtection");
    List<String> keyIds = new ArrayList<>();
    for (String line : Files.readAllLines(title.resolve(rendition).resolve("index.m3u8"))) {
      Matcher key = KEY_URI.matcher(line);
      if (key.lookingAt() && !keyIds.contains(key.group(1))) {
        keyIds.add(key.group(1));
      }
    }
    if (keyIds.isEmpty()) {
      if (!descriptors.isEmpty()) {
        violations.add(rendition + ": ContentProtection in a clear title");
      }
      return;
    }
    Element mp4 = descriptors.stream().filter(d -> d.getAttribute("schemeIdUri").equals(MP4_PROTECTION))
        .findFirst().orElse(null);
    Element clearKey = descriptors.stream().filter(d -> d.getAttribute("schemeIdUri").equals(CLEAR_KEY))
        .findFirst().orElse(null);
    if (mp4 == null || clearKey == null) {
      violations.add(rendition + ": SAMPLE-AES in HLS, ContentProtection " + descriptors.stream()
          .map(d -> d.getAttribute("schemeIdUri")).toList());
      return;
    }
    String kid = mp4.getAttributeNS(CENC_NAMESPACE, "default_KID");
    String tencKid = tencKeyId(Files.readAllBytes(title.resolve(rendition).resolve("init.mp4")));
    if (!mp4.getAttribute("value").equals("cbcs") || !kid.matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
        || !kid.replace("-", "").equals(tencKid) || !tencKid.equals(keyIds.get(0))) {
      violations.add(rendition + ": mp4protection value " + mp4.getAttribute("value") + " default_KID " + kid
          + ", tenc KID " + tencKid + ", first HLS key " + keyIds.get(0));
    }
    List<Element> laurl = children(clearKey, "Laurl").stream()
        .filter(e -> DASHIF_NAMESPACE.equals(e.getNamespaceURI())).toList();
    if (laurl.size() != 1 || !laurl.get(0).getTextContent().strip().equals("keys/clearkey")) {
      violations.add(rendition + ": Clear Key descriptor without dashif:Laurl keys/clearkey");
    }
    List<Element> pssh = children(clearKey, "pssh").stream()
        .filter(e -> CENC_NAMESPACE.equals(e.getNamespaceURI())).toList();
    List<String> listed = pssh.size() == 1 ? psshKeyIds(Base64.getDecoder().decode(pssh.get(0).getTextContent()))
        : List.of();
    if (!listed.equals(keyIds)) {
      violations.add(rendition + ": cenc:pssh lists " + listed + ", the HLS playlist's keys are " + keyIds);
    }
  }

  /** The {@code default_KID} of the first {@code tenc} box (ISO/IEC 23001-7 section 8.2), in hex. */
  private static String tencKeyId(byte[] init) {
    for (int i = 4; i + 28 <= init.length; i++) {
      if (init[i] == 't' && init[i + 1] == 'e' && init[i + 2] == 'n' && init[i + 3] == 'c') {
        return HexFormat.of().formatHex(init, i + 12, i + 28);
      }
    }
    return "";
  }

  /** The key ids of a version 1 {@code pssh} box of the common system id, or nothing if it is not one. */
  private static List<String> psshKeyIds(byte[] box) {
    ByteBuffer in = ByteBuffer.wrap(box);
    if (box.length < 36 || in.getInt(0) != box.length || in.getInt(4) != 0x70737368 || box[8] != 1
        || !HexFormat.of().formatHex(box, 12, 28).equals(COMMON_SYSTEM_ID)) {
      return List.of();
    }
    int count = in.getInt(28);
    if (box.length != 32 + 16 * count + 4) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      ids.add(HexFormat.of().formatHex(box, 32 + 16 * k, 48 + 16 * k));
    }
    return ids;
  }

  /**
   * A subtitle Adaptation Set: WebVTT with a language, the subtitle Role and a Label, one Representation whose
   * {@code BaseURL} names a file of the title that parses as WebVTT (W3C WebVTT section 4.1: the {@code WEBVTT}
   * signature, then cue blocks whose timings are ordered) with every cue within the presentation.
   */
  private void checkText(Element set, double duration) throws IOException {
    String lang = set.getAttribute("lang");
    if (!set.getAttribute("mimeType").equals("text/vtt") || lang.isEmpty()) {
      violations.add("text AdaptationSet " + set.getAttribute("id") + ": mimeType " + set.getAttribute("mimeType")
          + ", lang '" + lang + "'");
    }
    List<Element> roles = children(set, "Role");
    if (roles.size() != 1 || !roles.get(0).getAttribute("schemeIdUri").equals("urn:mpeg:dash:role:2011")
        || !roles.get(0).getAttribute("value").equals("subtitle")) {
      violations.add(lang + ": no subtitle Role");
    }
    if (children(set, "Label").size() != 1 || children(set, "Label").get(0).getTextContent().isBlank()) {
      violations.add(lang + ": no Label");
    }
    List<Element> representations = children(set, "Representation");
    List<Element> baseUrls = representations.size() == 1 ? children(representations.get(0), "BaseURL") : List.of();
    if (baseUrls.size() != 1) {
      violations.add(lang + ": " + representations.size() + " Representations, " + baseUrls.size() + " BaseURLs");
      return;
    }
    Path file = title.resolve(baseUrls.get(0).getTextContent().strip());
    if (!Files.isRegularFile(file)) {
      violations.add(lang + ": " + file.getFileName() + " does not exist");
      return;
    }
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty() || !lines.get(0).equals("WEBVTT")) {
      violations.add(lang + ": " + file + " does not start with WEBVTT");
    }
    long previousStart = 0;
    for (String line : lines) {
      if (!line.contains("-->")) {
        continue;
      }
      Matcher timing = CUE_TIMING.matcher(line);
      if (!timing.matches()) {
        violations.add(lang + ": bad cue timing '" + line + "'");
        continue;
      }
      long start = millis(timing, 1);
      long end = millis(timing, 5);
      if (start < previousStart || end < start || end > Math.round(duration * 1000)) {
        violations.add(lang + ": cue " + line + " is out of order or outside the " + duration + " s presentation");
      }
      previousStart = start;
    }
  }

  private static long millis(Matcher timing, int group) {
    return ((Long.parseLong(timing.group(group)) * 60 + Long.parseLong(timing.group(group + 1))) * 60
        + Long.parseLong(timing.group(group + 2))) * 1000 + Long.parseLong(timing.group(group + 3));
  }

  /**
   * Expands the timeline: every template URL names a file, as many segments as the HLS playlist, each as long as
   * its {@code EXTINF} (written to the microsecond), and a total duration within one sample (plus rounding) of the
   * playlist's.
   */
  private void checkTimeline(String id, Element template, Path playlist, double oneSample) {
    long timescale = Long.parseLong(template.getAttribute("timescale"));
    long number = Long.parseLong(template.getAttribute("startNumber"));
    // Section 5.3.9.2: Period time is media time less presentationTimeOffset. Every Representation's offset names
    // the same instant, and a player starts at Period time 0, so each one's first segment starts there or before.
    long offset = template.hasAttribute("presentationTimeOffset")
        ? Long.parseLong(template.getAttribute("presentationTimeOffset")) : 0;
    periodStarts.put(id, (double) offset / timescale);
    Element first = children(children(template, "SegmentTimeline").get(0), "S").get(0);
    long firstStart = first.hasAttribute("t") ? Long.parseLong(first.getAttribute("t")) : 0;
    if (firstStart > offset) {
      violations.add(id + ": first segment starts " + (double) (firstStart - offset) / timescale
          + " s after the Period's start");
    }
    if (!Files.isRegularFile(title.resolve(template.getAttribute("initialization")))) {
      violations.add(id + ": initialization " + template.getAttribute("initialization") + " does not exist");
    }
    String media = template.getAttribute("media");
    Fmp4Fragments.Track track = Files.isRegularFile(title.resolve(template.getAttribute("initialization")))
        ? Fmp4Fragments.track(title.resolve(template.getAttribute("initialization"))) : null;
    long ticks = 0;
    int segments = 0;
    long start = 0;
    List<Long> durations = new ArrayList<>();
    for (Element s : children(children(template, "SegmentTimeline").get(0), "S")) {
      int repeat = s.hasAttribute("r") ? Integer.parseInt(s.getAttribute("r")) : 0;
      start = s.hasAttribute("t") ? Long.parseLong(s.getAttribute("t")) : start;
      for (int r = 0; r <= repeat; r++) {
        String uri = media.replace("$Number%05d$", String.format("%05d", number++));
        if (!Files.isRegularFile(title.resolve(uri))) {
          violations.add(id + ": segment " + uri + " does not exist");
        } else if (track != null) {
          // Section 7.2.1: a segment holds the samples of the time span its reference gives it, so its start in
          // the timeline is its earliest presentation time (decode time plus composition offset), not its tfdt.
          long earliest = Fmp4Fragments.fragments(title.resolve(uri), track).stream()
              .mapToLong(Fmp4Fragments.Fragment::earliestPresentationTime).min().orElse(Long.MIN_VALUE);
          if (earliest != start) {
            violations.add(id + ": segment " + uri + " starts at " + start + " in the timeline, its earliest"
                + " presentation time is " + earliest);
          }
        }
        start += Long.parseLong(s.getAttribute("d"));
        segments++;
        ticks += Long.parseLong(s.getAttribute("d"));
        durations.add(Long.parseLong(s.getAttribute("d")));
      }
    }
    MediaPlaylist hls = MediaPlaylist.read(playlist);
    if (segments != hls.segments().size()) {
      violations.add(id + ": " + segments + " segments, the HLS playlist " + hls.segments().size());
    }
    for (int i = 0; i < Math.min(segments, hls.segments().size()); i++) {
      double extinf = hls.segments().get(i).durationSeconds();
      if (Math.abs((double) durations.get(i) / timescale - extinf) > 1e-6) {
        violations.add(id + ": segment " + i + " lasts " + durations.get(i) + "/" + timescale + " s, its EXTINF "
            + extinf + " s");
      }
    }
    double seconds = (double) ticks / timescale;
    if (Math.abs(seconds - hls.totalSeconds()) > oneSample + 0.001) {
      violations.add(id + ": timeline lasts " + seconds + " s, the HLS playlist " + hls.totalSeconds() + " s");
    }
  }

  private static double frameRate(String value) {
    int slash = value.indexOf('/');
    return slash < 0 ? Double.parseDouble(value)
        : Double.parseDouble(value.substring(0, slash)) / Double.parseDouble(value.substring(slash + 1));
  }

  static List<Element> descendants(Element root) {
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

  static List<Element> children(Element parent, String name) {
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
