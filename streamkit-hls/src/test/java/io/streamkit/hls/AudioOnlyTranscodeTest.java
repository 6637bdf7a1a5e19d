package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
 * Audio-only sources (podcast episodes) become titles of audio renditions: an M4A with an English (440 Hz, default)
 * and a French (660 Hz) track, and single-track MP3, Ogg Opus, FLAC and WAV files. Each title must conform as far as
 * the rules apply to audio, last as long as its source, and carry no picture: no video variant, poster, storyboard or
 * I-frame playlist.
 */
class AudioOnlyTranscodeTest {

  private static final double SECONDS = 7;
  /** The segment durations of a title are its packets' durations; AAC frames are 1024 samples at 48 kHz. */
  private static final double AAC_FRAME_SECONDS = 1024 / 48000.0;

  @TempDir static Path dir;
  private static Path podcast;

  @BeforeAll
  static void generateSource() {
    podcast = TitleFixture.generate(dir, "episode.m4a",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000",
        "-t", Double.toString(SECONDS), "-map", "0:a", "-map", "1:a", "-c:a", "aac", "-ac", "2",
        "-metadata:s:a:0", "language=eng", "-disposition:a:0", "default",
        "-metadata:s:a:1", "language=fre", "-disposition:a:1", "0");
  }

  @Test
  void probeFindsAnAudioOnlySourceWithBothTracks() {
    MediaInfo info = MediaProbe.probe(podcast);

    assertThat(info.audioOnly()).isTrue();
    assertThat(info.video()).isNull();
    assertThat(info.audioTracks()).extracting(MediaInfo.Audio::language)
        .containsExactly(Optional.of("en"), Optional.of("fr"));
    assertThat(info.durationSeconds()).isCloseTo(SECONDS, within(0.1));
  }

  @Test
  void fmp4TitleHasOneAudioVariantOverBothLanguagesAndAnAudioOnlyDashManifest() throws Exception {
    Path out = dir.resolve("fmp4");
    TranscodeResult result = transcodeConforming(podcast, out, SegmentFormat.FMP4);

    assertThat(result.audioOnly()).isTrue();
    assertThat(result.hasAudio()).isTrue();
    assertThat(result.renditions()).singleElement().satisfies(r -> {
      assertThat(r.playlist()).isEqualTo("audio/index.m3u8");
      assertThat(r.width()).isZero();
      assertThat(r.height()).isZero();
      assertThat(r.frameRate()).isNull();
      assertThat(r.codecs()).isEqualTo("mp4a.40.2");
    });
    List<String> master = Files.readAllLines(out.resolve("master.m3u8"));
    List<String> variants = master.stream().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")).toList();
    assertThat(variants).singleElement().satisfies(v -> {
      Map<String, String> attributes = HlsConformance.attributes(v);
      assertThat(attributes).containsEntry("CODECS", "mp4a.40.2").containsEntry("AUDIO", "audio")
          .doesNotContainKeys("RESOLUTION", "FRAME-RATE");
      assertThat(Long.parseLong(attributes.get("BANDWIDTH"))).isEqualTo(result.renditions().get(0).peakBandwidth());
    });
    assertThat(master.get(master.indexOf(variants.get(0)) + 1)).isEqualTo("audio/index.m3u8");
    assertThat(master.stream().filter(l -> l.startsWith("#EXT-X-MEDIA:TYPE=AUDIO")))
        .extracting(l -> HlsConformance.attributes(l).get("LANGUAGE") + " " + HlsConformance.attributes(l).get("URI"))
        .containsExactly("en audio/index.m3u8", "fr audio-fr-2/index.m3u8");
    assertThat(master).noneMatch(l -> l.startsWith("#EXT-X-I-FRAME-STREAM-INF"));
    assertThat(out.resolve("poster.jpg")).doesNotExist();
    assertThat(out.resolve("storyboard")).doesNotExist();

    String mpd = Files.readString(out.resolve("manifest.mpd"));
    assertThat(mpd).doesNotContain("contentType=\"video\"").contains("lang=\"en\"").contains("lang=\"fr\"");
    assertThat(mpd.split("contentType=\"audio\"", -1)).as("an audio AdaptationSet per track").hasSize(3);

    assertLastsAsLongAsTheSource(out.resolve("audio/index.m3u8"), result);
    assertLastsAsLongAsTheSource(out.resolve("audio-fr-2/index.m3u8"), result);
    assertThat(AudioTracksTranscodeTest.dominantTone(out.resolve("audio-fr-2/index.m3u8"), 440, 660))
        .as("the French track's tone").isEqualTo(660);

    byte[] transcript = "1\n00:00:01,000 --> 00:00:02,000\nHello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> TitleSubtitles.add(out, transcript, TitleSubtitles.Format.SUBRIP, "en", "English", false))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("audio-only");
    assertThat(out.resolve("subtitles")).doesNotExist();
  }

