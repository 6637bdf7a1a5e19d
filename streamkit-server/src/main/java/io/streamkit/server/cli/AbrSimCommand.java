package io.streamkit.server.cli;

import io.streamkit.abr.sim.Algorithm;
import io.streamkit.abr.sim.LteTraces;
import io.streamkit.abr.sim.Qoe;
import io.streamkit.abr.sim.SessionResult;
import io.streamkit.abr.sim.Simulator;
import io.streamkit.abr.sim.TraceSet;
import io.streamkit.abr.sim.VideoModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamkit abr-sim}: plays one session per network trace with a bitrate rule and reports the
 * study's QoE. Writes one log per trace in the study's format to {@code --out}.
 */
@Command(
    name = "abr-sim",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate adaptive bitrate streaming over recorded network traces and report QoE.",
      "Summary: mean QoE over chunks 2..n, mean bitrate, total rebuffering, switches."
    })
final class AbrSimCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--traces", paramLabel = "DIR", description = "Directory of traces, one"
      + " 'time_s<TAB>Mbit/s' file each; the Pensieve study's are in the source tree under"
      + " streamkit-abr/src/test/resources/pensieve/traces.")
  Path traces;

  @Option(names = "--lte-seed", paramLabel = "SEED", description = "Instead of --traces: the outage family, "
      + LteTraces.DEFAULT_COUNT + " generated LTE-like traces (correlated log-normal throughput, bursts, outages of "
      + LteTraces.MIN_OUTAGE_SECONDS + " to " + LteTraces.MAX_OUTAGE_SECONDS + " s), the same for the same seed.")
  Long lteSeed;

  @Option(names = "--video-sizes", required = true, paramLabel = "DIR", description = "Directory holding"
      + " video_size_0 .. video_size_5 (bytes per chunk, one per line), e.g. .../pensieve/video_sizes.")
  Path videoSizes;

  @Option(names = "--algorithm", required = true, paramLabel = "NAME",
      description = "throughput, bba, bola, dynamic, robustmpc or streamkit.")
  String algorithm;

  @Option(names = "--qoe", defaultValue = "lin", paramLabel = "lin|log|hd",
      description = "QoE metric of the logs and summary (default: ${DEFAULT-VALUE}).")
  String qoe;

  @Option(names = "--chunks", paramLabel = "N", defaultValue = "" + Simulator.DEFAULT_CHUNKS, description = "Chunks "
      + "per session (default: ${DEFAULT-VALUE}, the study's); the video must have at least as many.")
  int chunks;

  @Option(names = "--buffer-cap", paramLabel = "SECONDS", defaultValue = "" + Simulator.DEFAULT_BUFFER_CAP_SECONDS,
      description = "Forward buffer above which the player waits before the next download (default: "
          + "${DEFAULT-VALUE}, the study's); a web player's is its forward-buffer setting, e.g. hls.js's "
          + "maxBufferLength.")
  double bufferCap;

  @Option(names = "--out", paramLabel = "DIR", description = "Write one log per trace here: time_s bitrate_kbps"
      + " buffer_s rebuffer_s chunk_bytes download_ms reward.")
  Path out;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    Algorithm rule = Algorithm.fromName(algorithm);
    Qoe metric = Qoe.fromName(qoe);
    VideoModel video = VideoModel.readStudyLayout(videoSizes);
    if (chunks < 2) {
      throw new IllegalArgumentException("--chunks must be at least 2 (QoE is scored over chunks 2..n), got " + chunks);
    }
    if (!(bufferCap >= 1)) {
      throw new IllegalArgumentException("--buffer-cap must be at least 1 second, got " + bufferCap);
    }
    Simulator simulator = Simulator.builder().chunks(chunks).bufferCapSeconds(bufferCap).build();
    if (video.chunkCount() < simulator.chunks()) {
      throw new IllegalArgumentException(
          videoSizes.resolve("video_size_0") + ":" + (video.chunkCount() + 1) + ": the video has "
              + video.chunkCount() + " chunks but a session plays " + simulator.chunks() + "; list at least "
              + simulator.chunks() + " sizes per rung");
    }
    if ((traces == null) == (lteSeed == null)) {
      throw new IllegalArgumentException("give either --traces DIR (recorded traces) or --lte-seed SEED (generated "
          + "LTE-like traces), not " + (traces == null ? "neither" : "both"));
    }
    TraceSet set = traces != null ? TraceSet.read(traces) : LteTraces.generate(lteSeed, LteTraces.DEFAULT_COUNT);
    List<SessionResult> sessions = set.play(simulator, video, rule);
    if (out != null) {
      writeLogs(sessions, metric);
    }
    TraceSet.Summary summary = TraceSet.summarise(sessions, metric);
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(
          String.format(
              Locale.ROOT,
              "{\"algorithm\":\"%s\",\"qoe\":\"%s\",\"traces\":%d,\"meanQoe\":%.4f,\"meanBitrateKbps\":%.1f,"
                  + "\"totalRebufferSeconds\":%.3f,\"switches\":%d}",
              rule.cliName(), metric.name().toLowerCase(Locale.ROOT), summary.sessions(), summary.meanQoe(),
              summary.meanBitrateKbps(), summary.totalRebufferSeconds(), summary.switches()));
    } else {
      stdout.printf(Locale.ROOT, "algorithm        %s%n", rule.cliName());
      stdout.printf(Locale.ROOT, "traces           %d%n", summary.sessions());
      stdout.printf(Locale.ROOT, "mean QoE_%-7s %.4f (chunks 2..%d)%n", metric.name().toLowerCase(Locale.ROOT),
          summary.meanQoe(), simulator.chunks());
      stdout.printf(Locale.ROOT, "mean bitrate     %.1f kbit/s%n", summary.meanBitrateKbps());
      stdout.printf(Locale.ROOT, "total rebuffer   %.3f s%n", summary.totalRebufferSeconds());
      stdout.printf(Locale.ROOT, "switches         %d%n", summary.switches());
    }
    stdout.flush();
    return 0;
  }

  private void writeLogs(List<SessionResult> sessions, Qoe metric) {
    try {
      Files.createDirectories(out);
      for (SessionResult session : sessions) {
        try (Writer writer = Files.newBufferedWriter(out.resolve(session.traceName()), StandardCharsets.UTF_8)) {
          session.writeLog(writer, metric);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write session logs to " + out + ": " + e.getMessage(), e);
    }
  }
}
