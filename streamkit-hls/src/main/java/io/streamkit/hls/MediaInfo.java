package io.streamkit.hls;

import java.util.Optional;

/**
 * What {@link MediaProbe} found in a source file.
 *
 * @param container demuxer name(s), e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param durationSeconds duration of the file, or 0 when the container does not say
 * @param video the video stream that would be transcoded
 * @param audio the audio stream that would be transcoded, if any
 */
public record MediaInfo(String container, double durationSeconds, Video video, Optional<Audio> audio) {

  /**
   * @param streamIndex index of the stream in the container
   * @param codec decoder name, e.g. {@code h264}
   * @param width coded width
   * @param height coded height
   * @param frameRateNum average frame rate numerator
   * @param frameRateDen average frame rate denominator
   * @param variableFrameRate whether frame durations vary (the real and average frame rates differ)
   * @param rotation clockwise degrees a player must rotate the picture to show it upright (0, 90, 180, 270)
   * @param pixelFormat e.g. {@code yuv420p}, {@code yuv444p10le}
   * @param sampleAspectNum sample (pixel) aspect ratio numerator, 1 for square pixels
   * @param sampleAspectDen sample aspect ratio denominator
   * @param interlaced whether the stream signals interlaced (field) coding
   * @param bitrate video bitrate in bit/s, 0 when unknown
   */
  public record Video(int streamIndex, String codec, int width, int height, int frameRateNum, int frameRateDen,
      boolean variableFrameRate, int rotation, String pixelFormat, int sampleAspectNum, int sampleAspectDen,
      boolean interlaced, long bitrate) {

    /** Width as displayed: sample aspect ratio applied, then rotation. */
    public int displayWidth() {
      return rotation % 180 == 0 ? squareWidth() : height;
    }

    /** Height as displayed: sample aspect ratio applied, then rotation. */
    public int displayHeight() {
      return rotation % 180 == 0 ? height : squareWidth();
    }

    private int squareWidth() {
      return (int) Math.round((double) width * sampleAspectNum / sampleAspectDen);
    }
  }

  /**
   * @param streamIndex index of the stream in the container
   * @param codec decoder name, e.g. {@code aac}
   * @param channels channel count
   * @param sampleRate samples per second
   */
  public record Audio(int streamIndex, String codec, int channels, int sampleRate) {}
}
