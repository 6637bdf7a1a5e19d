package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A source with five audio tracks, each a tone of its own frequency so a swapped track is heard: French stereo
 * (660 Hz), English stereo marked default (440 Hz), an English director's commentary (880 Hz), German 5.1 (1320 Hz)
 * an untitled English audio description (550 Hz) and a second untitled English track (770 Hz). The fMP4 title must
 * offer every track, the 5.1 one also as 5.1 in its own group, and stay conformant; the TS title carries the default
 * track only.
 */
class AudioTracksTranscodeTest {

  private static final double SECONDS = 7;
  private static final int[] TONES = {660, 440, 880, 1320, 550, 770};

  @TempDir static Path dir;
  private static Path source;

  @BeforeAll
  static void generateSource() {
    source = TitleFixture.generate(dir, "tracks.mkv",
        "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=1320:sample_rate=48000,pan=5.1|c0=c0|c1=c0|c2=c0|c4=c0|c5=c0",
        "-f", "lavfi", "-i", "sine=frequency=550:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=770:sample_rate=48000",
        "-t", Double.toString(SECONDS),
        "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:a", "-map", "4:a", "-map", "5:a", "-map", "6:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
        "-ac:a:0", "2", "-ac:a:1", "2", "-ac:a:2", "2", "-ac:a:4", "2", "-ac:a:5", "2",
        "-metadata:s:a:0", "language=fre", "-disposition:a:0", "0",
        "-metadata:s:a:1", "language=eng", "-disposition:a:1", "default",
        "-metadata:s:a:2", "language=eng", "-metadata:s:a:2", "title=Director's commentary",
        "-disposition:a:2", "comment",
        "-metadata:s:a:3", "language=ger", "-disposition:a:3", "0",
        "-metadata:s:a:4", "language=eng", "-disposition:a:4", "visual_impaired+descriptions",
        "-metadata:s:a:5", "language=eng", "-disposition:a:5", "0");
  }

  @Test
  void probeListsEveryTrackWithLanguageTitleChannelsAndDispositions() {
    MediaInfo info = MediaProbe.probe(source);

    assertThat(info.audioTracks()).extracting(MediaInfo.Audio::language)
        .containsExactly(Optional.of("fr"), Optional.of("en"), Optional.of("en"), Optional.of("de"),
            Optional.of("en"), Optional.of("en"));
    assertThat(info.audioTracks()).extracting(MediaInfo.Audio::channels).containsExactly(2, 2, 2, 6, 2, 2);
    assertThat(info.audioTracks().get(2).title()).contains("Director's commentary");
    assertThat(info.audioTracks().get(2).commentary()).isTrue();
    assertThat(info.audioTracks().get(4).describesVideo()).isTrue();
    assertThat(info.audioTracks().get(3).surround()).isTrue();
    assertThat(info.audio()).as("the default track, not the first").contains(info.audioTracks().get(1));
  }

  @Test
  void fmp4TitleOffersEveryTrackInAStereoGroupAndTheSurroundTrackInASurroundGroup() throws Exception {
    Path out = dir.resolve("fmp4");
    TranscodeResult result = TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 640, 360, true);

    List<String> master = Files.readAllLines(out.resolve("master.m3u8"));
    assertThat(master.stream().filter(l -> l.startsWith("#EXT-X-MEDIA:"))).containsExactly(
        media("audio", "en", "English", true, true, null, 2, "audio"),
        media("audio", "fr", "Français", false, true, null, 2, "audio-fr-1"),
        media("audio", "en", "Director's commentary", false, false, null, 2, "audio-en-3"),
        media("audio", "de", "Deutsch", false, true, null, 2, "audio-de-4"),
        media("audio", "en", "English (5)", false, true, "public.accessibility.describes-video", 2, "audio-en-5"),
        media("audio", "en", "English (6)", false, false, null, 2, "audio-en-6"),
        media("audio-surround", "en", "English", true, true, null, 2, "audio"),
        media("audio-surround", "fr", "Français", false, true, null, 2, "audio-fr-1"),
        media("audio-surround", "en", "Director's commentary", false, false, null, 2, "audio-en-3"),
        media("audio-surround", "de", "Deutsch", false, true, null, 6, "audio-surround-de-4"),
        media("audio-surround", "en", "English (5)", false, true, "public.accessibility.describes-video", 2,
            "audio-en-5"),
        media("audio-surround", "en", "English (6)", false, false, null, 2, "audio-en-6"));

