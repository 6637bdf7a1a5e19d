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

  public SourceVideo {
    if (displayWidth < 2 || displayHeight < 2) {
      throw new IllegalArgumentException("source picture must be at least 2x2, got " + displayWidth + "x"
          + displayHeight);
    }
    if (videoBitrate < 0) {
      throw new IllegalArgumentException("source bitrate must be 0 (unknown) or positive, got " + videoBitrate);
    }
  }

  public boolean portrait() {
    return displayHeight > displayWidth;
  }

  public int shortSide() {
    return Math.min(displayWidth, displayHeight);
  }

  public double aspectRatio() {
    return (double) displayWidth / displayHeight;
  }
}
