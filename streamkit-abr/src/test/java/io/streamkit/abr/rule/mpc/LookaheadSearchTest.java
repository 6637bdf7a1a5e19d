package io.streamkit.abr.rule.mpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LookaheadSearchTest {

  private static final int[] KBPS = {300, 750, 1200, 1850, 2850, 4300};

  /** Full enumeration in lexicographic order with a {@code >=} scan: the reference semantics. */
  private static int bruteForce(
      double[][] dt, int horizon, double buffer, int last, double penalty, double weight, double cap) {
    int n = KBPS.length;
    int total = (int) Math.pow(n, horizon);
    double best = Double.NEGATIVE_INFINITY;
    int first = 0;
    int[] seq = new int[horizon];
    for (int code = 0; code < total; code++) {
      int c = code;
      for (int j = horizon - 1; j >= 0; j--) {
        seq[j] = c % n;
        c /= n;
      }
      double b = buffer;
      double rebuffer = 0;
      int bitrateSum = 0;
      int switchSum = 0;
      int prev = last;
      for (int j = 0; j < horizon; j++) {
        double d = dt[j][seq[j]];
        if (b < d) {
          rebuffer += d - b;
          b = 0;
        } else {
          b -= d;
        }
        b += 4;
        bitrateSum += KBPS[seq[j]];
        switchSum += Math.abs(KBPS[seq[j]] - KBPS[prev]);
        prev = seq[j];
      }
      double score = bitrateSum / 1000.0 - penalty * rebuffer - switchSum / 1000.0 + weight * Math.min(b, cap);
      if (score >= best) {
        best = score;
        first = seq[0];
      }
    }
    return first;
  }

  @Test
  void branchAndBoundChoosesExactlyWhatFullEnumerationChooses() {
    Random random = new Random(42);
    LookaheadSearch search = new LookaheadSearch(5, KBPS, 4);
    int disagreements = 0;
    for (int trial = 0; trial < 3000; trial++) {
      int horizon = 1 + random.nextInt(5);
      // Link rates from deep stall territory to ample, so both rebuffering and idle plans win sometimes.
      double megabytesPerSecond = 0.02 + random.nextDouble() * random.nextDouble() * 1.2;
      double[][] dt = new double[horizon][KBPS.length];
      for (int j = 0; j < horizon; j++) {
        for (int q = 0; q < KBPS.length; q++) {
          double bytes = KBPS[q] * 500.0 * (0.7 + 0.6 * random.nextDouble());
          dt[j][q] = bytes / 1e6 / megabytesPerSecond;
          search.downloadSeconds(j, q, dt[j][q]);
        }
      }
      double buffer = random.nextDouble() * 30;
      int last = random.nextInt(KBPS.length);
      double weight = trial % 2 == 0 ? 0 : random.nextDouble() * 2;
      double expected = bruteForce(dt, horizon, buffer, last, 4.3, weight, 16);
      if (search.best(horizon, buffer, last, 4.3, weight, 16) != expected) {
        disagreements++;
      }
    }
    assertThat(disagreements).isZero();
  }

  @Test
  void tiesGoToTheSequenceLastInLexicographicOrder() {
    // Whole-megabit rungs keep every score exact. Downloads are instant and the buffer ample, so with
    // one chunk left only bitrate minus switch cost counts: from 2 Mbit/s, rungs 1..3 all score 2.
    int[] whole = {1000, 2000, 3000, 4000};
    LookaheadSearch search = new LookaheadSearch(5, whole, 4);
    for (int q = 0; q < whole.length; q++) {
      search.downloadSeconds(0, q, 0);
    }
    assertThat(search.best(1, 10, 1, 4.3, 0, 0)).isEqualTo(3);
  }
}
