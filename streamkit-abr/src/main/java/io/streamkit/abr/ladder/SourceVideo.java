package io.streamkit.abr.ladder;

/**
 * What the planner needs to know about a source: its picture as displayed (after rotation and with the sample
 * aspect ratio applied), its frame rate, and its video bitrate if known.
 *
 * @param displayWidth width as shown to a viewer, in square pixels
 * @param displayHeight height as shown to a viewer, in square pixels
 * @param frameRate the source's (average) frame rate
 * @param videoBitrate the source's video bitrate in bit/s, or 0 when unknown
 */
public record SourceVideo(int displayWidth, int displayHeight, FrameRate frameRate, long videoBitrate) {

  /**
   * @param displayWidth width as shown to a viewer, in square pixels, at least 2
   * @param displayHeight height as shown to a viewer, in square pixels, at least 2
   * @param frameRate the source's (average) frame rate
   * @param videoBitrate the source's video bitrate in bit/s, or 0 when unknown
   * @throws IllegalArgumentException if the picture is smaller than 2x2 or the bitrate negative
   */
  public SourceVideo {
    if (displayWidth < 2 || displayHeight < 2) {
      throw new IllegalArgumentException("source picture must be at least 2x2, got " + displayWidth + "x"
          + displayHeight);
    }
    if (videoBitrate < 0) {
      throw new IllegalArgumentException("source bitrate must be 0 (unknown) or positive, got " + videoBitrate);
    }
  }

  /** {@return whether the picture is taller than wide; a square picture is landscape} */
  public boolean portrait() {
    return displayHeight > displayWidth;
  }

  /** {@return the smaller of the display width and height, in pixels} */
  public int shortSide() {
    return Math.min(displayWidth, displayHeight);
  }

  /** {@return the display aspect ratio, width divided by height (below 1 for portrait)} */
  public double aspectRatio() {
    return (double) displayWidth / displayHeight;
  }
}
