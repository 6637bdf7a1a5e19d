package io.streamkit.abr.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EstimatorsTest {

  @Test
  void ewmaIsUnbiasedFromTheFirstSampleAndFallsFasterThanItRises() {
    EwmaBandwidthEstimator estimator = new EwmaBandwidthEstimator();
    assertThat(estimator.estimateBps()).isEqualTo(EwmaBandwidthEstimator.DEFAULT_ESTIMATE_BPS);
    estimator.sample(1_000_000, 1.0); // 8 Mbit/s
    assertThat(estimator.estimateBps()).isCloseTo(8_000_000, within(1.0));

    // The estimate is the smaller of the two averages: it falls with the fast one and rises with the slow one.
    EwmaBandwidthEstimator dropping = new EwmaBandwidthEstimator();
    EwmaBandwidthEstimator fastOnly = new EwmaBandwidthEstimator(3, 3, 500_000, 0.05);
    EwmaBandwidthEstimator rising = new EwmaBandwidthEstimator();
    EwmaBandwidthEstimator risingFast = new EwmaBandwidthEstimator(3, 3, 500_000, 0.05);
    for (int i = 0; i < 10; i++) {
      dropping.sample(1_000_000, 1.0);
      fastOnly.sample(1_000_000, 1.0);
      rising.sample(100_000, 1.0);
      risingFast.sample(100_000, 1.0);
    }
    dropping.sample(100_000, 1.0);
    fastOnly.sample(100_000, 1.0);
    rising.sample(1_000_000, 1.0);
    risingFast.sample(1_000_000, 1.0);
    assertThat(dropping.estimateBps()).isCloseTo(fastOnly.estimateBps(), within(1e-6));
    assertThat(rising.estimateBps()).isLessThan(risingFast.estimateBps() - 500_000);
  }

  @Test
  void ewmaCountsVeryShortDownloadsAsTheMinimumDuration() {
    EwmaBandwidthEstimator estimator = new EwmaBandwidthEstimator();
    estimator.sample(10_000, 0.001); // would be 80 Mbit/s; counted over 50 ms it is 1.6 Mbit/s
    assertThat(estimator.estimateBps()).isCloseTo(1_600_000, within(1.0));
    assertThatThrownBy(() -> estimator.sample(0, 1)).hasMessageContaining("positive bytes");
  }

  @Test
  void harmonicMeanTracksItsOwnPredictionErrors() {
    HarmonicMeanEstimator estimator = new HarmonicMeanEstimator();
    estimator.sample(1.0);
    assertThat(estimator.maxRecentError()).isZero();
    estimator.sample(2.0); // predicted 1.0, got 2.0: error 0.5
    assertThat(estimator.harmonicMean()).isCloseTo(4.0 / 3, within(1e-12));
    assertThat(estimator.maxRecentError()).isCloseTo(0.5, within(1e-12));
    assertThat(estimator.robustEstimate()).isCloseTo(4.0 / 3 / 1.5, within(1e-12));
    for (int i = 0; i < 10; i++) {
      estimator.sample(2.0);
    }
    // The surprise has left the five-chunk window, and so have the 1.0 samples.
    assertThat(estimator.maxRecentError()).isLessThan(0.2);
    assertThat(estimator.harmonicMean()).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void latencyEstimateFollowsTypicalSamplesAndDiscountsOutliers() {
    LatencyEstimator latency = new LatencyEstimator();
    assertThat(latency.estimateSeconds()).isEqualTo(LatencyEstimator.DEFAULT_LATENCY_SECONDS);
    for (int i = 0; i < 20; i++) {
      latency.sample(0.08);
    }
    assertThat(latency.estimateSeconds()).isCloseTo(0.08, within(1e-9));
    latency.sample(4.0); // a 4 s stall weighs e^-8 of a normal sample
    assertThat(latency.estimateSeconds()).isLessThan(0.1);
  }
}
