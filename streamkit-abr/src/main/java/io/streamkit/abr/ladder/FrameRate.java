package io.streamkit.abr.ladder;

/**
 * A frame rate as an exact fraction, so that 29.97 fps stays {@code 30000/1001} and segment boundaries computed from
 * it land on whole frames. The fraction is kept in lowest terms, so {@code 60/2} equals {@code 30/1}.
 *
 * @param numerator frames, positive
 * @param denominator per this many seconds, positive
 */
public record FrameRate(int numerator, int denominator) {

  /** Exactly 30 frames per second. */
  public static final FrameRate FPS_30 = new FrameRate(30, 1);

  /**
   * How far above a cap a rate may lie and still be resampled to the cap itself instead of divided: a 30.12 fps
   * screen recording or a 31 fps phone clip becomes 30 fps (dropping one frame in a few dozen), not 15.
   */
  public static final double NEAR_CAP_TOLERANCE = 1.05;

  /**
   * Reduces the fraction to lowest terms.
   *
   * @param numerator frames, positive
   * @param denominator per this many seconds, positive
   * @throws IllegalArgumentException if either is 0 or negative
   */
  public FrameRate {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException(
          "frame rate must be a positive fraction, got " + numerator + "/" + denominator);
    }
    int gcd = gcd(numerator, denominator);
    numerator /= gcd;
    denominator /= gcd;
  }

  /** {@return the rate in frames per second, e.g. 29.97002997 for {@code 30000/1001}} */
  public double fps() {
    return (double) numerator / denominator;
  }

  /**
   * The largest rate not above {@code cap} reachable by keeping every n-th frame, so 50 fps capped at 30 becomes 25
   * and 59.94 becomes 29.97 — dropping frames evenly rather than in an irregular 5:3 pattern. A rate within {@link
   * #NEAR_CAP_TOLERANCE} of the cap becomes the cap itself, since halving it would throw away half the motion to save
   * a few frames.
   *
   * @param cap the highest rate allowed, in frames per second
   * @return this rate if it is not above the cap, otherwise the capped rate
   * @throws IllegalArgumentException if {@code cap} is not a positive finite number
   */
  public FrameRate capAt(double cap) {
    if (!(cap > 0) || Double.isInfinite(cap)) {
      throw new IllegalArgumentException("frame rate cap must be a positive number of frames per second, got " + cap);
    }
    if (fps() <= cap) {
      return this;
    }
    if (fps() <= cap * NEAR_CAP_TOLERANCE) {
      return cap == Math.rint(cap) ? new FrameRate((int) cap, 1) : new FrameRate((int) Math.round(cap * 1000), 1000);
    }
    long divisor = (long) Math.ceil(fps() / cap - 1e-9);
    return new FrameRate(numerator, Math.toIntExact(denominator * divisor));
  }

  /**
   * {@return the {@code FRAME-RATE} attribute value (RFC 8216 section 4.3.4.2: decimal-floating-point), with three
   * decimals, e.g. {@code 29.970}}
   */
  public String toPlaylistValue() {
    return String.format(java.util.Locale.ROOT, "%.3f", fps());
  }

  @Override
  public String toString() {
    return denominator == 1 ? Integer.toString(numerator) : numerator + "/" + denominator;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
