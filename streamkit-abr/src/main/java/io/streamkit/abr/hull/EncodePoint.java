package io.streamkit.abr.hull;

/**
 * One trial encode of a title: a resolution and bit rate, and the quality measured on it (VMAF, PSNR
 * or SSIM — any score where higher is better, as long as all points use the same one).
 *
 * @param width encoded width in pixels, positive
 * @param height encoded height in pixels, positive
 * @param bitrateBps the encode's bit rate in bit/s, positive
 * @param quality the quality score, finite
 */
public record EncodePoint(int width, int height, long bitrateBps, double quality) {

  /**
   * @param width encoded width in pixels, positive
   * @param height encoded height in pixels, positive
   * @param bitrateBps the encode's bit rate in bit/s, positive
   * @param quality the quality score, finite
   * @throws IllegalArgumentException naming the component out of range
   */
  public EncodePoint {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("encode point: width and height must be positive, were " + width + "x" + height);
    }
    if (bitrateBps <= 0) {
      throw new IllegalArgumentException("encode point " + width + "x" + height + ": bitrateBps must be positive, was " + bitrateBps);
    }
    if (!Double.isFinite(quality)) {
      throw new IllegalArgumentException("encode point " + width + "x" + height + "@" + bitrateBps + ": quality must be finite, was " + quality);
    }
  }
}
