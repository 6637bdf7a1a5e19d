package io.streamkit.abr.ladder;

/**
 * A frame rate as an exact fraction, so that 29.97 fps stays {@code 30000/1001} and segment boundaries computed from
 * it land on whole frames.
 */
public record FrameRate(int numerator, int denominator) {

  public static final FrameRate FPS_30 = new FrameRate(30, 1);

  public FrameRate {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException(
          "frame rate must be a positive fraction, got " + numerator + "/" + denominator);
    }
    int gcd = gcd(numerator, denominator);
    numerator /= gcd;
    denominator /= gcd;
  }

  public double fps() {
    return (double) numerator / denominator;
  }

  /**
   * The largest rate not above {@code cap} reachable by keeping every n-th frame, so 50 fps capped at 30 becomes 25
   * and 59.94 becomes 29.97 — dropping frames evenly rather than in an irregular 5:3 pattern.
   */
  public FrameRate capAt(double cap) {
    if (fps() <= cap) {
      return this;
    }
    long divisor = (long) Math.ceil(fps() / cap - 1e-9);
    return new FrameRate(numerator, Math.toIntExact(denominator * divisor));
  }

  /** {@code FRAME-RATE} attribute value (RFC 8216 section 4.3.4.2: decimal-floating-point, three decimals). */
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
