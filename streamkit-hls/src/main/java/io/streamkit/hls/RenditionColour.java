package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avutil.AVCOL_PRI_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_TRC_UNSPECIFIED;
import static org.bytedeco.ffmpeg.global.avutil.av_color_primaries_from_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_primaries_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_space_from_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_space_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_transfer_from_name;
import static org.bytedeco.ffmpeg.global.avutil.av_color_transfer_name;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.javacpp.BytePointer;

/**
 * The colour a rendition's samples are in, which every rendition's H.264 stream states in full: primaries, transfer,
 * matrix and limited range in the SPS's VUI (ITU-T H.264 Annex E), for a title's renditions and a live stream's rungs
 * alike.
 *
 * <p>Left unsaid, the colour is guessed again by the player for each rendition's own size: Chromium decodes an H.264
 * stream of 960x540 as BT.601 and one of 1280x720 as BT.709 unless its SPS names primaries, transfer and matrix (a
 * green 0x20C040 showed as 43, 215, 65 and 30, 190, 65; naming only the matrix was not enough), so an HD source's small
 * rungs changed colour when the player switched to them. So each rendition says what the source says, and what
 * players take an untagged picture of the source's size for where the source says nothing.
 */
public final class RenditionColour {

  /** Lines above which players take an untagged picture for BT.709 (576 lines and fewer are SD, BT.601). */
  static final int SD_MAX_HEIGHT = 576;
  /** Width from which players take an untagged picture for BT.709 whatever its height. */
  static final int HD_MIN_WIDTH = 1280;

  private RenditionColour() {}

  /**
   * The colour a stream or decoded picture states, by FFmpeg's names.
   *
   * @param transfer an {@code AVColorTransferCharacteristic}
   * @param primaries an {@code AVColorPrimaries}
   * @param matrix an {@code AVColorSpace}
   * @return the three names, {@code unknown} for a value FFmpeg has no name for
   */
  public static MediaInfo.Colour stated(int transfer, int primaries, int matrix) {
    return new MediaInfo.Colour(name(av_color_transfer_name(transfer)), name(av_color_primaries_name(primaries)),
        name(av_color_space_name(matrix)));
  }

  /**
   * The colour the renditions of a source are in: BT.709 when the source is HDR or wide gamut, which is converted to it
   * ({@link DisplayFilter}); else what {@code stated} says, and for what it leaves {@code unknown}, BT.709 for a
   * picture above {@value #SD_MAX_HEIGHT} lines or from {@value #HD_MIN_WIDTH} pixels wide, else BT.601 (SMPTE
   * 170M). An RGB source's matrix is BT.601's, the coefficients swscale converts RGB to YUV with.
   *
   * @param stated what the source says ({@link #stated})
   * @param width the source picture's width
   * @param height the source picture's height
   * @param pixelFormat FFmpeg's name of the source's pixel format, e.g. {@code yuv420p}, {@code rgb24}
   * @return primaries, transfer and matrix, none {@code unknown}
   */
  public static MediaInfo.Colour of(MediaInfo.Colour stated, int width, int height, String pixelFormat) {
    if (stated.beyondBt709()) {
      return new MediaInfo.Colour("bt709", "bt709", "bt709");
    }
    String assumed = height > SD_MAX_HEIGHT || width >= HD_MIN_WIDTH ? "bt709" : "smpte170m";
    boolean rgb = pixelFormat.contains("rgb") || pixelFormat.contains("bgr") || pixelFormat.startsWith("gbr")
        || pixelFormat.equals("pal8");
    return new MediaInfo.Colour(known(stated.transfer(), assumed), known(stated.primaries(), assumed),
        rgb ? "smpte170m" : known(stated.matrix(), assumed));
  }

  /** The colour a title's renditions of {@code video} are in ({@link #of(MediaInfo.Colour, int, int, String)}). */
  static MediaInfo.Colour of(MediaInfo.Video video) {
    return of(video.colour(), video.width(), video.height(), video.pixelFormat());
  }

  /**
   * Sets an encoder to describe its frames as in {@code colour}, limited range, before it is opened; a name FFmpeg
   * does not know, or {@code unknown}, stays unspecified.
   *
   * @param encoder an H.264 encoder not yet opened
   * @param colour the colour its frames are in
   */
  public static void describe(AVCodecContext encoder, MediaInfo.Colour colour) {
    encoder.color_primaries(known(av_color_primaries_from_name(colour.primaries()), AVCOL_PRI_UNSPECIFIED))
        .color_trc(known(av_color_transfer_from_name(colour.transfer()), AVCOL_TRC_UNSPECIFIED))
        .colorspace(known(av_color_space_from_name(colour.matrix()), AVCOL_SPC_UNSPECIFIED))
        .color_range(AVCOL_RANGE_MPEG);
  }

  private static String name(BytePointer name) {
    return name == null ? "unknown" : name.getString();
  }

  private static String known(String name, String otherwise) {
    return name.equals("unknown") ? otherwise : name;
  }

  private static int known(int value, int unspecified) {
    return value < 0 ? unspecified : value;
  }
}
