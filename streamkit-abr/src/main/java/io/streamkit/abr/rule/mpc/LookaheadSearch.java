package io.streamkit.abr.rule.mpc;

import io.streamkit.abr.rule.PlaybackState;

/**
 * Exact search for the best quality sequence over a short horizon, the optimisation at the heart of
 * model predictive control for ABR (Yin et al., SIGCOMM 2015, section 4, problem QOE_MAX_STEADY).
 *
 * <p>The objective of a sequence {@code q_0..q_{H-1}} starting from buffer {@code B} and last quality
 * {@code p} is {@code Σ r(q_j)/1000 − μ·Σ rebuffer_j − Σ|r(q_j) − r(q_{j−1})|/1000 + terminal(B_H)},
 * where chunk {@code j} takes {@code dt[j][q_j]} seconds: {@code rebuffer_j = max(dt − B_j, 0)},
 * {@code B_{j+1} = max(B_j − dt, 0) + chunk}. Among sequences with the best objective the one last in
 * lexicographic order wins, which is what a plain {@code >=} scan over {@code itertools.product} in
 * the reference implementation selects. A score is computed as the reference computes it, {@code
 * bitrateSum/1000 − μ·rebuffer − switchSum/1000} with integer kbit/s sums, because which of two
 * plans that tie in exact arithmetic wins is then decided by the last bit of that expression: the
 * reference's per-trace results depend on it.
 *
 * <p>Instead of scoring all {@code n^H} sequences (7 776 for six rungs and five chunks), the search is
 * a depth-first branch and bound. A subtree is cut when an optimistic bound on anything below it is
 * worse than the best sequence found by more than {@link #PRUNE_MARGIN}: the bound lets each remaining
 * chunk take its best rung independently, gives it the largest buffer it could possibly have (every
 * earlier remaining chunk at its fastest download), credits the terminal value of that largest
 * buffer, and charges no switches. Because the margin is far
 * above floating-point noise and only strictly worse subtrees are cut, the answer, tie-breaking
 * included, is exactly that of full enumeration. An incumbent from constant sequences makes cuts start
 * at once. All arrays are allocated once; a search allocates nothing.
 */
final class LookaheadSearch {

  /** Subtrees are cut only when their bound is this much below the best score (floating-point slack). */
  static final double PRUNE_MARGIN = 1e-9;

  private final int maxHorizon;
  private final int qualities;
  private final int[] kbps;
  private final double[] megabits;
  private final double chunkSeconds;
  private final double[] dt;
  private final double[] fastest;
  private final int[] sequence;
  private final double[] bufferAt;
  private final double[] rebufferAt;
  private final int[] bitrateSumAt;
  private final int[] switchSumAt;

  private double rebufferPenalty;
  private double terminalWeight;
  private double terminalCap;
  private int horizon;
  private double bestScore;
  private int bestFirst;
  private int bestRank;

  LookaheadSearch(int maxHorizon, int[] bitratesKbps, double chunkSeconds) {
    this.maxHorizon = maxHorizon;
    this.qualities = bitratesKbps.length;
    this.kbps = bitratesKbps.clone();
    this.megabits = new double[qualities];
    for (int q = 0; q < qualities; q++) {
      megabits[q] = kbps[q] / 1000.0;
    }
    this.chunkSeconds = chunkSeconds;
    this.dt = new double[maxHorizon * qualities];
    this.fastest = new double[maxHorizon];
    this.sequence = new int[maxHorizon];
    this.bufferAt = new double[maxHorizon + 1];
    this.rebufferAt = new double[maxHorizon + 1];
    this.bitrateSumAt = new int[maxHorizon + 1];
    this.switchSumAt = new int[maxHorizon + 1];
  }

  /** A search over the ladder a playback state describes. */
  static LookaheadSearch forLadderOf(PlaybackState state, int maxHorizon) {
    int[] kbps = new int[state.qualityCount()];
    for (int q = 0; q < kbps.length; q++) {
      kbps[q] = state.bitrateKbps(q);
    }
    return new LookaheadSearch(maxHorizon, kbps, state.chunkSeconds());
  }

  int maxHorizon() {
    return maxHorizon;
  }

  /** Sets the download time of chunk {@code j} of the horizon at quality {@code q}, in seconds. */
  void downloadSeconds(int j, int q, double seconds) {
    dt[j * qualities + q] = seconds;
  }

