package io.streamkit.benchmarks.live;

import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.hls.live.LiveRendition;
import io.streamkit.hls.live.LiveSink;
import io.streamkit.hls.live.LiveStats;
import io.streamkit.hls.live.LiveTranscode;
import io.streamkit.hls.live.LiveTranscoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Harness behind {@code benchmarks/live-capacity.sh}: how much live encoding this machine does in real time, with
 * the live transcoder's defaults (ladder {@code apple}, preset {@value LiveTranscoder#DEFAULT_PRESET}, 2 s segments
 * of 0.5 s parts) into a sink that counts the chunks and drops them.
 *
 * <ol>
 *   <li>One 1080p30 input (6 Mbit/s H.264, AAC, GOP 2 s, {@link TestSignal}) read as fast as the transcoder takes
 *       it: media seconds per wall second, the capacity bound.
 *   <li>The same input at real-time pace ({@link PacedFlv}): the transcoder's own encoder speed (media seconds per
 *       second of work, {@link LiveStats#encoderSpeed()}, sampled every second once two segments are out), CPU
 *       seconds of this process per media second, headroom (speed − 1), dropped frames and renditions; then the
 *       same for a 1080p30 and a 720p30 HDR input (HLG, HEVC 10-bit), which the transcoder converts to BT.709 SDR
 *       before its rungs scale.
 *   <li>N = 1, 2, … concurrent 720p30 inputs (3 Mbit/s), each paced and transcoded on its own thread, until a run
 *       drops a frame or a rendition or a stream's mean speed falls below 1.0; the largest N that did neither is the
 *       machine's live capacity at 720p.
 * </ol>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.live.LiveCapacityBenchmark [seconds=60] [maxStreams=4]
 * </pre>
 *
 * Prints a Markdown report on stdout, progress on stderr.
 */
public final class LiveCapacityBenchmark {

  /** Speed samples before two segments are out are the encoder's start-up, not its steady state. */
  private static final long WARM_UP_SEGMENTS = 2;

  private LiveCapacityBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int maxStreams = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path work = Files.createTempDirectory("streamkit-live-capacity");
    try {
      log("making %d s test signals (1080p30 6 Mbit/s, 720p30 3 Mbit/s)", seconds);
      byte[] hd = Files.readAllBytes(TestSignal.flv(work.resolve("1080p.flv"), seconds, 1920, 1080, 6000));
      byte[] sd = Files.readAllBytes(TestSignal.flv(work.resolve("720p.flv"), seconds, 1280, 720, 3000));
      System.out.printf(Locale.ROOT, "Live transcoder capacity: ladder apple, preset %s, %d s inputs, %d cores, "
          + "Java %s%n%n", LiveTranscoder.DEFAULT_PRESET, seconds, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));

      log("1080p30 as fast as possible");
      Run unpaced = Run.of(List.of(hd), false);
      System.out.printf(Locale.ROOT, "1080p30 read as fast as it is taken: %.1f s of media in %.1f s, %.2f× real "
          + "time, %.2f CPU s per media s (load average before %s, after %s); renditions %s; dropped frames %d, "
          + "dropped renditions %s (the transcoder degrades whenever its work falls behind the media it is given, "
          + "paced or not)%n%n",
          unpaced.mediaSeconds(), unpaced.wallSeconds, unpaced.mediaSeconds() / unpaced.wallSeconds,
          unpaced.cpuSeconds / unpaced.mediaSeconds(), unpaced.loadBefore, unpaced.loadAfter,
          unpaced.streams.get(0).renditions(), unpaced.droppedFrames(),
          unpaced.droppedRenditions().isEmpty() ? "none" : unpaced.droppedRenditions());

      System.out.println("| input | streams | speed mean (min stream) | speed min sample | headroom | CPU s per media s "
          + "(all streams) | dropped frames | dropped renditions | load avg before → after | verdict |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      log("1080p30 at real-time pace");
      Run paced = Run.of(List.of(hd), true);
      paced.print("1080p30");
      for (int height : new int[] {1080, 720}) {
        log("%dp30 HLG at real-time pace", height);
        Path hlg = TestSignal.flv(work.resolve(height + "p-hlg.flv"), seconds, height * 16 / 9, height,
            height == 1080 ? 6000 : 3000, true);
        Run.of(List.of(Files.readAllBytes(hlg)), true).print(height + "p30 HLG (HEVC 10-bit)");
      }
      int capacity = 0;
      for (int n = 1; n <= maxStreams; n++) {
        log("%d × 720p30 at real-time pace", n);
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          inputs.add(sd);
        }
        Run run = Run.of(inputs, true);
        run.print("720p30");
        if (!run.keptUp()) {
          break;
        }
        capacity = n;
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "Largest number of concurrent 720p30 inputs kept in real time with nothing "
          + "dropped: %d%s%n", capacity, capacity == maxStreams ? " (the most tried; raise maxStreams)" : "");
    } finally {
      try (var files = Files.list(work)) {
        for (Path file : files.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(work);
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[live-capacity] " + format + "%n", args);
  }

  /** One transcode of one input and what was seen of it. */
  private static final class Stream implements LiveSink {
    final LiveTranscode transcode;
    final PacedFlv input;
    final List<Double> speeds = new CopyOnWriteArrayList<>();
    final List<String> dropped = new CopyOnWriteArrayList<>();
    final AtomicLong parts = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    volatile List<LiveRendition> started = List.of();
    volatile Throwable failure;

    Stream(byte[] flv, boolean paced, int index) {
      input = new PacedFlv(flv, paced);
      transcode = LiveTranscoder.builder().input(input).sink(this).name("bench-" + index).build();
    }

    void sample() {
      LiveStats stats = transcode.stats();
      if (stats.segments() >= WARM_UP_SEGMENTS && stats.encoderSpeed() > 0) {
        speeds.add(stats.encoderSpeed());
      }
    }

    double meanSpeed() {
      return speeds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    double minSpeed() {
      return speeds.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    String renditions() {
      return transcode.renditions().stream().map(PlannedRendition::name).collect(Collectors.joining(", "));
    }

    @Override
    public void start(List<LiveRendition> renditions) {
      started = renditions;
    }

    @Override
    public void init(String rendition, byte[] initSegment) {
      bytes.addAndGet(initSegment.length);
    }

    @Override
    public void part(String rendition, byte[] chunk, double durationSeconds, boolean independent) {
      parts.incrementAndGet();
      bytes.addAndGet(chunk.length);
    }

    @Override
    public void segmentEnd(String rendition) {}

    @Override
    public void dropped(String rendition) {
      dropped.add(rendition);
    }

    @Override
    public void end() {}
  }

  /** Streams transcoded at once, one thread each, sampled every second. */
  private static final class Run {
    final List<Stream> streams = new ArrayList<>();
    double wallSeconds;
    double cpuSeconds;
    String loadBefore;
    String loadAfter;

    static Run of(List<byte[]> inputs, boolean paced) throws InterruptedException {
      Run run = new Run();
      for (int i = 0; i < inputs.size(); i++) {
        run.streams.add(new Stream(inputs.get(i), paced, i));
      }
      run.loadBefore = ProcessSample.loadAverage();
      double cpuStart = ProcessSample.ownCpuSeconds();
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (Stream stream : run.streams) {
        Thread thread = new Thread(() -> {
          try {
            stream.transcode.run();
          } catch (RuntimeException e) {
            stream.failure = e;
          }
        }, "live-bench-" + threads.size());
        thread.start();
        threads.add(thread);
      }
      while (threads.stream().anyMatch(Thread::isAlive)) {
        threads.get(0).join(1000);
        run.streams.forEach(Stream::sample);
      }
      run.wallSeconds = (System.nanoTime() - start) / 1e9;
      run.cpuSeconds = ProcessSample.ownCpuSeconds() - cpuStart;
      run.loadAfter = ProcessSample.loadAverage();
      for (Stream stream : run.streams) {
        if (stream.failure != null) {
          throw new IllegalStateException("live transcode failed: " + stream.failure.getMessage(), stream.failure);
        }
      }
      return run;
    }

    double mediaSeconds() {
      return streams.get(0).input.mediaSeconds();
    }

    long droppedFrames() {
      return streams.stream().mapToLong(s -> s.transcode.stats().droppedFrames()).sum();
    }

    List<String> droppedRenditions() {
      return streams.stream().flatMap(s -> s.dropped.stream()).toList();
    }

    Stream slowest() {
      return streams.stream().min(Comparator.comparingDouble(Stream::meanSpeed)).orElseThrow();
    }

    boolean keptUp() {
      return droppedFrames() == 0 && droppedRenditions().isEmpty() && slowest().meanSpeed() >= 1.0;
    }

    void print(String input) {
      Stream slowest = slowest();
      double minSample = streams.stream().mapToDouble(Stream::minSpeed).min().orElse(0);
      System.out.printf(Locale.ROOT, "| %s (%s) | %d | %.2f | %.2f | %+.2f | %.2f | %d | %s | %s → %s | %s |%n",
          input, slowest.renditions(), streams.size(), slowest.meanSpeed(), minSample, slowest.meanSpeed() - 1,
          cpuSeconds / mediaSeconds(), droppedFrames(), droppedRenditions().isEmpty() ? "none" : droppedRenditions(),
          loadBefore, loadAfter, keptUp() ? "real time" : "behind");
    }
  }
}
