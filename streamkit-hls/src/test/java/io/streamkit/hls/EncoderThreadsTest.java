package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.SourceVideo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ladder shares the machine's cores among its encoders by pixel rate instead of every encoder starting threads
 * for all cores, and the encoders run with what they were given (x264 writes its settings into the stream).
 */
class EncoderThreadsTest {

  private static final List<PlannedRendition> APPLE_1080P30 = LadderPlanner.plan(Ladder.apple(),
      new SourceVideo(1920, 1080, new FrameRate(30, 1), 8_000_000));

  @Test
  void onTwoCoresTheTopRungGetsTwoThreadsAndEveryOtherRungOne() {
    assertThat(EncoderThreads.forLadder(APPLE_1080P30, 2)).containsExactly(2, 1, 1, 1, 1, 1);
  }

  @Test
  void onMoreCoresTheLargestRungsGetTheMost() {
    assertThat(APPLE_1080P30).extracting(PlannedRendition::name)
        .containsExactly("1080p", "720p", "540p", "432p", "360p", "234p");
    assertThat(EncoderThreads.forLadder(APPLE_1080P30, 4)).containsExactly(3, 2, 1, 1, 1, 1);
    assertThat(EncoderThreads.forLadder(APPLE_1080P30, 16)).containsExactly(10, 5, 3, 2, 2, 1);
  }

  /**
   * The decoder gets its share of the cores as a rung does: one thread for a 1080p source on up to four cores, where
   * FFmpeg would start five, and more for a 4K source, whose decoding is a larger share of the work.
   */
  @Test
  void theDecoderGetsItsShareOfTheCores() {
    double hd = 1920 * 1080 * 30.0;
    assertThat(IntStream.of(1, 2, 4, 8, 16).map(cores -> EncoderThreads.forDecoder(APPLE_1080P30, hd, cores))
        .toArray()).containsExactly(1, 1, 1, 2, 4);
    double uhd = 3840 * 2160 * 30.0;
    List<PlannedRendition> fromUhd = LadderPlanner.plan(Ladder.apple(),
        new SourceVideo(3840, 2160, new FrameRate(30, 1), 20_000_000));
    assertThat(IntStream.of(1, 2, 4, 8, 16).map(cores -> EncoderThreads.forDecoder(fromUhd, uhd, cores))
        .toArray()).containsExactly(1, 2, 3, 5, 9);
  }

  /**
   * The rungs advance together, so the transcode is as slow as its busiest encoder: no rung may have more work per
   * thread than the whole ladder has per core, with the headroom to spare, on any machine and for every preset.
   */
  @Test
  void noRungHasMoreWorkPerThreadThanTheLadderHasPerCore() {
    for (Ladder ladder : List.of(Ladder.apple(), Ladder.bench(), Ladder.small())) {
      List<PlannedRendition> plan = LadderPlanner.plan(ladder,
          new SourceVideo(1920, 1080, new FrameRate(30, 1), 8_000_000));
      double total = plan.stream().mapToDouble(EncoderThreads::pixelRate).sum();
      for (int cores = 1; cores <= 64; cores++) {
        int[] threads = EncoderThreads.forLadder(plan, cores);
        for (int i = 0; i < plan.size(); i++) {
          assertThat(EncoderThreads.pixelRate(plan.get(i)) / threads[i])
              .as("%s on %d cores, %s", ladder.name(), cores, plan.get(i).name())
              .isLessThanOrEqualTo(total / cores / EncoderThreads.HEADROOM * (1 + 1e-12));
        }
      }
    }
  }

  @Test
  void eachRenditionIsEncodedWithItsShare(@TempDir Path dir) throws Exception {
    Path source = TitleFixture.pattern(dir, "source.mp4", "640x360", "30", 2.0, false, "-c:v", "libx264",
        "-preset", "ultrafast");
    Path title = dir.resolve("title");
    Ladder ladder = Ladder.small();
    TitleFixture.transcode(source, title, SegmentFormat.FMP4, ladder);

    MediaInfo.Video video = MediaProbe.probe(source).video();
    List<PlannedRendition> plan = LadderPlanner.plan(ladder, new SourceVideo(video.displayWidth(),
        video.displayHeight(), new FrameRate(video.frameRateNum(), video.frameRateDen()), video.bitrate()));
    int[] expected = EncoderThreads.forLadder(plan, Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < plan.size(); i++) {
      assertThat(x264Threads(title.resolve(plan.get(i).name()))).as(plan.get(i).name()).isEqualTo(expected[i]);
    }
  }

  /** The {@code threads=} of the x264 settings that x264 writes into its first access unit (an SEI message). */
  private static int x264Threads(Path rendition) throws Exception {
    try (var segments = Files.list(rendition)) {
      Path first = segments.filter(p -> p.getFileName().toString().endsWith(".m4s")).sorted().findFirst()
          .orElseThrow();
      String bytes = new String(Files.readAllBytes(first), StandardCharsets.ISO_8859_1);
      Matcher threads = Pattern.compile("x264 - core .*? threads=(\\d+) ").matcher(bytes);
      assertThat(threads.find()).as("x264 settings in %s", first).isTrue();
      return Integer.parseInt(threads.group(1));
    }
  }
}
