package io.streamkit.hls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a packaged title against the rules in the shared HLS-RULES.md (RFC 8216 and Apple's HLS authoring spec),
 * reading playlists as text and media with the bundled ffprobe/ffmpeg. Independent of the packager's own code so
 * it can catch its mistakes.
 */
final class HlsConformance {

  /** What is known about the source the title was made from; a display size of 0x0 means an audio-only source. */
  record Source(int displayWidth, int displayHeight, boolean hasAudio, int segmentSeconds) {

    static Source audioOnly(int segmentSeconds) {
      return new Source(0, 0, true, segmentSeconds);
    }
  }

  /** One AAC-LC frame at 48 kHz, in seconds: how closely audio durations can match. */
  private static final double AAC_FRAME_SECONDS = 1024 / 48000.0;

  private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");
  private static final Pattern CODECS = Pattern.compile("avc1\\.[0-9a-f]{6}(,mp4a\\.40\\.2)?");

  private final Path title;
  private final Source source;
  private final List<String> violations = new ArrayList<>();
  /** Audio renditions (or TS variants with muxed audio) whose audio was already checked. */
  private final java.util.Set<Path> audioChecked = new java.util.HashSet<>();
  /** Channel count each audio rendition's {@code CHANNELS} attribute announces. */
  private final Map<Path, String> announcedChannels = new java.util.HashMap<>();

  private HlsConformance(Path title, Source source) {
    this.title = title;
    this.source = source;
  }

  /** Every rule that does not hold, one line each; empty when the title conforms. */
  static List<String> check(Path title, Source source) {
    HlsConformance conformance = new HlsConformance(title, source);
    conformance.checkAll();
    return conformance.violations;
  }

  private void fail(String message) {
    violations.add(message);
  }

  record Variant(Map<String, String> attributes, String uri) {}

  static Map<String, String> attributes(String line) {
    Map<String, String> map = new LinkedHashMap<>();
    Matcher m = ATTRIBUTE.matcher(line.substring(line.indexOf(':') + 1));
    while (m.find()) {
      String value = m.group(2);
      map.put(m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
    }
    return map;
  }

  private void checkAll() {
    List<String> master = lines(title.resolve("master.m3u8"));
    if (master.isEmpty() || !master.get(0).equals("#EXTM3U")) {
      fail("master: #EXTM3U is not the first line");
    }
    if (!master.contains("#EXT-X-INDEPENDENT-SEGMENTS")) {
      fail("master: no #EXT-X-INDEPENDENT-SEGMENTS [9.11]");
    }
    List<Variant> variants = new ArrayList<>();
    List<Map<String, String>> iframes = new ArrayList<>();
    Map<String, List<Playlist>> audioGroups = new LinkedHashMap<>();
    for (int i = 0; i < master.size(); i++) {
      String line = master.get(i);
      if (line.startsWith("#EXT-X-STREAM-INF:")) {
        variants.add(new Variant(attributes(line), master.get(i + 1)));
      } else if (line.startsWith("#EXT-X-I-FRAME-STREAM-INF:")) {
        iframes.add(attributes(line));
      } else if (line.startsWith("#EXT-X-MEDIA:") && line.contains("TYPE=AUDIO")) {
        Map<String, String> media = attributes(line);
        Playlist rendition = Playlist.read(title.resolve(media.get("URI")));
        audioGroups.computeIfAbsent(media.get("GROUP-ID"), g -> new ArrayList<>()).add(rendition);
        announcedChannels.put(rendition.file, media.get("CHANNELS"));
      }
    }
    if (variants.isEmpty()) {
      fail("master: no variants");
      return;
    }
    checkAudioGroups(audioGroups);
    for (List<Playlist> group : audioGroups.values()) {
      for (Playlist rendition : group) {
        checkMediaPlaylist(title.relativize(rendition.file).toString(), rendition);
      }
    }
    if (source.displayWidth() == 0) {
      checkAudioOnly(variants, audioGroups, iframes);
      checkDecodes();
      return;
    }
    Playlist reference = null;
    double referenceFps = 0;
    java.util.Set<String> checkedVideo = new java.util.HashSet<>();
    for (Variant variant : variants) {
      Map<String, String> a = variant.attributes();
      String name = variant.uri();
      for (String required : List.of("BANDWIDTH", "AVERAGE-BANDWIDTH", "CODECS", "RESOLUTION", "FRAME-RATE")) {
        if (!a.containsKey(required)) {
          fail(name + ": EXT-X-STREAM-INF lacks " + required);
        }
      }
      if (violations.size() > 0) {
        return;
      }
      if (!CODECS.matcher(a.get("CODECS")).matches()) {
        fail(name + ": CODECS " + a.get("CODECS") + " is not avc1.PPCCLL[,mp4a.40.2]");
      }
      if (source.hasAudio() != a.get("CODECS").contains("mp4a.40.2")) {
        fail(name + ": CODECS " + a.get("CODECS") + " disagrees with the source having audio=" + source.hasAudio());
      }
      String[] resolution = a.get("RESOLUTION").split("x");
      int width = Integer.parseInt(resolution[0]);
      int height = Integer.parseInt(resolution[1]);
      double fps = Double.parseDouble(a.get("FRAME-RATE"));
      if (fps > 60.0005) {
        fail(name + ": FRAME-RATE " + fps + " above 60 [1.19]");
      }
      if (height > source.displayHeight() || width > source.displayWidth()) {
        fail(name + ": " + a.get("RESOLUTION") + " is larger than the source " + source.displayWidth() + "x"
            + source.displayHeight());
      }
      double sourceAspect = (double) source.displayWidth() / source.displayHeight();
      if (Math.abs((double) width / height / sourceAspect - 1) > 0.02) {
        fail(name + ": aspect " + a.get("RESOLUTION") + " differs from the source's display aspect "
            + String.format("%.4f", sourceAspect) + " [1.33]");
      }
      if (width % 2 != 0 || height % 2 != 0) {
        fail(name + ": odd dimensions " + a.get("RESOLUTION"));
      }
      Path playlistFile = title.resolve(variant.uri());
      Playlist playlist = Playlist.read(playlistFile);
      List<Playlist> audio = a.containsKey("AUDIO") ? audioGroups.get(a.get("AUDIO")) : List.of();
      if (audio == null) {
        fail(name + ": AUDIO=\"" + a.get("AUDIO") + "\" names no EXT-X-MEDIA group [4.3.4.2]");
        continue;
      }
      checkBandwidth(name + " with " + a.getOrDefault("AUDIO", "muxed audio"), a, playlist, audio);
      if (!checkedVideo.add(variant.uri())) {
        continue;
      }
      checkMediaPlaylist(name, playlist);
      if (reference == null) {
        reference = playlist;
        referenceFps = fps;
      } else {
        checkAligned(name, reference, playlist, fps == referenceFps ? 0 : 1 / Math.min(fps, referenceFps));
      }
      checkSegments(name, playlist, width, height, fps);
      checkKeyframeCadence(name, playlist, fps);
      checkDuration(name, playlist, fps, audio);
      checkPublishedSizes(name, playlist);
    }
    if (iframes.size() != checkedVideo.size()) {
      fail("master: " + iframes.size() + " I-frame playlists for " + checkedVideo.size() + " video renditions [6.1]");
    }
    for (Map<String, String> iframe : iframes) {
      checkIFramePlaylist(iframe);
    }
    checkDecodes();
  }

  private void checkDecodes() {
    FfmpegTool.Output decode = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-v", "error", "-xerror", "-i",
        title.resolve("master.m3u8").toString(), "-map", "0", "-f", "null", "-"));
    if (decode.exitCode() != 0) {
      fail("ffmpeg -xerror decode of master.m3u8 failed: " + decode.stderr().lines().findFirst().orElse(""));
    }
  }

  /** segment-sizes.json lists every video segment's size as on disk, for the player's look-ahead bitrate rule. */
  private void checkPublishedSizes(String name, Playlist playlist) {
    JsonNode sizes;
    try {
      sizes = new ObjectMapper().readTree(title.resolve("segment-sizes.json").toFile());
    } catch (IOException e) {
      fail("segment-sizes.json: not readable JSON (" + e.getMessage() + ")");
      return;
    }
    List<Long> published = new ArrayList<>();
    for (JsonNode rendition : sizes.path("renditions")) {
      if (rendition.path("uri").asText().equals(name)) {
        rendition.path("segmentBytes").forEach(n -> published.add(n.asLong()));
      }
    }
    List<Long> onDisk = playlist.segments.stream().map(Playlist.Segment::bytes).toList();
    if (!published.equals(onDisk)) {
      fail(name + ": segment-sizes.json lists " + published + " but the segments have " + onDisk + " bytes");
    }
  }

  /**
   * An audio-only title: every variant is audio ({@code CODECS="mp4a.40.2"}, no {@code RESOLUTION} or
   * {@code FRAME-RATE}, which apply to video [4.3.4.2]) and covers the largest rendition of its group; every audio
   * rendition is AAC-LC, its EXTINF total within a frame per segment of its packets [8.1], and aligned with the
   * others; no I-frame playlists.
   */
  private void checkAudioOnly(List<Variant> variants, Map<String, List<Playlist>> audioGroups,
      List<Map<String, String>> iframes) {
    if (!iframes.isEmpty()) {
      fail("master: I-frame playlists in an audio-only title");
    }
    List<Playlist> renditions = new ArrayList<>();
    audioGroups.values().forEach(renditions::addAll);
    for (Variant variant : variants) {
      Map<String, String> a = variant.attributes();
      String name = variant.uri();
      if (!a.containsKey("BANDWIDTH") || !a.containsKey("AVERAGE-BANDWIDTH")) {
        fail(name + ": EXT-X-STREAM-INF lacks BANDWIDTH or AVERAGE-BANDWIDTH");
        return;
      }
      if (!"mp4a.40.2".equals(a.get("CODECS"))) {
        fail(name + ": CODECS " + a.get("CODECS") + " is not mp4a.40.2 for an audio-only variant");
      }
      if (a.containsKey("RESOLUTION") || a.containsKey("FRAME-RATE")) {
        fail(name + ": an audio-only variant has RESOLUTION or FRAME-RATE");
      }
      Playlist playlist = Playlist.read(title.resolve(variant.uri()));
      List<Playlist> group = a.containsKey("AUDIO") ? audioGroups.get(a.get("AUDIO")) : List.of(playlist);
      if (group == null || group.stream().noneMatch(p -> p.file.equals(playlist.file))) {
        fail(name + ": AUDIO=\"" + a.get("AUDIO") + "\" names no group holding the variant's own playlist");
        continue;
      }
      checkBandwidth(name, a, group.stream().mapToDouble(Playlist::peakBitsPerSecond).max().orElse(0),
          group.stream().mapToDouble(Playlist::averageBitsPerSecond).max().orElse(0));
      if (!a.containsKey("AUDIO")) {
        checkMediaPlaylist(name, playlist);
        renditions.add(playlist);
      }
    }
    for (Playlist rendition : renditions) {
      String name = title.relativize(rendition.file).toString();
      if (!audioChecked.add(rendition.file)) {
        continue;
      }
      checkAligned(name, renditions.get(0), rendition, AAC_FRAME_SECONDS);
      checkAudioStream(name, rendition.standalone(0), announcedChannels.getOrDefault(rendition.file, "2"));
      double audioSeconds = packets(rendition.file, "a:0") * AAC_FRAME_SECONDS;
      if (Math.abs(audioSeconds - rendition.totalSeconds()) > rendition.segments.size() * AAC_FRAME_SECONDS + 1e-3) {
        fail(name + ": EXTINF total " + rendition.totalSeconds() + " s but the audio lasts " + audioSeconds
            + " s [8.1]");
      }
    }
  }

  private void checkMediaPlaylist(String name, Playlist playlist) {
    if (!playlist.lines.contains("#EXT-X-PLAYLIST-TYPE:VOD")) {
      fail(name + ": no #EXT-X-PLAYLIST-TYPE:VOD [8.6]");
    }
    if (!playlist.lines.contains("#EXT-X-ENDLIST")) {
      fail(name + ": no #EXT-X-ENDLIST [8.6]");
    }
    for (Playlist.Segment segment : playlist.segments) {
      if (Math.round(segment.duration()) > playlist.targetDuration) {
        fail(name + ": EXTINF " + segment.duration() + " rounds above TARGETDURATION " + playlist.targetDuration);
      }
      if (segment.duration() > playlist.targetDuration + 0.5) {
        fail(name + ": segment " + segment.uri() + " longer than target + 0.5 s [7.7]");
      }
    }
    if (playlist.segments.isEmpty()) {
      fail(name + ": no segments");
    }
    int last = playlist.segments.size() - 1;
    if (last > 0 && playlist.targetDuration != source.segmentSeconds()) {
      fail(name + ": TARGETDURATION " + playlist.targetDuration + " but segments of " + source.segmentSeconds()
          + " s were asked for [7.5]");
    }
    for (int i = 0; i < last; i++) {
      if (Math.abs(playlist.segments.get(i).duration() - source.segmentSeconds()) > 0.1) {
        fail(name + ": segment " + i + " lasts " + playlist.segments.get(i).duration() + " s, not "
            + source.segmentSeconds() + " s");
      }
    }
  }

  /** An IDR at least every two seconds [1.13]: no gap between key frames longer than 2 s plus a frame. */
  private void checkKeyframeCadence(String name, Playlist playlist, double fps) {
    String times = FfmpegTool.ffprobe("-select_streams", "v:0", "-skip_frame", "nokey", "-show_entries",
        "frame=pts_time", "-of", "csv=p=0", playlist.file.toString());
    double previous = Double.NaN;
    for (String line : times.split("\n")) {
      if (line.isBlank() || line.startsWith("N/A")) {
        continue;
      }
      double t = Double.parseDouble(line.strip().replace(",", ""));
      if (!Double.isNaN(previous) && t - previous > 2 + 1 / fps + 1e-3) {
        fail(name + ": " + String.format("%.3f", t - previous) + " s between key frames at " + previous + " s [1.13]");
      }
      previous = t;
    }
  }

  /**
   * RFC 8216 section 4.3.4.1.1: the renditions of a group have distinct NAMEs, at most one is DEFAULT=YES, and a
   * DEFAULT=YES rendition is AUTOSELECT=YES.
   */
  private void checkAudioGroups(Map<String, List<Playlist>> groups) {
    Map<String, List<Map<String, String>>> byGroup = new LinkedHashMap<>();
    for (String line : lines(title.resolve("master.m3u8"))) {
      if (line.startsWith("#EXT-X-MEDIA:") && line.contains("TYPE=AUDIO")) {
        Map<String, String> media = attributes(line);
        byGroup.computeIfAbsent(media.get("GROUP-ID"), g -> new ArrayList<>()).add(media);
      }
    }
    byGroup.forEach((group, members) -> {
      if (members.stream().map(m -> m.get("NAME")).distinct().count() != members.size()) {
        fail("audio group " + group + ": NAME values repeat [4.3.4.1.1]");
      }
      if (members.stream().filter(m -> "YES".equals(m.get("DEFAULT"))).count() > 1) {
        fail("audio group " + group + ": more than one DEFAULT=YES [4.3.4.1.1]");
      }
      for (Map<String, String> m : members) {
        if ("YES".equals(m.get("DEFAULT")) && "NO".equals(m.get("AUTOSELECT"))) {
          fail("audio group " + group + ": " + m.get("NAME") + " is DEFAULT=YES but AUTOSELECT=NO [4.3.4.1]");
        }
      }
    });
  }

  /** The variant's bitrates cover its video plus the largest rendition of its audio group [4.3.4.2]. */
  private void checkBandwidth(String name, Map<String, String> attributes, Playlist video, List<Playlist> audio) {
    checkBandwidth(name, attributes,
        video.peakBitsPerSecond() + audio.stream().mapToDouble(Playlist::peakBitsPerSecond).max().orElse(0),
        video.averageBitsPerSecond() + audio.stream().mapToDouble(Playlist::averageBitsPerSecond).max().orElse(0));
  }

  /** {@code BANDWIDTH} and {@code AVERAGE-BANDWIDTH} against the measured peak and average [1.26, 1.27]. */
  private void checkBandwidth(String name, Map<String, String> attributes, double peak, double average) {
    long bandwidth = Long.parseLong(attributes.get("BANDWIDTH"));
    long averageBandwidth = Long.parseLong(attributes.get("AVERAGE-BANDWIDTH"));
    if (peak > bandwidth * 1.10) {
      fail(name + ": measured peak " + (long) peak + " exceeds BANDWIDTH " + bandwidth + " by more than 10% [1.27]");
    }
    if (bandwidth > peak * 1.5) {
      fail(name + ": BANDWIDTH " + bandwidth + " inflated far above the measured peak " + (long) peak);
    }
    if (averageBandwidth > bandwidth) {
      fail(name + ": AVERAGE-BANDWIDTH " + averageBandwidth + " exceeds the peak BANDWIDTH " + bandwidth + " [9.14]");
    }
    if (Math.abs(averageBandwidth - average) > average * 0.10) {
      fail(name + ": AVERAGE-BANDWIDTH " + averageBandwidth + " not within 10% of measured " + (long) average
          + " [1.26]");
    }
  }

  /**
   * Renditions cut at the same instants list the same durations, to the microsecond EXTINF is written with; one at a
   * lower frame rate (a capped rung) may cut and end up to one of its frames apart.
   */
  private void checkAligned(String name, Playlist reference, Playlist playlist, double frame) {
    if (reference.segments.size() != playlist.segments.size()) {
      fail(name + ": " + playlist.segments.size() + " segments, first rendition has " + reference.segments.size());
      return;
    }
    for (int i = 0; i < playlist.segments.size(); i++) {
      double a = reference.segments.get(i).duration();
      double b = playlist.segments.get(i).duration();
      if (Math.abs(a - b) > frame + 1e-6) {
        fail(name + ": segment " + i + " lasts " + b + " s, first rendition's " + a + " s (not aligned)");
      }
    }
  }

  /** Every segment starts with a key frame; the first carries the expected stream parameters. */
  private void checkSegments(String name, Playlist playlist, int width, int height, double fps) {
    for (int i = 0; i < playlist.segments.size(); i++) {
      Path media = playlist.standalone(i);
      String frame = FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type",
          "-read_intervals", "%+#1", "-of", "default=nw=1", media.toString());
      if (!frame.contains("key_frame=1") || !frame.contains("pict_type=I")) {
        fail(name + ": segment " + i + " does not start with a key frame [7.4]: " + frame.strip());
      }
      if (i == 0) {
        Map<String, String> stream = keyValues(FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries",
            "stream=codec_name,profile,level,pix_fmt,width,height,sample_aspect_ratio,field_order", "-of",
            "default=nw=1", media.toString()));
        if (!"h264".equals(stream.get("codec_name"))) {
          fail(name + ": video codec " + stream.get("codec_name") + ", not h264");
        }
        if (!List.of("High", "Main", "Constrained Baseline", "Baseline").contains(stream.get("profile"))) {
          fail(name + ": H.264 profile " + stream.get("profile") + " [1.3]");
        }
        int maxLevel = height * width <= 1920 * 1088 && fps <= 30.001 ? 41 : 42;
        if (Integer.parseInt(stream.get("level")) > maxLevel) {
          fail(name + ": H.264 level " + stream.get("level") + " above " + maxLevel + " [1.3]");
        }
        if (!"yuv420p".equals(stream.get("pix_fmt"))) {
          fail(name + ": pixel format " + stream.get("pix_fmt") + ", not yuv420p");
        }
        if (!(width + "x" + height).equals(stream.get("width") + "x" + stream.get("height"))) {
          fail(name + ": coded " + stream.get("width") + "x" + stream.get("height") + " but RESOLUTION " + width
              + "x" + height);
        }
        String sar = stream.getOrDefault("sample_aspect_ratio", "N/A");
        if (!sar.equals("1:1") && !sar.equals("N/A") && !sar.equals("0:1")) {
          fail(name + ": non-square pixels " + sar);
        }
        String field = stream.getOrDefault("field_order", "unknown");
        if (!field.equals("progressive") && !field.equals("unknown")) {
          fail(name + ": interlaced output (field_order " + field + ") [1.14]");
        }
      }
      if (playlist.hasMuxedAudio() && i == 0) {
        checkAudioStream(name, media);
      }
    }
  }

  private void checkAudioStream(String name, Path media) {
    checkAudioStream(name, media, "2");
  }

  private void checkAudioStream(String name, Path media, String channels) {
    Map<String, String> audio = keyValues(FfmpegTool.ffprobe("-select_streams", "a:0", "-show_entries",
        "stream=codec_name,profile,channels,sample_rate", "-of", "default=nw=1", media.toString()));
    if (!"aac".equals(audio.get("codec_name")) || !"LC".equals(audio.get("profile"))) {
      fail(name + ": audio " + audio.get("codec_name") + " " + audio.get("profile") + ", not AAC-LC [2.3]");
    }
    if (!channels.equals(audio.get("channels"))) {
      fail(name + ": " + audio.get("channels") + " audio channels, not the " + channels + " announced [2.3]");
    }
    if (!"48000".equals(audio.get("sample_rate")) && !"44100".equals(audio.get("sample_rate"))) {
      fail(name + ": audio sample rate " + audio.get("sample_rate"));
    }
  }

  /**
   * The sum of EXTINF equals the media's duration [8.1], not a frame short (FRAME-RATE, rounded to three decimals,
   * leaves a little slack); audio (muxed or in the audio rendition) lasts as long as the video.
   */
  private void checkDuration(String name, Playlist playlist, double fps, List<Playlist> audioRenditions) {
    double[] videoTimes = packetTimes(playlist.file, "v:0");
    for (int i = 1; i < videoTimes.length; i++) {
      double step = videoTimes[i] - videoTimes[i - 1];
      if (step < 0.5 / fps || step > 1.5 / fps) {
        fail(name + ": video timestamps jump by " + String.format("%.4f", step) + " s at " + videoTimes[i - 1]
            + " s (not continuous)");
        break;
      }
    }
    long frames = videoTimes.length;
    double media = frames / fps;
    double listed = playlist.totalSeconds();
    if (Math.abs(media - listed) > 0.5 / fps) {
      fail(name + ": EXTINF total " + listed + " s but " + frames + " frames = " + media + " s [8.1]");
    }
    List<Playlist> audio = !audioRenditions.isEmpty() ? audioRenditions
        : playlist.hasMuxedAudio() ? List.of(playlist) : List.of();
    for (Playlist rendition : audio) {
      if (!audioChecked.add(rendition.file)) {
        continue;
      }
      String audioName = rendition == playlist ? name + " audio" : title.relativize(rendition.file).toString();
      if (videoTimes.length > 0) {
        double[] audioTimes = packetTimes(rendition.file, "a:0");
        if (audioTimes.length == 0 || Math.abs(audioTimes[0] - videoTimes[0]) > 0.1) {
          fail(audioName + ": audio starts at " + (audioTimes.length == 0 ? "never" : audioTimes[0] + " s")
              + ", video at " + videoTimes[0] + " s (A/V drift)");
        }
      }
      checkAudioStream(audioName, rendition.standalone(0), announcedChannels.getOrDefault(rendition.file, "2"));
      double audioSeconds = packets(rendition.file, "a:0") * 1024 / 48000.0;
      if (Math.abs(audioSeconds - media) > 0.15) {
        fail(audioName + ": audio lasts " + audioSeconds + " s, video " + media + " s");
      }
    }
  }

  private void checkIFramePlaylist(Map<String, String> attributes) {
    String uri = attributes.get("URI");
    if (!attributes.containsKey("CODECS") || !attributes.containsKey("RESOLUTION")
        || !attributes.containsKey("BANDWIDTH")) {
      fail(uri + ": EXT-X-I-FRAME-STREAM-INF lacks BANDWIDTH, CODECS or RESOLUTION [9.3]");
    }
    Path file = title.resolve(uri);
    List<String> lines = lines(file);
    if (!lines.contains("#EXT-X-I-FRAMES-ONLY")) {
      fail(uri + ": no #EXT-X-I-FRAMES-ONLY");
    }
    String map = null;
    long length = -1;
    long offset = 0;
    for (String line : lines) {
      if (line.startsWith("#EXT-X-MAP:")) {
        map = attributes(line).get("URI");
      } else if (line.startsWith("#EXT-X-BYTERANGE:")) {
        String[] range = line.substring("#EXT-X-BYTERANGE:".length()).split("@");
        length = Long.parseLong(range[0]);
        offset = range.length > 1 ? Long.parseLong(range[1]) : 0;
      } else if (!line.startsWith("#") && !line.isBlank()) {
        try {
          byte[] segment = Files.readAllBytes(file.resolveSibling(line));
          Path frame = Files.createTempFile(SCRATCH, "iframe", ".mp4");
          byte[] init = map == null ? new byte[0] : Files.readAllBytes(file.resolveSibling(map));
          byte[] joined = new byte[init.length + (int) length];
          System.arraycopy(init, 0, joined, 0, init.length);
          System.arraycopy(segment, (int) offset, joined, init.length, (int) length);
          Files.write(frame, joined);
          String probe = FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries", "frame=key_frame",
              "-of", "default=nw=1", frame.toString());
          Files.delete(frame);
          if (!probe.startsWith("key_frame=1")) {
            fail(uri + ": byte range of " + line + " does not decode to a key frame");
          }
        } catch (IOException | RuntimeException e) {
          fail(uri + ": byte range of " + line + " unreadable: " + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
  }

  /** Presentation times of a stream's packets across a whole media playlist, sorted. */
  private static double[] packetTimes(Path playlist, String stream) {
    String text = FfmpegTool.ffprobe("-select_streams", stream, "-show_entries", "packet=pts_time", "-of", "csv=p=0",
        playlist.toString());
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("N/A"))
        .map(l -> l.replace(",", "")).mapToDouble(Double::parseDouble).sorted().toArray();
  }

  private static long packets(Path playlist, String stream) {
    Map<String, String> values = keyValues(FfmpegTool.ffprobe("-select_streams", stream, "-count_packets",
        "-show_entries", "stream=nb_read_packets", "-of", "default=nw=1", playlist.toString()));
    return Long.parseLong(values.getOrDefault("nb_read_packets", "0"));
  }

  static Map<String, String> keyValues(String text) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        map.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return map;
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(String::strip).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Path SCRATCH;

  static {
    try {
      SCRATCH = Files.createTempDirectory("hls-conformance");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A media playlist as text. */
  static final class Playlist {
    record Segment(String uri, double duration, long bytes) {}

    final Path file;
    final List<String> lines;
    final int targetDuration;
    final String map;
    final List<Segment> segments = new ArrayList<>();

    private Playlist(Path file) {
      this.file = file;
      this.lines = lines(file);
      int target = 0;
      String mapUri = null;
      double duration = -1;
      for (String line : lines) {
        if (line.startsWith("#EXT-X-TARGETDURATION:")) {
          target = Integer.parseInt(line.substring(22));
        } else if (line.startsWith("#EXT-X-MAP:")) {
          mapUri = attributes(line).get("URI");
        } else if (line.startsWith("#EXTINF:")) {
          duration = Double.parseDouble(line.substring(8, line.indexOf(',')));
        } else if (!line.startsWith("#") && !line.isBlank()) {
          try {
            segments.add(new Segment(line, duration, Files.size(file.resolveSibling(line))));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      this.targetDuration = target;
      this.map = mapUri;
    }

    static Playlist read(Path file) {
      return new Playlist(file);
    }

    double totalSeconds() {
      return segments.stream().mapToDouble(Segment::duration).sum();
    }

    double averageBitsPerSecond() {
      return segments.stream().mapToLong(Segment::bytes).sum() * 8 / totalSeconds();
    }

    double peakBitsPerSecond() {
      return segments.stream().filter(s -> s.duration() >= targetDuration / 2.0)
          .mapToDouble(s -> s.bytes() * 8 / s.duration()).max()
          .orElse(segments.stream().mapToDouble(s -> s.bytes() * 8 / s.duration()).max().orElse(0));
    }

    private Boolean muxedAudio;

    boolean hasMuxedAudio() {
      if (segments.isEmpty()) {
        return false;
      }
      if (muxedAudio == null) {
        muxedAudio = !FfmpegTool.ffprobe("-select_streams", "a", "-show_entries", "stream=index", "-of", "csv=p=0",
          standalone(0).toString()).isBlank();
      }
      return muxedAudio;
    }

    /** Segment {@code i} as a file a decoder can open alone: with the init segment prepended for fMP4. */
    Path standalone(int i) {
      Path segment = file.resolveSibling(segments.get(i).uri());
      if (map == null) {
        return segment;
      }
      try {
        Path joined = SCRATCH.resolve(Integer.toHexString(file.toAbsolutePath().hashCode()) + "-" + i + ".mp4");
        if (!Files.exists(joined)) {
          byte[] init = Files.readAllBytes(file.resolveSibling(map));
          byte[] body = Files.readAllBytes(segment);
          byte[] all = new byte[init.length + body.length];
          System.arraycopy(init, 0, all, 0, init.length);
          System.arraycopy(body, 0, all, init.length, body.length);
          Files.write(joined, all);
        }
        return joined;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