    List<Map<String, String>> variants = master.stream().filter(l -> l.startsWith("#EXT-X-STREAM-INF:"))
        .map(HlsConformance::attributes).toList();
    assertThat(variants).extracting(v -> v.get("AUDIO"))
        .as("stereo variants first, so a player without 5.1 starts with them")
        .containsExactly("audio", "audio", "audio-surround", "audio-surround");
    assertThat(result.renditions()).extracting(PackagedRendition::height).containsExactly(360, 180);
    for (int i = 0; i < 2; i++) {
      long stereo = Long.parseLong(variants.get(i).get("BANDWIDTH"));
      long surround = Long.parseLong(variants.get(i + 2).get("BANDWIDTH"));
      assertThat(surround - stereo).as("the surround variant counts the 384 kbit/s 5.1 rendition")
          .isGreaterThan(150_000);
      assertThat(result.renditions().get(i).peakBandwidth()).isEqualTo(stereo);
    }

    String mpd = Files.readString(out.resolve("manifest.mpd"));
    assertThat(mpd.split("contentType=\"audio\"", -1)).as("an audio AdaptationSet per rendition").hasSize(8);
    assertThat(mpd).contains("lang=\"fr\"").contains("lang=\"de\"").contains("value=\"commentary\"")
        .contains("value=\"description\"");

