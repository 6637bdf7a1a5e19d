package io.streamkit.core.title;

import static io.streamkit.core.InvalidValueException.requireRange;
import static io.streamkit.core.InvalidValueException.requireText;

import io.streamkit.core.InvalidValueException;

/**
 * What probing found in a title's source file.
 *
 * @param container container format name as FFmpeg reports it, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param videoCodec video codec name, e.g. {@code h264}; {@code null} if the source has no video
 * @param audioCodec audio codec name, e.g. {@code aac}; {@code null} if the source has no audio
 * @param width video width in pixels, 0 without video
 * @param height video height in pixels, 0 without video
 * @param frameRate video frames per second, 0 without video
 * @param bitrate overall bitrate in bits per second, 0 if unknown
 */
public record SourceFacts(
    String container, String videoCodec, String audioCodec, int width, int height, double frameRate, long bitrate) {

  /** The longest container or codec name, in characters. */
  public static final int MAX_NAME_LENGTH = 64;

  /**
   * @param container container format name, not blank, at most {@link #MAX_NAME_LENGTH} characters
   * @param videoCodec video codec name, or {@code null} without video
   * @param audioCodec audio codec name, or {@code null} without audio; at least one of the codecs is required
   * @param width video width in pixels, 1 to {@link Rendition#MAX_DIMENSION} with video, 0 without
   * @param height video height in pixels, 1 to {@link Rendition#MAX_DIMENSION} with video, 0 without
   * @param frameRate video frames per second, above 0 and at most {@link Rendition#MAX_FRAME_RATE} with video, 0
   *     without
   * @param bitrate overall bitrate in bits per second, 0 (unknown) to ten times {@link Rendition#MAX_BITRATE}
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public SourceFacts {
    requireText("source container", container, MAX_NAME_LENGTH);
    if (videoCodec != null) {
      requireText("source videoCodec", videoCodec, MAX_NAME_LENGTH);
      requireRange("source width", width, 1, Rendition.MAX_DIMENSION);
      requireRange("source height", height, 1, Rendition.MAX_DIMENSION);
      requireRange("source frameRate", frameRate, 0, Rendition.MAX_FRAME_RATE);
    } else if (width != 0 || height != 0 || frameRate != 0) {
      throw new InvalidValueException("source videoCodec", null,
          "is required when width, height or frameRate are set (" + width + "x" + height + " @ " + frameRate + ")");
    }
    if (audioCodec != null) {
      requireText("source audioCodec", audioCodec, MAX_NAME_LENGTH);
    }
    if (videoCodec == null && audioCodec == null) {
      throw new InvalidValueException("source videoCodec", null, "or audioCodec is required; a source needs a stream");
    }
    requireRange("source bitrate", bitrate, 0, Rendition.MAX_BITRATE * 10);
  }
}
