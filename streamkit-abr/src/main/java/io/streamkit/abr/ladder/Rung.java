package io.streamkit.abr.ladder;

/**
 * One step of a ladder as authored: a nominal picture size by its short side (so "720p" means 1280x720 for a
 * landscape source and 720x1280 for a portrait one), a target video bitrate, and the highest frame rate this rung
 * may carry.
 *
 * @param name unique within its ladder, used for directory names ({@code [a-z0-9_-]+})
 * @param shortSide nominal short side in pixels, between {@value #MIN_SHORT_SIDE} and {@value #MAX_SHORT_SIDE}
 * @param videoBitrate target video bitrate in bits per second, at least {@value #MIN_BITRATE}
 * @param maxFrameRate frame rate cap, at most {@value #MAX_FRAME_RATE} (Apple HLS authoring spec 1.19)
 */
public record Rung(String name, int shortSide, long videoBitrate, double maxFrameRate) {

  /** The smallest short side accepted, in pixels. */
  public static final int MIN_SHORT_SIDE = 64;
  /** The largest short side accepted, in pixels: 8K UHD. */
  public static final int MAX_SHORT_SIDE = 4320;
  /** The lowest video bitrate accepted, in bits per second; also the floor of a planned rendition's bitrate. */
  public static final long MIN_BITRATE = 32_000;
  /** The highest frame-rate cap accepted, in frames per second. */
  public static final double MAX_FRAME_RATE = 60;
  /** Apple's authoring spec keeps lower tiers at 30 fps or less; rungs at or below this short side do so. */
  public static final int SMALL_RUNG_SHORT_SIDE = 540;

  /**
   * @param name unique within its ladder, {@code [a-z0-9_-]+}
   * @param shortSide nominal short side in pixels, {@value #MIN_SHORT_SIDE} to {@value #MAX_SHORT_SIDE}
   * @param videoBitrate target video bitrate in bits per second, at least {@value #MIN_BITRATE}
   * @param maxFrameRate frame rate cap, above 0 and at most {@value #MAX_FRAME_RATE}
   * @throws IllegalArgumentException naming the rung and the component out of range
   */
  public Rung {
    if (name == null || !name.matches("[a-z0-9_-]+")) {
      throw new IllegalArgumentException("rung name must match [a-z0-9_-]+, got '" + name + "'");
    }
    if (shortSide < MIN_SHORT_SIDE || shortSide > MAX_SHORT_SIDE) {
      throw new IllegalArgumentException("rung " + name + ": short side must be between " + MIN_SHORT_SIDE + " and "
          + MAX_SHORT_SIDE + " pixels, got " + shortSide);
    }
    if (videoBitrate < MIN_BITRATE) {
      throw new IllegalArgumentException("rung " + name + ": video bitrate must be at least " + MIN_BITRATE
          + " bit/s, got " + videoBitrate);
    }
    if (!(maxFrameRate > 0 && maxFrameRate <= MAX_FRAME_RATE)) {
      throw new IllegalArgumentException("rung " + name + ": max frame rate must be in (0, " + MAX_FRAME_RATE
          + "], got " + maxFrameRate);
    }
  }

  /**
   * {@return a rung named {@code <shortSide>p} with the default frame-rate cap for its size} The cap is 30 fps up to
   * {@value #SMALL_RUNG_SHORT_SIDE}p and 60 fps above.
   *
   * @param shortSide nominal short side in pixels, {@value #MIN_SHORT_SIDE} to {@value #MAX_SHORT_SIDE}
   * @param videoKbps target video bitrate in kbit/s (1000 bit/s), at least 32
   * @throws IllegalArgumentException if a value is out of range
   */
  public static Rung of(int shortSide, int videoKbps) {
    return new Rung(shortSide + "p", shortSide, videoKbps * 1000L,
        shortSide <= SMALL_RUNG_SHORT_SIDE ? 30 : MAX_FRAME_RATE);
  }
}
