package io.streamkit.abr.policy;

/**
 * One variant stream of a title as a master playlist lists it (RFC 8216, {@code
 * EXT-X-STREAM-INF}).
 *
 * @param index the caller's identifier for the variant (for example its position in the ladder); the policy returns these
 * @param width in pixels
 * @param height in pixels
 * @param peakBandwidthBps {@code BANDWIDTH}: the measured peak segment bit rate, bit/s
 * @param averageBandwidthBps {@code AVERAGE-BANDWIDTH}, bit/s
 * @param codecs {@code CODECS}, e.g. {@code avc1.64001f,mp4a.40.2}
 * @param frameRate {@code FRAME-RATE}, frames per second
 */
public record Variant(
    int index,
    int width,
    int height,
    long peakBandwidthBps,
    long averageBandwidthBps,
    String codecs,
    double frameRate) {

  /**
   * @param index the caller's identifier for the variant, unique within a policy
   * @param width in pixels, positive
   * @param height in pixels, positive
   * @param peakBandwidthBps peak segment bit rate in bit/s, at least the average
   * @param averageBandwidthBps average bit rate in bit/s, positive
   * @param codecs RFC 6381 codecs string, not blank
   * @param frameRate frames per second, positive
   * @throws IllegalArgumentException naming the variant's index and the component out of range
   */
  public Variant {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("variant " + index + ": width and height must be positive, were " + width + "x" + height);
    }
    if (averageBandwidthBps <= 0 || peakBandwidthBps < averageBandwidthBps) {
      throw new IllegalArgumentException(
          "variant " + index + ": need 0 < averageBandwidthBps <= peakBandwidthBps, were " + averageBandwidthBps + " and " + peakBandwidthBps);
    }
    if (!(frameRate > 0)) {
      throw new IllegalArgumentException("variant " + index + ": frameRate must be positive, was " + frameRate);
    }
    if (codecs == null || codecs.isBlank()) {
      throw new IllegalArgumentException("variant " + index + ": codecs must name the variant's codecs (RFC 6381)");
    }
  }
}
