package io.streamkit.abr.hull;

/**
 * One trial encode of a title: a resolution and bit rate, and the quality measured on it (VMAF, PSNR
 * or SSIM — any score where higher is better, as long as all points use the same one).
 */
public record EncodePoint(int width, int height, long bitrateBps, double quality) {

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
