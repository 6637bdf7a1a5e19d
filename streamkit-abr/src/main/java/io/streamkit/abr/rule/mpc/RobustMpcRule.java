package io.streamkit.abr.rule.mpc;

import io.streamkit.abr.estimate.HarmonicMeanEstimator;
import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;

/**
 * RobustMPC (Yin, Jindal, Sekar, Sinopoli, "A Control-Theoretic Approach for Dynamic Adaptive Video
 * Streaming over HTTP", SIGCOMM 2015, sections 4–5): predict throughput as the harmonic mean of the
 * last five chunks divided by {@code 1 +} the largest relative prediction error of the last five
 * chunks, then choose the quality sequence over the next five chunks that maximises QoE_lin
 * (equation 5, μ = 4.3) against that prediction, and play its first element.
 *
 * <p>Semantics are those of the corrected reference: history fresh per session, the look-ahead uses
 * the sizes of the chunks actually being chosen (chunk {@code k..k+4}, not {@code k+1..k+5}), the
 * horizon shrinks to the chunks left, and ties go to the sequence last in lexicographic order. The
 * optimisation is {@link LookaheadSearch}'s exact branch and bound rather than 6⁵ enumeration.
 */
public final class RobustMpcRule implements AbrRule {

  /** The paper's horizon: five chunks. */
  public static final int HORIZON = 5;
  /** QoE_lin's rebuffering penalty per second. */
  public static final double REBUFFER_PENALTY = 4.3;
  /** A download reported as instant (a cache hit) counts as 1 ms, keeping the throughput sample finite. */
  private static final double MIN_DOWNLOAD_SECONDS = 0.001;

  private final HarmonicMeanEstimator estimator = new HarmonicMeanEstimator(HarmonicMeanEstimator.DEFAULT_WINDOW);
  private LookaheadSearch search;

  @Override
  public int nextQuality(PlaybackState state) {
    // Megabytes per second including the request's round trip, as the reference measures it.
    double downloadMs = Math.max(state.lastDownloadSeconds(), MIN_DOWNLOAD_SECONDS) * 1000;
    estimator.sample(state.lastChunkBytes() / downloadMs / 1000);
    double predictedMegabytesPerSecond = estimator.robustEstimate();
    if (search == null) {
      search = LookaheadSearch.forLadderOf(state, HORIZON);
    }
    LookaheadSearch s = search;
    int next = state.nextChunk();
    int horizon = Math.min(HORIZON, state.chunkCount() - next);
    int qualities = state.qualityCount();
    for (int j = 0; j < horizon; j++) {
      for (int q = 0; q < qualities; q++) {
        s.downloadSeconds(j, q, state.chunkBytes(q, next + j) / 1000000.0 / predictedMegabytesPerSecond);
      }
    }
    return s.best(horizon, state.bufferSeconds(), state.lastQuality(), REBUFFER_PENALTY, 0, 0);
  }
}
