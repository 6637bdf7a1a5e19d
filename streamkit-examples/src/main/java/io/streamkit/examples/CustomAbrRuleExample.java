package io.streamkit.examples;

import io.streamkit.abr.estimate.HarmonicMeanEstimator;
import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;
import io.streamkit.abr.sim.Algorithm;
import io.streamkit.abr.sim.NetworkTrace;
import io.streamkit.abr.sim.Qoe;
import io.streamkit.abr.sim.SessionResult;
import io.streamkit.abr.sim.Simulator;
import io.streamkit.abr.sim.TraceSet;
import io.streamkit.abr.sim.VideoModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Plugs a home-made bitrate rule into StreamKit's trace-driven simulator and compares it with two
 * built-in rules.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl streamkit-examples -am
 * java -cp streamkit-abr/target/classes:streamkit-examples/target/classes \
 *     io.streamkit.examples.CustomAbrRuleExample streamkit-abr/src/test/resources/pensieve
 * </pre>
 *
 * <p>With a directory holding {@code traces/} and {@code video_sizes/} (the Pensieve study's layout) it
 * plays those; without arguments it plays 20 generated traces over a generated video.
 */
public final class CustomAbrRuleExample {

  /**
   * The custom rule: the harmonic mean of recent throughput, trusted more as the buffer grows — with 4 s
   * buffered use half of it, from 20 s on all of it.
   */
  static final class BufferScaledThroughputRule implements AbrRule {
    private final HarmonicMeanEstimator estimator = new HarmonicMeanEstimator();

    @Override
    public int nextQuality(PlaybackState state) {
      estimator.sample(state.lastChunkBytes() * 8 / state.lastDownloadSeconds());
      double trust = Math.min(1.0, Math.max(0.5, state.bufferSeconds() / 20));
      double budgetKbps = estimator.harmonicMean() * trust / 1000;
      int quality = 0;
      for (int q = 1; q < state.qualityCount(); q++) {
        if (state.bitrateKbps(q) <= budgetKbps) {
          quality = q;
        }
      }
      return quality;
    }
  }

  /**
   * Plays the traces and prints one line per rule.
   *
   * @param args optionally a directory in the Pensieve study's layout ({@code traces/}, {@code video_sizes/});
   *     without one, generated traces and video
   */
  public static void main(String[] args) {
    run(args.length > 0 ? Path.of(args[0]) : null, System.out);
  }

  /** Plays every trace with each rule and prints the mean QoE_lin; returns the custom rule's. */
  static double run(Path studyDirectory, PrintStream out) {
    TraceSet traces;
    VideoModel video;
    if (studyDirectory != null) {
      traces = TraceSet.read(studyDirectory.resolve("traces"));
      video = VideoModel.readStudyLayout(studyDirectory.resolve("video_sizes"));
    } else {
      traces = generatedTraces();
      video = generatedVideo();
    }
    Simulator simulator = Simulator.study();
    double custom = report(out, "buffer-scaled (custom)", traces.play(simulator, video, BufferScaledThroughputRule::new));
    report(out, "bba", traces.play(simulator, video, Algorithm.BBA));
    report(out, "streamkit", traces.play(simulator, video, Algorithm.STREAMKIT));
    return custom;
  }

  private static double report(PrintStream out, String name, List<SessionResult> sessions) {
    TraceSet.Summary summary = TraceSet.summarise(sessions, Qoe.LIN);
    out.printf(Locale.ROOT, "%-24s mean QoE_lin %7.2f  mean bitrate %6.0f kbit/s  rebuffer %7.1f s  switches %d%n",
        name, summary.meanQoe(), summary.meanBitrateKbps(), summary.totalRebufferSeconds(), summary.switches());
    return summary.meanQoe();
  }

  private static TraceSet generatedTraces() {
    Random random = new Random(1);
    List<NetworkTrace> traces = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      double[] times = new double[400];
      double[] rates = new double[400];
      double rate = 0.5 + random.nextDouble() * 4;
      for (int i = 0; i < times.length; i++) {
        times[i] = i;
        rate = Math.min(8, Math.max(0.1, rate * Math.exp(random.nextGaussian() * 0.2)));
        rates[i] = rate;
      }
      traces.add(NetworkTrace.of("generated-" + t, times, rates));
    }
    return TraceSet.of(traces);
  }

  private static VideoModel generatedVideo() {
    int[] kbps = VideoModel.studyLadderKbps();
    long[][] sizes = new long[kbps.length][49];
    Random random = new Random(2);
    for (int c = 0; c < 49; c++) {
      double complexity = 0.8 + 0.4 * random.nextDouble();
      for (int q = 0; q < kbps.length; q++) {
        sizes[q][c] = (long) (kbps[q] * 1000L / 8 * VideoModel.STUDY_CHUNK_SECONDS * complexity);
      }
    }
    return VideoModel.of(kbps, sizes, VideoModel.STUDY_CHUNK_SECONDS);
  }

  private CustomAbrRuleExample() {}
}
