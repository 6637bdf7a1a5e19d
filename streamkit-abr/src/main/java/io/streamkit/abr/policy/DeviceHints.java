package io.streamkit.abr.policy;

/**
 * What the client told the server about itself (for example from {@code Sec-CH-Viewport-Height}-style
 * client hints, the {@code Save-Data} header or an app's network type).
 *
 * @param screenHeight physical screen height in pixels, or 0 when unknown
 * @param constrained true on a cellular or metered link or with data saving on: keep to small variants
 */
public record DeviceHints(int screenHeight, boolean constrained) {

  /** No hints: any screen, unconstrained network. */
  public static final DeviceHints NONE = new DeviceHints(0, false);

  /**
   * @param screenHeight physical screen height in pixels, or 0 when unknown
   * @param constrained true on a cellular or metered link or with data saving on
   * @throws IllegalArgumentException if {@code screenHeight} is negative
   */
  public DeviceHints {
    if (screenHeight < 0) {
      throw new IllegalArgumentException("screenHeight must be at least 0 (0 = unknown), was " + screenHeight);
    }
  }
}