    HlsConformance.Playlist video = HlsConformance.Playlist.read(out.resolve("360p/index.m3u8"));
    Map<String, Integer> toneOfDirectory = Map.of("audio-fr-1", 660, "audio", 440, "audio-en-3", 880,
        "audio-de-4", 1320, "audio-surround-de-4", 1320, "audio-en-5", 550, "audio-en-6", 770);
    for (Map.Entry<String, Integer> rendition : toneOfDirectory.entrySet()) {
      Path playlist = out.resolve(rendition.getKey()).resolve("index.m3u8");
      int channels = rendition.getKey().startsWith("audio-surround") ? 6 : 2;
      Map<String, String> stream = HlsConformance.keyValues(FfmpegTool.ffprobe("-select_streams", "a:0",
          "-show_entries", "stream=codec_name,profile,channels,sample_rate", "-of", "default=nw=1",
          playlist.toString()));
      assertThat(stream).as(rendition.getKey()).containsEntry("codec_name", "aac").containsEntry("profile", "LC")
          .containsEntry("channels", Integer.toString(channels)).containsEntry("sample_rate", "48000");
      assertThat(dominantTone(playlist, TONES)).as("tone of %s", rendition.getKey()).isEqualTo(rendition.getValue());
      String language = rendition.getKey().contains("-fr-") ? "fra" : rendition.getKey().contains("-de-") ? "deu"
          : "eng";
      assertThat(FfmpegTool.ffprobe("-select_streams", "a:0", "-show_entries", "stream_tags=language", "-of",
          "csv=p=0", out.resolve(rendition.getKey()).resolve("init.mp4").toString()).strip())
          .as("language in the init segment of %s", rendition.getKey()).isEqualTo(language);

      HlsConformance.Playlist audio = HlsConformance.Playlist.read(playlist);
      assertThat(audio.segments).as(rendition.getKey()).hasSameSizeAs(video.segments);
      // The muxer ends a video segment's EXTINF at its last frame's start and an audio one's at its last packet's
      // end: they may differ by a video frame plus an AAC frame.
      double tolerance = 1 / 30.0 + 1024 / 48_000.0 + 0.005;
      for (int s = 0; s < video.segments.size(); s++) {
        assertThat(audio.segments.get(s).duration()).as("%s segment %d", rendition.getKey(), s)
            .isCloseTo(video.segments.get(s).duration(), within(tolerance));
      }
    }
  }

  @Test
  void transportStreamTitleMuxesTheDefaultTrackOnly() {
    Path out = dir.resolve("ts");
    TitleFixture.transcodeConforming(source, out, SegmentFormat.TS, 640, 360, true);

    assertThat(HlsConformance.lines(out.resolve("master.m3u8"))).noneMatch(l -> l.startsWith("#EXT-X-MEDIA:"));
    Path variant = out.resolve("180p/index.m3u8");
    // The hls demuxer lists each stream again under its program, hence distinct().
    assertThat(FfmpegTool.ffprobe("-show_entries", "stream=index,codec_type", "-of", "csv=p=0", variant.toString())
        .lines().map(String::strip).distinct().filter(l -> l.endsWith("audio"))).hasSize(1);
    assertThat(dominantTone(variant, TONES)).as("the default English track").isEqualTo(440);
  }

  @Test
  void aTrackWithoutASingleFrameBecomesSilenceAsLongAsTheVideo() {
    Path silent = TitleFixture.generate(dir, "empty-track.mkv", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000,atrim=end_sample=0",
        "-t", "4", "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast",
        "-c:a", "aac", "-metadata:s:a:1", "language=spa");
    Path out = dir.resolve("empty-track");
    TitleFixture.transcodeConforming(silent, out, SegmentFormat.FMP4, 320, 180, true);

    String volume = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-v", "info", "-i",
        out.resolve("audio-es-2/index.m3u8").toString(), "-af", "volumedetect", "-f", "null", "-")).stderr();
    assertThat(volume).as("the empty Spanish track plays as silence").contains("max_volume: -91.0 dB");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "eng|en", "fra|fr", "fre|fr", "ger|de", "chi|zh", "yue|yue", "und|none", "|none", "en-gb|en-GB",
      "English|none", "12|none"})
  void containerLanguagesBecomeShortestBcp47Tags(String container, String expected) {
    assertThat(LanguageTag.fromContainer(container)).isEqualTo(Optional.ofNullable(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {"en|eng", "fr-CA|fra", "yue|yue", "xx|none"})
  void tagsGoBackToTheThreeLetterCodesContainersStore(String tag, String expected) {
    assertThat(LanguageTag.toIso639Part2(tag)).isEqualTo(Optional.ofNullable(expected));
  }

  private static String media(String group, String language, String name, boolean isDefault, boolean autoselect,
      String characteristics, int channels, String directory) {
    return "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"" + group + "\",LANGUAGE=\"" + language + "\",NAME=\"" + name
        + "\",DEFAULT=" + (isDefault ? "YES" : "NO") + ",AUTOSELECT=" + (autoselect ? "YES" : "NO")
        + (characteristics == null ? "" : ",CHARACTERISTICS=\"" + characteristics + "\"")
        + ",CHANNELS=\"" + channels + "\",URI=\"" + directory + "/index.m3u8\"";
  }

  /**
   * Which of {@code tones} is loudest in the playlist's first audio stream, down-mixed to mono: the Goertzel
   * algorithm measures the power at each candidate frequency over the decoded samples after the first half second.
   */
  static int dominantTone(Path playlist, int... tones) {
    FfmpegTool.Output decoded = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-v", "error", "-i", playlist.toString(),
        "-map", "0:a:0", "-ss", "0.5", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"));
    assertThat(decoded.exitCode()).as(decoded.stderr()).isZero();
    ByteBuffer bytes = ByteBuffer.wrap(decoded.stdout().getBytes(StandardCharsets.ISO_8859_1))
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] samples = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(samples);
    assertThat(samples.length).as("decoded samples of %s", playlist).isGreaterThan(48_000);
    int loudest = 0;
    double loudestPower = -1;
    for (int tone : tones) {
      double coefficient = 2 * Math.cos(2 * Math.PI * tone / 48_000.0);
      double previous = 0;
      double beforePrevious = 0;
      for (float sample : samples) {
        double current = sample + coefficient * previous - beforePrevious;
        beforePrevious = previous;
        previous = current;
      }
      double power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
      if (power > loudestPower) {
        loudestPower = power;
        loudest = tone;
      }
    }
    return loudest;
  }
}