  /**
   * Finds the first quality of the best sequence over the horizon; download times for chunks
   * {@code 0..horizon-1} must be set.
   *
   * @param terminalWeight value per second of buffer left at the horizon's end (0 for plain MPC)
   * @param terminalCap buffer beyond which leftover buffer earns nothing
   */
  int best(
      int horizon,
      double buffer,
      int lastQuality,
      double rebufferPenalty,
      double terminalWeight,
      double terminalCap) {
    this.horizon = horizon;
    this.rebufferPenalty = rebufferPenalty;
    this.terminalWeight = terminalWeight;
    this.terminalCap = terminalCap;
    for (int j = 0; j < horizon; j++) {
      double min = Double.POSITIVE_INFINITY;
      for (int q = 0; q < qualities; q++) {
        min = Math.min(min, dt[j * qualities + q]);
      }
      fastest[j] = min;
    }
    bestScore = Double.NEGATIVE_INFINITY;
    bestFirst = 0;
    bestRank = -1;
    for (int q = 0; q < qualities; q++) {
      scoreConstant(q, buffer, lastQuality);
    }
    bufferAt[0] = buffer;
    rebufferAt[0] = 0;
    bitrateSumAt[0] = 0;
    switchSumAt[0] = 0;
    sequence[0] = -1;
    int depth = 0;
    int previous = lastQuality;
    // Iterative depth-first walk in lexicographic order; sequence[depth] is the rung being tried there.
    while (depth >= 0) {
      int q = ++sequence[depth];
      if (q >= qualities) {
        depth--;
        continue;
      }
      int last = depth == 0 ? previous : sequence[depth - 1];
      double download = dt[depth * qualities + q];
      double b = bufferAt[depth];
      double rebuffer = rebufferAt[depth];
      if (b < download) {
        rebuffer += download - b;
        b = 0;
      } else {
        b -= download;
      }
      b += chunkSeconds;
      int bitrateSum = bitrateSumAt[depth] + kbps[q];
      int switchSum = switchSumAt[depth] + Math.abs(kbps[q] - kbps[last]);
      if (depth == horizon - 1) {
        double score = bitrateSum / 1000.0 - rebufferPenalty * rebuffer - switchSum / 1000.0 + terminal(b);
        offer(score, rankOfSequence(depth));
        continue;
      }
      if (bound(depth + 1, b, rebuffer, bitrateSum, switchSum) < bestScore - PRUNE_MARGIN) {
        continue;
      }
      depth++;
      bufferAt[depth] = b;
      rebufferAt[depth] = rebuffer;
      bitrateSumAt[depth] = bitrateSum;
      switchSumAt[depth] = switchSum;
      sequence[depth] = -1;
    }
    return bestFirst;
  }

  private double terminal(double buffer) {
    return terminalWeight == 0 ? 0 : terminalWeight * Math.min(buffer, terminalCap);
  }

  /** Optimistic score of any completion of a prefix that ends at {@code depth} with these sums. */
  private double bound(int depth, double buffer, double rebuffer, int bitrateSum, int switchSum) {
    double optimistic = 0;
    double b = buffer;
    for (int j = depth; j < horizon; j++) {
      double bestChunk = Double.NEGATIVE_INFINITY;
      int base = j * qualities;
      for (int q = 0; q < qualities; q++) {
        double stall = dt[base + q] - b;
        double value = stall > 0 ? megabits[q] - rebufferPenalty * stall : megabits[q];
        bestChunk = Math.max(bestChunk, value);
      }
      optimistic += bestChunk;
      b = Math.max(b - fastest[j], 0) + chunkSeconds;
    }
    // b is now an upper bound on the buffer left at the horizon, and the terminal value grows with it.
    return (bitrateSum - switchSum) / 1000.0 + optimistic - rebufferPenalty * rebuffer + terminal(b);
  }

  private void scoreConstant(int q, double buffer, int lastQuality) {
    double b = buffer;
    double rebuffer = 0;
    int bitrateSum = 0;
    for (int j = 0; j < horizon; j++) {
      double download = dt[j * qualities + q];
      if (b < download) {
        rebuffer += download - b;
        b = 0;
      } else {
        b -= download;
      }
      b += chunkSeconds;
      bitrateSum += kbps[q];
    }
    int switchSum = Math.abs(kbps[q] - kbps[lastQuality]);
    double score = bitrateSum / 1000.0 - rebufferPenalty * rebuffer - switchSum / 1000.0 + terminal(b);
    int rank = 0;
    for (int j = 0; j < horizon; j++) {
      rank = rank * qualities + q;
    }
    offer(score, rank, q);
  }

  private int rankOfSequence(int depth) {
    int rank = 0;
    for (int j = 0; j <= depth; j++) {
      rank = rank * qualities + sequence[j];
    }
    return rank;
  }

  private void offer(double score, int rank) {
    offer(score, rank, sequence[0]);
  }

  private void offer(double score, int rank, int first) {
    if (score > bestScore || (score == bestScore && rank > bestRank)) {
      bestScore = score;
      bestRank = rank;
      bestFirst = first;
    }
  }
}
