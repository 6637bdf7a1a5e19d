package io.streamkit.core.title;

import static io.streamkit.core.InvalidValueException.requireIdentifier;
import static io.streamkit.core.InvalidValueException.requireRange;
import static io.streamkit.core.InvalidValueException.requireText;

import io.streamkit.core.InvalidValueException;

/**
 * One encoded variant of a title, as listed in the HLS master playlist (RFC 8216 section 4.3.4.2: {@code BANDWIDTH}
 * is the peak, {@code AVERAGE-BANDWIDTH} the average, both measured from the packaged segments). The variants of an
 * audio-only title (a podcast episode) have no picture: width, height and frame rate 0 ({@link #audioOnly()}).
 *
 * @param name short unique name within the title, e.g. {@code 720p}
 * @param width coded width in pixels, 0 for an audio-only variant
 * @param height coded height in pixels, 0 for an audio-only variant
 * @param peakBitrate peak segment bitrate in bits per second
 * @param averageBitrate average bitrate in bits per second, at most the peak
 * @param codecs RFC 6381 codecs string, e.g. {@code avc1.64001f,mp4a.40.2}
 * @param frameRate frames per second, 0 for an audio-only variant
 * @param playlistPath media playlist path relative to the title's directory, e.g. {@code 720p/index.m3u8}
 */
public record Rendition(
    String name,
    int width,
    int height,
    long peakBitrate,
    long averageBitrate,
    String codecs,
    double frameRate,
    String playlistPath) {

  /** The longest rendition name, in characters. */
  public static final int MAX_NAME_LENGTH = 64;
  /** 8K UHD is 7680 wide; the limit leaves room for unusual aspect ratios. */
  public static final int MAX_DIMENSION = 16_384;
  /** The highest bitrate accepted, in bits per second: 1 Gbit/s. */
  public static final long MAX_BITRATE = 1_000_000_000L;
  /** The highest frame rate accepted, in frames per second. */
  public static final double MAX_FRAME_RATE = 1_000;
  /** The longest codecs string, in characters. */
  public static final int MAX_CODECS_LENGTH = 200;
  /** The longest playlist path, in characters. */
  public static final int MAX_PLAYLIST_PATH_LENGTH = 1_000;

  /**
   * @param name short name unique within the title, 1 to {@link #MAX_NAME_LENGTH} characters without whitespace
   * @param width coded width in pixels, 1 to {@link #MAX_DIMENSION}; 0 for an audio-only variant
   * @param height coded height in pixels, 1 to {@link #MAX_DIMENSION}; 0 for an audio-only variant
   * @param peakBitrate peak segment bitrate in bits per second, 1 to {@link #MAX_BITRATE}
   * @param averageBitrate average bitrate in bits per second, 1 to {@code peakBitrate}
   * @param codecs RFC 6381 codecs string, not blank, at most {@link #MAX_CODECS_LENGTH} characters
   * @param frameRate frames per second, above 0 and at most {@link #MAX_FRAME_RATE}; 0 for an audio-only variant
   * @param playlistPath media playlist path relative to the title's directory, at most
   *     {@link #MAX_PLAYLIST_PATH_LENGTH} characters, without a leading {@code /}, {@code ..} or backslashes
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public Rendition {
    requireIdentifier("rendition name", name, MAX_NAME_LENGTH);
    boolean audioOnly = width == 0 && height == 0 && frameRate == 0;
    if (!audioOnly) {
      requireRange("rendition width", width, 1, MAX_DIMENSION);
      requireRange("rendition height", height, 1, MAX_DIMENSION);
      requireRange("rendition frameRate", frameRate, 0, MAX_FRAME_RATE);
    }
    requireRange("rendition peakBitrate", peakBitrate, 1, MAX_BITRATE);
    requireRange("rendition averageBitrate", averageBitrate, 1, peakBitrate);
    requireText("rendition codecs", codecs, MAX_CODECS_LENGTH);
    requireIdentifier("rendition playlistPath", playlistPath, MAX_PLAYLIST_PATH_LENGTH);
    if (playlistPath.startsWith("/") || playlistPath.contains("..") || playlistPath.contains("\\")) {
      throw new InvalidValueException("rendition playlistPath", playlistPath,
          "must be a relative path inside the title directory, without '..' or backslashes");
    }
  }

  /** {@return whether the variant is audio only: no picture, so width, height and frame rate are 0} */
  public boolean audioOnly() {
    return width == 0 && height == 0 && frameRate == 0;
  }
}
