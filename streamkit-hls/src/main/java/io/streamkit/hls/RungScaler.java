package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import io.streamkit.abr.ladder.PlannedRendition;
import java.util.Locale;

/**
 * The filter that brings the frames a rung is given to the rung's size and rate, in the limited-range 8-bit 4:2:0
 * its encoder takes.
 *
 * <p>8-bit 4:2:0 frames of even sizes, the pictures of nearly every title, are scaled by zimg ({@code zscale}): on a
 * two-core machine with AVX-512 it took 29–42 % less CPU than libswscale for each rung of the default ladder from
 * 1080p, and scaling is the largest cost of a transcode after x264 (benchmarks/README.md, "Transcode vs the ffmpeg
 * command line"). From the source, zimg's bicubic filter is given libswscale's bicubic parameters (B = 0,
 * C = 0.6; Mitchell and Netravali, "Reconstruction filters in computer graphics", SIGGRAPH 1988), so a rung is the
 * picture the ffmpeg command line makes by default: at every rung of four sources, scaler alone, PSNR no more than
 * 0.011 dB below it and SSIM no more than 0.0008 (up to 0.13 dB and 0.00003 above, on an animation). From a larger
 * rung ({@link TranscodePipeline#scaledFrom}) both scalers use three-lobe Lanczos, sharper, except for a small rung
 * ({@link TranscodePipeline#small}), which keeps the bicubic filter: Lanczos from 720p to 234p rang on screen text
 * (SSIM 0.0007 below the command line's rung), bicubic matched the rung scaled from the source. Every other picture
 * (odd sizes, 10-bit, 4:2:2, 4:4:4, RGB, full-range JPEG formats) goes to libswscale, which converts the depth, chroma
 * and matrix as every rung's colour description states ({@link RenditionColour}).
 *
 * <p>A rung of the source's own size, in the limited range, is not scaled at all: its frames are the decoder's. zimg
 * would copy every picture (0.4 ms of CPU for each 1080p one, about 1 % of a default-ladder transcode from 1080p),
 * where libswscale, as the ffmpeg command line uses it, passes a picture it has nothing to do for on untouched.
 *
 * <p>A rung's size is planned for the shape of the source's first pictures. Pictures of another shape later on (a
 * broadcast recording switching between 4:3 and 16:9 programmes, with the same 720x576 and another sample aspect
 * ratio) keep their shape: scaled to fit and centred on black, letterboxed or pillarboxed, as a television shows them
 * (where the ffmpeg command line would stretch them to the rung's size).
 */
final class RungScaler {

  private static final String COLOUR_UNTOUCHED =
      "min=unspecified:m=unspecified:tin=unspecified:t=unspecified:pin=unspecified:p=unspecified";

  /** How far a picture's shape may differ from the rung's before it is boxed rather than stretched: 2 %. */
  private static final double ASPECT_TOLERANCE = 0.02;

  private RungScaler() {}

  /**
   * The filter graph description for {@code plan}'s rung given frames of {@code sourcePixelFormat}
   * ({@code AVPixelFormat}), size and range ({@code fullRange}: JPEG's 0-255), from a larger rung when
   * {@code fromRung}; {@code aspectChange} is the frames' display aspect ratio over the one the rung was planned for
   * (1 but for a source whose pictures change shape).
   */
  static String filter(PlannedRendition plan, int sourcePixelFormat, int sourceWidth, int sourceHeight,
      boolean fullRange, boolean fromRung, double aspectChange) {
    int width = plan.width();
    int height = plan.height();
    if (Math.abs(aspectChange - 1) > ASPECT_TOLERANCE) {
      double aspect = (double) plan.width() / plan.height() * aspectChange;
      if (aspectChange > 1) {
        height = Math.max(2, (int) Math.round(plan.width() / aspect / 2) * 2);
      } else {
        width = Math.max(2, (int) Math.round(plan.height() * aspect / 2) * 2);
      }
    }
    // zimg takes 4:2:0 pictures of even sizes only ("image dimensions must be divisible by subsampling factor"), as
    // H.264 and HEVC code them; VP9, AV1 and FFV1 may have odd ones.
    boolean zimgTakes = sourcePixelFormat == AV_PIX_FMT_YUV420P && sourceWidth % 2 == 0 && sourceHeight % 2 == 0;
    boolean lanczos = fromRung && !TranscodePipeline.small(plan);
    String scale;
    if (zimgTakes && !fullRange && width == sourceWidth && height == sourceHeight) {
      scale = ""; // the decoder's own pictures
    } else if (zimgTakes) {
      // Colour-blind: a resize needs no matrix, transfer or primaries, and zimg would refuse a frame whose tags
      // differ from what the graph was configured with ("no path between colorspaces"), as a joined file's may.
      // r=limited: a full-range source tagged so on yuv420p frames becomes the limited range that an H.264 stream
      // without a colour description is played as (ITU-T H.264 Annex E: video_full_range_flag 0).
      scale = String.format(Locale.ROOT, ",zscale=w=%d:h=%d:f=%s:%s:r=limited", width, height,
          lanczos ? "lanczos" : "bicubic:param_a=0:param_b=0.6", COLOUR_UNTOUCHED);
    } else {
      scale = String.format(Locale.ROOT, ",scale=%d:%d:flags=%s:out_range=tv", width, height,
          lanczos ? "lanczos" : "bicubic");
    }
    String boxed = "";
    if (width != plan.width() || height != plan.height()) {
      // Offsets even, as 4:2:0 chroma needs them.
      boxed = String.format(Locale.ROOT, ",pad=%d:%d:%d:%d:black", plan.width(), plan.height(),
          (plan.width() - width) / 4 * 2, (plan.height() - height) / 4 * 2);
    }
    return "fps=fps=" + plan.frameRate() + scale + boxed + ",setsar=1,format=yuv420p";
  }
}
