package io.streamkit.hls;

import java.util.Optional;

/**
 * What {@link MediaProbe} found in a source file: the container, and the one video and (optional) audio stream a
 * transcode would use.
 *
 * @param container demuxer name(s), e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param durationSeconds duration of the file in seconds, or 0 when the container does not say
 * @param video the video stream that would be transcoded: of several, the one with the most pixels (cover art is
 *     not a video stream)
 * @param audio the audio stream that would be transcoded: the first one, if the bundled FFmpeg can decode it
 */
public record MediaInfo(String container, double durationSeconds, Video video, Optional<Audio> audio) {

  /**
   * The video stream's parameters as stored, before rotation or sample aspect ratio are applied; see
   * {@link #displayWidth()} and {@link #displayHeight()} for the picture a player shows.
   *
   * @param streamIndex index of the stream in the container
   * @param codec decoder name, e.g. {@code h264}
   * @param width coded width, in pixels
   * @param height coded height, in pixels
   * @param frameRateNum average frame rate numerator; when the container's average is missing or above 240 fps (a
   *     timestamp artefact), the stream's base rate, else 30/1
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

    /**
     * {@return the width as displayed, in square pixels: the coded width scaled by the sample aspect ratio, or the
     * coded height when the rotation is 90 or 270 degrees}
     */
    public int displayWidth() {
      return rotation % 180 == 0 ? squareWidth() : height;
    }

    /**
     * {@return the height as displayed, in square pixels: the coded height, or the coded width scaled by the sample
     * aspect ratio when the rotation is 90 or 270 degrees}
     */
    public int displayHeight() {
      return rotation % 180 == 0 ? height : squareWidth();
    }

    private int squareWidth() {
      return (int) Math.round((double) width * sampleAspectNum / sampleAspectDen);
    }
  }

  /**
   * The audio stream's parameters as stored; a transcode resamples it to AAC-LC stereo 48 kHz whatever they are.
   *
   * @param streamIndex index of the stream in the container
   * @param codec decoder name, e.g. {@code aac}
   * @param channels channel count
   * @param sampleRate samples per second, in Hz
   */
  public record Audio(int streamIndex, String codec, int channels, int sampleRate) {}
}
