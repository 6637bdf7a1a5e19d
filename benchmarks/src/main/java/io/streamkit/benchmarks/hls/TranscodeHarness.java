package io.streamkit.benchmarks.hls;

import com.sun.management.OperatingSystemMXBean;
import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.SourceVideo;
import io.streamkit.hls.MediaInfo;
import io.streamkit.hls.MediaProbe;
import io.streamkit.hls.SegmentFormat;
import io.streamkit.hls.TranscodeResult;
import io.streamkit.hls.Transcoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Macro harness behind {@code benchmarks/transcode-vs-ffmpeg.sh}; it is not a JMH benchmark because one transcode
 * takes tens of seconds and its cost is the encoders, not the JVM.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.hls.TranscodeHarness ffmpeg-path
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.hls.TranscodeHarness plan SOURCE LADDER
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.hls.TranscodeHarness repeat SOURCE LADDER N [release]
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.hls.TranscodeHarness embedded
 * </pre>
 *
 * {@code plan} prints the renditions StreamKit will encode ({@code name width height fps bitrate maxrate}) so the
 * ffmpeg command lines in the script use exactly the same sizes, rates and bitrates. {@code repeat} runs N transcodes
 * in this JVM and prints resident set size and heap after each, to show that native and heap memory do not grow; with
 * {@code release} it calls {@link Transcoder#releaseNativeMemory()} after each, as an idle ingest worker does.
 * {@code embedded} reads {@code SOURCE OUT LADDER} lines from its standard input and transcodes each in this JVM, as
 * an application that embeds the library (or the origin's ingest workers) does, with the options the script gives the
 * CLI (6 s fMP4 segments), printing {@code wall cpu peak_rss} for each: seconds of wall time, seconds of CPU time of
 * the whole process (every thread, the JIT compiler's included) during the transcode, and the process's peak
 * resident set size so far in MB.
 */
public final class TranscodeHarness {

  private TranscodeHarness() {}

  public static void main(String[] args) throws IOException {
    switch (args.length == 0 ? "" : args[0]) {
      case "ffmpeg-path" -> System.out.println(org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
      case "plan" -> plan(Path.of(args[1]), Ladder.named(args[2]));
      case "repeat" -> repeat(Path.of(args[1]), Ladder.named(args[2]), Integer.parseInt(args[3]),
          args.length > 4 && args[4].equals("release"));
      case "embedded" -> embedded();
      default -> {
        System.err.println("usage: TranscodeHarness ffmpeg-path | plan SOURCE LADDER"
            + " | repeat SOURCE LADDER N [release] | embedded");
        System.exit(2);
      }
    }
  }

  private static void plan(Path source, Ladder ladder) {
    MediaInfo.Video video = MediaProbe.probe(source).video();
    SourceVideo sourceVideo = new SourceVideo(video.displayWidth(), video.displayHeight(),
        new FrameRate(video.frameRateNum(), video.frameRateDen()), video.bitrate());
    for (PlannedRendition r : LadderPlanner.plan(ladder, sourceVideo)) {
      System.out.printf(Locale.ROOT, "%s %d %d %s %d %d%n", r.name(), r.width(), r.height(), r.frameRate(),
          r.videoBitrate(), r.maxVideoBitrate());
    }
  }

  private static void repeat(Path source, Ladder ladder, int runs, boolean release) throws IOException {
    Path work = Files.createTempDirectory("streamkit-repeat");
    System.out.printf(Locale.ROOT, "run wall_s rss_mb heap_mb%n");
    System.out.printf(Locale.ROOT, "0 - %.1f %.1f%n", rssMegabytes(), heapMegabytes());
    for (int i = 1; i <= runs; i++) {
      Path out = work.resolve("title-" + i);
      TranscodeResult result = Transcoder.builder().input(source).output(out).ladder(ladder).build().run();
      delete(out);
      if (release) {
        Transcoder.releaseNativeMemory();
      }
      System.out.printf(Locale.ROOT, "%d %.2f %.1f %.1f%n", i, result.wallSeconds(), rssMegabytes(),
          heapMegabytes());
    }
    delete(work);
  }

  private static void embedded() throws IOException {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      String[] words = line.trim().split("\\s+");
      if (words.length != 3) {
        throw new IllegalArgumentException("embedded: expected 'SOURCE OUT LADDER', got '" + line + "'");
      }
      long cpuBefore = os.getProcessCpuTime();
      long start = System.nanoTime();
      Transcoder.builder().input(Path.of(words[0])).output(Path.of(words[1])).ladder(Ladder.named(words[2]))
          .format(SegmentFormat.FMP4).segmentSeconds(6).build().run();
      double wall = (System.nanoTime() - start) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
      System.out.printf(Locale.ROOT, "%.2f %.2f %.0f%n", wall, cpu, statusMegabytes("VmHWM:"));
      System.out.flush();
    }
  }

  private static double heapMegabytes() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return (runtime.totalMemory() - runtime.freeMemory()) / 1048576.0;
  }

  private static double rssMegabytes() throws IOException {
    return statusMegabytes("VmRSS:");
  }

  /** {@return the figure of /proc/self/status's line starting with {@code key}, in MB} */
  private static double statusMegabytes(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  private static void delete(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