  @Test
  void tsTitleCarriesTheMainTrackAsAnMpegTsAudioVariant() throws Exception {
    Path out = dir.resolve("ts");
    TranscodeResult result = transcodeConforming(podcast, out, SegmentFormat.TS);

    assertThat(result.dashManifest()).isNull();
    assertThat(out.resolve("manifest.mpd")).doesNotExist();
    List<String> master = Files.readAllLines(out.resolve("master.m3u8"));
    assertThat(master).noneMatch(l -> l.startsWith("#EXT-X-MEDIA"));
    assertThat(master.stream().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")).map(HlsConformance::attributes))
        .singleElement().satisfies(a -> assertThat(a).containsEntry("CODECS", "mp4a.40.2").doesNotContainKey("AUDIO"));
    assertThat(Files.readString(out.resolve("audio/index.m3u8"))).contains("seg_00000.ts");
    assertThat(FfmpegTool.ffprobe("-show_entries", "stream=codec_type", "-of", "csv=p=0",
        out.resolve("audio/seg_00000.ts").toString())).contains("audio").doesNotContain("video");
    assertLastsAsLongAsTheSource(out.resolve("audio/index.m3u8"), result);
    assertThat(AudioTracksTranscodeTest.dominantTone(out.resolve("audio/index.m3u8"), 440, 660))
        .as("the default (English) track's tone").isEqualTo(440);
  }

  @ParameterizedTest
  @CsvSource({
      "talk.mp3, libmp3lame, 44100, 1",
      "talk.opus, libopus, 48000, 2",
      "talk.flac, flac, 96000, 2",
      "talk.wav, pcm_s16le, 22050, 1"})
  void commonAudioFilesBecomeTitles(String name, String codec, int sampleRate, int channels) {
    Path source = TitleFixture.generate(dir, name, "-f", "lavfi", "-i",
        "sine=frequency=523:sample_rate=" + sampleRate, "-t", "4", "-c:a", codec, "-ac", Integer.toString(channels));
    Path out = dir.resolve("title-" + name.replace('.', '-'));

    TranscodeResult result = transcodeConforming(source, out, SegmentFormat.FMP4);

    assertThat(result.audioOnly()).isTrue();
    assertThat(result.durationSeconds()).isCloseTo(MediaProbe.probe(source).durationSeconds(), within(0.05));
  }

  @Test
  void subtitleFilesAreRefusedForAnAudioOnlySourceBeforeAnythingIsWritten() throws Exception {
    Path subtitles = Files.writeString(dir.resolve("transcript.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    Path out = dir.resolve("with-subtitles");
    TranscodeJob job = Transcoder.builder().input(podcast).output(out).subtitles(subtitles, "en", "English", false)
        .build();

    assertThatThrownBy(job::run).isInstanceOf(TranscodeException.class)
        .hasMessageContaining("episode.m4a is audio-only").hasMessageContaining("transcript.srt");
    assertThat(out).doesNotExist();
    TitleFixture.assertNoStaging(dir);
  }

  private static TranscodeResult transcodeConforming(Path source, Path out, SegmentFormat format) {
    TranscodeResult result = TitleFixture.transcode(source, out, format, io.streamkit.abr.ladder.Ladder.small());
    assertThat(HlsConformance.check(out, HlsConformance.Source.audioOnly(TitleFixture.SEGMENT_SECONDS)))
        .as("HLS-RULES.md violations for %s", source.getFileName()).isEmpty();
    if (format == SegmentFormat.FMP4) {
      assertThat(DashConformance.check(out)).as("DASH manifest violations for %s", source.getFileName()).isEmpty();
    }
    TitleFixture.assertNoStaging(out.getParent());
    return result;
  }

  /** The EXTINF values add up to the source's duration, within an AAC frame per segment. */
  private static void assertLastsAsLongAsTheSource(Path playlist, TranscodeResult result) {
    HlsConformance.Playlist media = HlsConformance.Playlist.read(playlist);
    assertThat(media.totalSeconds()).isCloseTo(SECONDS, within(media.segments.size() * AAC_FRAME_SECONDS + 1e-3));
    assertThat(result.durationSeconds()).isCloseTo(SECONDS, within(media.segments.size() * AAC_FRAME_SECONDS + 1e-3));
  }
}
