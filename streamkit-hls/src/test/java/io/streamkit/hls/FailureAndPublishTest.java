package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken inputs, cancellation and the atomic publish: a title appears complete or not at all. */
class FailureAndPublishTest {

  @TempDir Path dir;

  private void assertRejected(Path input, String expected) {
    Path out = dir.resolve("title");
    assertThatThrownBy(() -> TitleFixture.transcode(input, out, SegmentFormat.FMP4, Ladder.small()))
        .isInstanceOf(TranscodeException.class)
        .hasMessageContaining(input.getFileName().toString())
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(out).doesNotExist();
    TitleFixture.assertNoStaging(dir);
  }

  @Test
  void missingFileIsNamed() {
    assertRejected(dir.resolve("nowhere.mp4"), "does not exist");
  }

  @Test
  void zeroByteFileIsRejected() throws Exception {
    assertRejected(Files.createFile(dir.resolve("empty.mp4")), "is empty");
  }

  @Test
  void textFileRenamedMp4IsNotMedia() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.mp4"), "These are my notes, not a movie.\n".repeat(20));
    assertRejected(text, "not a readable media file");
  }

  @Test
  void textFileIsNotDrawnAsVideo() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "These are my notes, not a movie.\n".repeat(20));
    assertRejected(text, "is text, not a video or audio file");
  }

  @Test
  void listNamingAnotherUploadIsRefusedWithoutReadingIt() throws Exception {
    // Uploads wait side by side under names of the server's choosing; a list must not turn one into another's title.
    TitleFixture.pattern(dir, "someone-else.source", "320x180", "30", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast", "-f", "mp4");
    Path list = Files.writeString(dir.resolve("mine.source"), "ffconcat version 1.0\nfile someone-else.source\n");
    assertRejected(list, "is an ffconcat list of other files");
  }

  @Test
  void playlistNamingOtherFilesIsRefused() throws Exception {
    Path segment = TitleFixture.pattern(dir, "segment.ts", "320x180", "30", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path playlist = Files.writeString(dir.resolve("index.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
        + "#EXTINF:2,\n" + segment + "\n#EXT-X-ENDLIST\n");
    assertRejected(playlist, "is an HLS playlist, which names other files");
  }

  @Test
  void pictureWiderThanH264EncodesIsRefusedNamingItsAspect() {
    // A wrong aspect tag (100:1) stretches 320x240 to 32,000 pixels wide as displayed: x264 would refuse every rung.
    Path stretched = TitleFixture.pattern(dir, "stretched.mp4", "320x240", "25", 1, false, "-vf", "setsar=100/1",
        "-c:v", "libx264", "-preset", "ultrafast");
    assertRejected(stretched, "shows a 32000x240 picture (320x240 samples at aspect ratio 100:1), more than the"
        + " 16384 pixels a side H.264 encodes; if its sample aspect ratio is wrong, re-mux it");
  }

  @Test
  void pictureLargerThanEightKByEightKIsRefusedBeforeDecoding() {
    // One black 8200x8200 JPEG frame: a few kilobytes that would decode to 100 MB a frame.
    Path huge = TitleFixture.generate(dir, "huge.mkv", "-f", "lavfi", "-i", "color=black:size=8200x8200:rate=1",
        "-frames:v", "1", "-c:v", "mjpeg");
    assertRejected(huge, "huge.mkv: its 8200x8200 picture (67.2 megapixels) is larger than the 67.1 megapixels"
        + " (8192x8192) taken from a source; scale it down first");
  }

  @Test
  void sourceLongerThanTwelveHoursIsRefusedBeforeEncoding() {
    // Two pictures thirteen hours apart: 1.5 kB that would be thirteen hours of video at every rung.
    Path stretched = TitleFixture.generate(dir, "two-pictures.mkv", "-f", "lavfi", "-i",
        "color=size=320x240:rate=1", "-frames:v", "2", "-vf", "setpts=N*13*3600/TB", "-fps_mode", "passthrough",
        "-c:v", "libx264", "-preset", "ultrafast");
    assertRejected(stretched, "two-pictures.mkv lasts 13:00:00, longer than the 12:00:00 this transcode takes; cut"
        + " it into parts, or raise maxSourceDuration (--max-source-hours)");
  }

  @Test
  void sourceRunningPastItsLimitWithoutStatingADurationFailsThere() {
    Path source = TitleFixture.pattern(dir, "recorded.webm", "320x180", "30", 3, true, "-c:v", "libvpx",
        "-deadline", "realtime", "-live", "1");
    assertThat(MediaProbe.probe(source).durationSeconds()).isZero();
    Path out = dir.resolve("title");
    assertThatThrownBy(() -> Transcoder.builder().input(source).output(out).ladder(Ladder.small())
        .preset("ultrafast").maxSourceDuration(Duration.ofSeconds(2)).build().run())
        .isInstanceOf(TranscodeException.class)
        .hasMessageEndingWith("recorded.webm runs past 0:00:02 (it states no duration), longer than this transcode"
            + " takes; cut it into parts, or raise maxSourceDuration (--max-source-hours)");
    assertThat(out).doesNotExist();
    TitleFixture.assertNoStaging(dir);
  }

  @Test
  void randomBytesAreNotMedia() throws Exception {
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    assertRejected(Files.write(dir.resolve("noise.bin"), noise), "not a readable media file");
  }

  @Test
  void truncatedFileIsRejected() throws Exception {
    Path whole = TitleFixture.pattern(dir, "whole.mp4", "320x180", "30", 3, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    byte[] bytes = Files.readAllBytes(whole);
    Path truncated = Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
    assertRejected(truncated, "not a readable media file");
  }

  @Test
  void fileWithNeitherVideoNorAudioIsRejectedNamingWhatWasFound() throws Exception {
    Path subtitlesOnly = Files.writeString(dir.resolve("captions.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHi\n");
    assertRejected(subtitlesOnly, "captions.srt has no video stream and no decodable audio stream"
        + " (found: subtitle subrip)");
  }

  @Test
  void nonEmptyOutputDirectoryIsNeverOverwritten() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path out = Files.createDirectory(dir.resolve("title"));
    Files.writeString(out.resolve("keep.txt"), "mine");
    assertThatThrownBy(() -> TitleFixture.transcode(source, out, SegmentFormat.FMP4, Ladder.small()))
        .isInstanceOf(TranscodeException.class).hasMessageContaining("already exists and is not empty");
    assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
  }

  @Test
  void cancellingMidwayLeavesNothingBehind() throws Exception {
    Path source = TitleFixture.pattern(dir, "long.mp4", "640x360", "30", 20, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");
    // The first progress report comes with the first decoded frame; the transcode waits there until another thread
    // has cancelled it, so it is stopped mid-way on any machine, however fast it encodes.
    CountDownLatch progressed = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    TranscodeJob job = Transcoder.builder().input(source).output(out).ladder(Ladder.small()).preset("ultrafast")
        .listener(p -> {
          if (p.percent() < 100) {
            progressed.countDown();
            try {
              cancelled.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }).build();
    CompletableFuture<TranscodeResult> running = CompletableFuture.supplyAsync(job::run);
    assertThat(progressed.await(60, TimeUnit.SECONDS)).isTrue();
    job.cancel();
    cancelled.countDown();
    assertThatThrownBy(() -> running.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class);
    assertThat(out).doesNotExist();
    TitleFixture.assertNoStaging(dir);
  }

  @Test
  void progressReachesOneHundredPercentWithSpeedAndFrameRate() {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 3, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    java.util.List<TranscodeProgress> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    TranscodeResult result = Transcoder.builder().input(source).output(dir.resolve("title")).ladder(Ladder.small())
        .preset("ultrafast").listener(reports::add).build().run();
    TranscodeProgress last = reports.get(reports.size() - 1);
    assertThat(last.percent()).isEqualTo(100);
    assertThat(last.framesPerSecond()).isPositive();
    assertThat(last.speed()).isPositive();
    assertThat(result.speed()).isPositive();
  }

  @Test
  void sourceWithoutADurationReportsProgressByTheShareRead() {
    // A browser's MediaRecorder writes WebM as it records: no duration in the header.
    Path source = TitleFixture.pattern(dir, "recorded.webm", "320x180", "30", 3, false, "-c:v", "libvpx",
        "-deadline", "realtime", "-live", "1");
    assertThat(MediaProbe.probe(source).durationSeconds()).isZero();
    java.util.List<TranscodeProgress> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    Transcoder.builder().input(source).output(dir.resolve("title")).ladder(Ladder.small()).preset("ultrafast")
        .listener(reports::add).build().run();
    assertThat(reports).extracting(TranscodeProgress::percent).anyMatch(p -> p > 0 && p < 100).last()
        .isEqualTo(100.0);
  }

  @Test
  void builderNamesTheBadPropertyAndItsLimit() {
    assertThatThrownBy(() -> Transcoder.builder().segmentSeconds(1))
        .hasMessageContaining("segmentSeconds must be between 2 and 30, got 1");
    assertThatThrownBy(() -> Transcoder.builder().preset("warp"))
        .hasMessageContaining("preset must be one of");
    assertThatThrownBy(() -> Transcoder.builder().maxSourceDuration(Duration.ZERO))
        .hasMessageContaining("maxSourceDuration must be positive, got PT0S");
    assertThatThrownBy(() -> Transcoder.builder().output(dir).build())
        .hasMessageContaining("input is not set");
  }
}
