package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transcode stopped at any moment — by {@link TranscodeJob#cancel()}, by interrupting the thread running it, or
 * both, as a server shutting down does — stops and joins every encoder thread before any native FFmpeg state is freed.
 *
 * <p>A native use-after-free is a SIGSEGV that kills the test JVM rather than failing an assertion: surefire then
 * reports that its fork crashed (and the JVM leaves an {@code hs_err_pid*.log} in the module directory), so a crash
 * here shows as a failed build.
 */
class CancellationStressTest {

  private static final int ROUNDS = 60;
  private static final String ENCODER_THREAD = "streamkit-encode-";

  @TempDir Path dir;

  private enum Stop { CANCEL, CANCEL_AND_INTERRUPT, INTERRUPT, INTERRUPTED_BEFORE_RUN }

  private record Outcome(Object value, boolean interruptedAfter) {}

  @Test
  void stoppingATranscodeAtRandomMomentsNeverCrashesAndLeavesNothingBehind() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 3, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    TitleFixture.transcode(source, dir.resolve("warm-up"), SegmentFormat.TS, Ladder.small());
    long started = System.nanoTime();
    TitleFixture.transcode(source, dir.resolve("whole"), SegmentFormat.TS, Ladder.small());
    long wholeRunMicros = Math.max(1000, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started));

    long seed = System.nanoTime();
    Random random = new Random(seed);
    int cancelled = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Stop stop = Stop.values()[round % Stop.values().length];
      SegmentFormat format = round % 2 == 0 ? SegmentFormat.FMP4 : SegmentFormat.TS;
      long delayMicros = (long) (random.nextDouble() * wholeRunMicros);
      String context = "round " + round + " (seed " + seed + "): " + stop + " after " + delayMicros + " us, " + format;
      Path out = dir.resolve("title-" + round);

      Outcome outcome = runAndStop(source, out, format, stop, delayMicros);

      assertThat(encoderThreads()).as("encoder threads alive after run() returned, " + context).isEmpty();
      if (outcome.value() instanceof TranscodeResult result) {
        assertThat(stop).as(context).isNotEqualTo(Stop.INTERRUPTED_BEFORE_RUN);
        assertThat(Path.of(result.masterPlaylist())).as("a completed run publishes, " + context).exists();
      } else {
        assertThat(outcome.value()).as(context).isInstanceOf(CancellationException.class);
        assertThat(out).as("a stopped run publishes nothing, " + context).doesNotExist();
        if (stop == Stop.INTERRUPT || stop == Stop.INTERRUPTED_BEFORE_RUN) {
          assertThat(outcome.interruptedAfter()).as("the caller's interrupt status is kept, " + context).isTrue();
        }
        cancelled++;
      }
      TitleFixture.assertNoStaging(dir);
    }
    System.out.printf("%d of %d transcodes stopped mid-way, %d finished first (seed %d, whole run %d us)%n",
        cancelled, ROUNDS, ROUNDS - cancelled, seed, wholeRunMicros);
    assertThat(cancelled).as("runs stopped before they finished").isGreaterThan(ROUNDS / 3);
  }

  /** Runs the job on a fresh thread and stops it {@code delayMicros} after it began, the way {@code stop} says. */
  private static Outcome runAndStop(Path source, Path out, SegmentFormat format, Stop stop, long delayMicros)
      throws InterruptedException {
    TranscodeJob job = Transcoder.builder().input(source).output(out).format(format).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(TitleFixture.SEGMENT_SECONDS).build();
    AtomicReference<Object> value = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread runner = new Thread(() -> {
      if (stop == Stop.INTERRUPTED_BEFORE_RUN) {
        Thread.currentThread().interrupt();
      }
      try {
        value.set(job.run());
      } catch (RuntimeException e) {
        value.set(e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    }, "transcode-under-test");
    runner.start();
    TimeUnit.MICROSECONDS.sleep(delayMicros);
    if (stop == Stop.CANCEL || stop == Stop.CANCEL_AND_INTERRUPT) {
      job.cancel();
    }
    if (stop == Stop.CANCEL_AND_INTERRUPT || stop == Stop.INTERRUPT) {
      runner.interrupt();
    }
    runner.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(runner.isAlive()).as("transcode still running 60 s after it was stopped").isFalse();
    return new Outcome(value.get(), interruptedAfter.get());
  }

  private static List<String> encoderThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.startsWith(ENCODER_THREAD)).toList();
  }
}
