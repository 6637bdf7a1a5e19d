package io.streamkit.abr.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The outage family: generated LTE-like networks, deterministic from a seed, for testing rules beyond the study's
 * recorded traces.
 *
 * <p>Each trace has one sample a second for {@value #DURATION_SECONDS} s. Throughput is log-normal with correlation:
 * its logarithm is an AR(1) process, {@code x_t = φ·x_{t−1} + √(1−φ²)·σ·ε_t} with φ = {@value #CORRELATION} and
 * σ = {@value #LOG_SIGMA}, around a per-trace median drawn log-uniformly from {@value #MIN_MEDIAN_MBPS} to
 * {@value #MAX_MEDIAN_MBPS} Mbit/s (cellular throughput is log-normal and correlated over seconds: Winstein, Sivaraman,
 * Balakrishnan, "Stochastic Forecasts Achieve High Throughput and Low Delay over Cellular Networks", NSDI 2013; Riiser
 * et al., "Commute Path Bandwidth Traces from 3G Networks", MMSys 2013, the study's HSDPA traces). On top: bursts, one
 * to three seconds at two to four times the rate, starting in a second with probability {@value #BURST_PROBABILITY};
 * and outages of 2 to 9 s at 0 Mbit/s (handovers and coverage holes), starting in a second with probability
 * {@value #OUTAGE_PROBABILITY} (one every 40 s or so). {@link Random}'s algorithms are specified by its Javadoc and
 * the rest is {@link StrictMath}, so a seed gives the same traces on every JVM.
 */
public final class LteTraces {

  /** Seconds per trace; a 48-chunk session of 4 s chunks needs 192 s of playback plus its stalls. */
  public static final int DURATION_SECONDS = 320;
  /** Correlation of the log-throughput from one second to the next. */
  public static final double CORRELATION = 0.9;
  /** Standard deviation of the log-throughput. */
  public static final double LOG_SIGMA = 0.6;
  /** Lowest per-trace median throughput, Mbit/s. */
  public static final double MIN_MEDIAN_MBPS = 0.5;
  /** Highest per-trace median throughput, Mbit/s. */
  public static final double MAX_MEDIAN_MBPS = 8;
  /** Chance per second that a burst starts. */
  public static final double BURST_PROBABILITY = 0.03;
  /** Chance per second that an outage starts. */
  public static final double OUTAGE_PROBABILITY = 0.025;
  /** Shortest outage, seconds. */
  public static final int MIN_OUTAGE_SECONDS = 2;
  /** Longest outage, seconds. */
  public static final int MAX_OUTAGE_SECONDS = 9;
  /** Traces in a family unless asked otherwise. */
  public static final int DEFAULT_COUNT = 100;

  private LteTraces() {}

  /**
   * Generates a family of traces, named {@code lte-<seed>-<i>}.
   *
   * @param seed the family's seed; the same seed gives the same traces
   * @param count traces, 1 to 10 000
   * @return the traces in order
   * @throws IllegalArgumentException if {@code count} is out of range
   */
  public static TraceSet generate(long seed, int count) {
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("count must be within [1, 10000] traces, was " + count);
    }
    Random random = new Random(seed);
    List<NetworkTrace> traces = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      traces.add(trace("lte-" + seed + "-" + String.format("%04d", i), random));
    }
    return TraceSet.of(traces);
  }

  private static NetworkTrace trace(String name, Random random) {
    double median = MIN_MEDIAN_MBPS * StrictMath.pow(MAX_MEDIAN_MBPS / MIN_MEDIAN_MBPS, random.nextDouble());
    double[] times = new double[DURATION_SECONDS + 1];
    double[] mbps = new double[DURATION_SECONDS + 1];
    double innovation = StrictMath.sqrt(1 - CORRELATION * CORRELATION) * LOG_SIGMA;
    double x = random.nextGaussian() * LOG_SIGMA;
    int burstLeft = 0;
    double burstFactor = 1;
    int outageLeft = 0;
    for (int t = 0; t <= DURATION_SECONDS; t++) {
      x = CORRELATION * x + innovation * random.nextGaussian();
      double burstDraw = random.nextDouble();
      double outageDraw = random.nextDouble();
      if (burstLeft == 0 && burstDraw < BURST_PROBABILITY) {
        burstLeft = 1 + random.nextInt(3);
        burstFactor = 2 + 2 * random.nextDouble();
      }
      // A session starts connected, and outages are separated by at least a second of service.
      if (outageLeft == 0 && t > 10 && mbps[t - 1] > 0 && outageDraw < OUTAGE_PROBABILITY) {
        outageLeft = MIN_OUTAGE_SECONDS + random.nextInt(MAX_OUTAGE_SECONDS - MIN_OUTAGE_SECONDS + 1);
      }
      times[t] = t;
      if (outageLeft > 0) {
        mbps[t] = 0;
        outageLeft--;
      } else {
        mbps[t] = median * StrictMath.exp(x) * (burstLeft > 0 ? burstFactor : 1);
      }
      if (burstLeft > 0) {
        burstLeft--;
      }
    }
    return NetworkTrace.of(name, times, mbps);
  }
}
