package io.streamkit.hls;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link MediaProbe} found in a source file: the container, the one video stream and the audio streams a
 * transcode would use. A source without video is audio-only ({@link #audioOnly()}), such as a podcast episode: it
 * becomes a title of audio renditions only.
 *
 * @param container demuxer name(s), e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param durationSeconds duration of the file in seconds, or 0 when the container does not say
 * @param video the video stream that would be transcoded: of several, the one with the most pixels (cover art is
 *     not a video stream); null for an audio-only source
 * @param audioTracks every audio stream the bundled FFmpeg can decode, in container order; an fMP4 title gets one
 *     audio rendition per track, see {@link #audio()} for the one a transport stream title carries
 */
public record MediaInfo(String container, double durationSeconds, Video video, List<Audio> audioTracks) {

  /**
   * Copies the track list, which may be empty when there is video.
   *
   * @param container demuxer name(s)
   * @param durationSeconds duration of the file in seconds, or 0 when unknown
   * @param video the video stream that would be transcoded, or null for an audio-only source
   * @param audioTracks every decodable audio stream, in container order
   * @throws NullPointerException if {@code audioTracks} or one of its elements is null
   * @throws IllegalArgumentException if there is neither video nor an audio track
   */
  public MediaInfo {
    audioTracks = List.copyOf(audioTracks);
    if (video == null && audioTracks.isEmpty()) {
      throw new IllegalArgumentException("a source needs a video stream or an audio track");
    }
  }

  /** {@return whether the source has no video stream, only audio tracks} */
  public boolean audioOnly() {
    return video == null;
  }

  /**
   * {@return the main audio track: the first one marked default, else the first one; empty when the source has no
   * decodable audio} It is the {@code DEFAULT=YES} rendition of an fMP4 title and the only audio of a transport
   * stream title.
   */
  public Optional<Audio> audio() {
    return audioTracks.stream().filter(Audio::isDefault).findFirst().or(() -> audioTracks.stream().findFirst());
  }

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
   * @param colour the colour the stream says it is coded in
   */
  public record Video(int streamIndex, String codec, int width, int height, int frameRateNum, int frameRateDen,
      boolean variableFrameRate, int rotation, String pixelFormat, int sampleAspectNum, int sampleAspectDen,
      boolean interlaced, long bitrate, Colour colour) {

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
   * How a video stream's samples map to colours (ITU-T H.273), by FFmpeg's names; {@code unknown} where the stream
   * does not say.
   *
   * @param transfer transfer characteristics, e.g. {@code bt709}, {@code smpte2084} (PQ), {@code arib-std-b67} (HLG)
   * @param primaries colour primaries, e.g. {@code bt709}, {@code bt2020}
   * @param matrix matrix coefficients, e.g. {@code bt709}, {@code bt2020nc}
   */
  public record Colour(String transfer, String primaries, String matrix) {

    /** Primaries whose gamut reaches well beyond BT.709's, by FFmpeg's names. */
    private static final Set<String> WIDE_GAMUT_PRIMARIES = Set.of("bt2020", "smpte431", "smpte432");

    /**
     * {@return whether the stream is high dynamic range: PQ (SMPTE ST 2084) or HLG (ARIB STD-B67) transfer, as
     * phones record by default}
     */
    public boolean highDynamicRange() {
      return transfer.equals("smpte2084") || transfer.equals("arib-std-b67");
    }

    /**
     * {@return whether the stream is high dynamic range or has wide-gamut primaries: BT.2020's, DCI-P3's (SMPTE RP
     * 431-2) or Display P3's (SMPTE EG 432-1), as Apple devices and cinema masters state them}
     */
    public boolean beyondBt709() {
      return highDynamicRange() || WIDE_GAMUT_PRIMARIES.contains(primaries);
    }
  }

  /**
   * An audio stream's parameters and labels as stored; a transcode resamples it to AAC-LC stereo 48 kHz whatever
   * they are (and, with {@link #SURROUND_CHANNELS} or more channels, to 5.1 as well).
   *
   * @param streamIndex index of the stream in the container
   * @param codec decoder name, e.g. {@code aac}
   * @param channels channel count
   * @param sampleRate samples per second, in Hz
   * @param language the stream's {@code language} tag as a BCP 47 language tag (RFC 5646), e.g. {@code en} for
   *     {@code eng}; empty when absent, {@code und} or malformed
   * @param title the stream's {@code title} tag, e.g. {@code Director's commentary}; empty when absent or blank
   * @param isDefault whether the stream carries the default disposition
   * @param commentary whether the stream is marked as commentary
   * @param describesVideo whether the stream is marked for the visually impaired or as an audio description
   * @param hearingImpaired whether the stream is marked for the hearing impaired (e.g. clear dialogue)
   */
  public record Audio(int streamIndex, String codec, int channels, int sampleRate, Optional<String> language,
      Optional<String> title, boolean isDefault, boolean commentary, boolean describesVideo,
      boolean hearingImpaired) {

    /** Channel count from which a track also gets a 5.1 rendition. */
    public static final int SURROUND_CHANNELS = 6;

    /** {@return whether the track has {@link #SURROUND_CHANNELS} or more channels} */
    public boolean surround() {
      return channels >= SURROUND_CHANNELS;
    }
  }
}
