package io.streamkit.benchmarks.abr;

import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;
import io.streamkit.abr.rule.mpc.RobustMpcRule;
import io.streamkit.abr.sim.NetworkTrace;
import io.streamkit.abr.sim.Simulator;
import io.streamkit.abr.sim.VideoModel;
import java.util.Random;

/**
 * Realistic decision inputs without shared data: a seeded random-walk network (0.2 to 6 Mbit/s)
 * played once with RobustMPC over a synthetic VBR video on the study's ladder, recording the state
 * before every decision. Benchmarks replay these states in a loop.
 */
final class RecordedStates implements PlaybackState {

  static final int CHUNKS = 48;
  private static final int[] KBPS = VideoModel.studyLadderKbps();

  private final long[][] sizes;
  private final double[] buffer = new double[CHUNKS];
  private final int[] lastQuality = new int[CHUNKS];
  private final long[] lastBytes = new long[CHUNKS];
  private final double[] lastDownload = new double[CHUNKS];
  private int decisions;
  private int cursor;

  RecordedStates(long seed) {
    Random random = new Random(seed);
    sizes = new long[KBPS.length][CHUNKS + 1];
    for (int c = 0; c <= CHUNKS; c++) {
      double complexity = 0.7 + 0.6 * random.nextDouble();
      for (int q = 0; q < KBPS.length; q++) {
        sizes[q][c] = (long) (KBPS[q] * 1000L / 8 * 4 * complexity);
      }
    }
    double[] times = new double[600];
    double[] rates = new double[600];
    double rate = 2.0;
    for (int i = 0; i < times.length; i++) {
      times[i] = i;
      rate = Math.min(6, Math.max(0.2, rate * Math.exp(random.nextGaussian() * 0.25)));
      rates[i] = rate;
    }
    VideoModel video = VideoModel.of(KBPS, sizes, 4);
    AbrRule recorder = new RobustMpcRule();
    Simulator.study().run(NetworkTrace.of("random-walk", times, rates), video, () -> state -> {
      buffer[decisions] = state.bufferSeconds();
      lastQuality[decisions] = state.lastQuality();
      lastBytes[decisions] = state.lastChunkBytes();
      lastDownload[decisions] = state.lastDownloadSeconds();
      decisions++;
      return recorder.nextQuality(state);
    });
  }

  /** Moves to the next recorded decision, wrapping around, and returns this view of it. */
  PlaybackState next() {
    cursor = cursor + 1 == decisions ? 0 : cursor + 1;
    return this;
  }

  @Override public double bufferSeconds() { return buffer[cursor]; }
  @Override public int lastQuality() { return lastQuality[cursor]; }
  @Override public int nextChunk() { return cursor + 1; }
  @Override public int chunkCount() { return CHUNKS; }
  @Override public int qualityCount() { return KBPS.length; }
  @Override public int bitrateKbps(int quality) { return KBPS[quality]; }
  @Override public long chunkBytes(int quality, int chunk) { return sizes[quality][chunk]; }
  @Override public double chunkSeconds() { return 4; }
  @Override public long lastChunkBytes() { return lastBytes[cursor]; }
  @Override public double lastDownloadSeconds() { return lastDownload[cursor]; }
  @Override public double lastLatencySeconds() { return 0.08; }
}
