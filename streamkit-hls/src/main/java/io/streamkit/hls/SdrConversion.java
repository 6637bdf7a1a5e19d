package io.streamkit.hls;

import java.util.Locale;
import java.util.Set;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * HDR (PQ or HLG, ITU-R BT.2100) or wide-gamut (BT.2020) pictures to BT.709 SDR, which every player shows right (the
 * renditions say so, {@link RenditionColour}); played as BT.709 unconverted, a phone's HDR video looks grey and washed
 * out, and Chromium showed an H.264 stream tagged HLG no differently from an untagged one. A title's display filter
 * converts with {@link #description}; a live stream, whose pictures come one at a time, with an instance.
 *
 * <p>zimg (zscale) takes the picture to linear light with the reference white of ITU-R BT.2408 section 2.2 (203
 * cd/m2, HLG's 75 % signal) as 1.0, converts the primaries to BT.709, and, for HDR, tone-maps with a Möbius curve,
 * which leaves everything up to 0.3 of the peak as it is and rolls the highlights above it off smoothly (the colours of
 * SDR-bright content stay within a few percent of an SDR master; highlights keep their detail), then BT.709 transfer,
 * matrix and limited range. It works on float planes, at the largest rendition's size when the source is larger: at
 * 2160p it cost 220 ms of CPU per frame against about 30 at 1080p. Used from one thread only.
 */
public final class SdrConversion implements AutoCloseable {

  /** Arguments: input transfer, primaries, matrix, the tone-mapping step. */
  private static final String TO_BT709 = "zscale=tin=%s:pin=%s:min=%s:t=linear:npl=203,format=gbrpf32le,"
      + "zscale=p=bt709%s,zscale=t=bt709:m=bt709:r=tv,format=yuv420p";

  /** The transfers, primaries and matrices zscale reads by FFmpeg's names ({@code ffmpeg -h filter=zscale}). */
  private static final Set<String> ZSCALE_TRANSFERS = Set.of("bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m",
      "linear", "log100", "log316", "bt2020-10", "bt2020-12", "smpte2084", "iec61966-2-4", "iec61966-2-1",
      "arib-std-b67");
  private static final Set<String> ZSCALE_PRIMARIES = Set.of("bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m",
      "film", "bt2020", "smpte428", "smpte431", "smpte432", "jedec-p22", "ebu3213");
  private static final Set<String> ZSCALE_MATRICES = Set.of("bt709", "fcc", "bt470bg", "smpte170m", "smpte240m",
      "ycgco", "bt2020nc", "bt2020c", "chroma-derived-nc", "chroma-derived-c", "ictcp");

  private final FilterChain chain;
  private AVFrame converted;

  private SdrConversion(FilterChain chain) {
    this.chain = chain;
  }

  /**
   * Opens a conversion for pictures like {@code first}, which are in {@code stated} (HDR or BT.2020:
   * {@link MediaInfo.Colour#beyondBt709}), sliced over the machine's cores.
   *
   * @param first the first decoded picture; only read
   * @param timeBase the time base of its timestamps
   * @param stated the colour the stream states ({@link RenditionColour#stated})
   * @param width the largest rendition's width, to which a larger picture is scaled before it is converted
   * @param height the largest rendition's height
   * @return the conversion, to be closed
   */
  public static SdrConversion open(AVFrame first, AVRational timeBase, MediaInfo.Colour stated, int width,
      int height) {
    return new SdrConversion(FilterChain.video(TranscodePipeline.videoSourceArgs(first, timeBase),
        description(stated, first.width(), first.height(), width, height), Runtime.getRuntime().availableProcessors()));
  }

  /**
   * Converts one picture.
   *
   * @param picture a decoded picture; its references move to the conversion, which leaves it empty
   * @return the picture in BT.709 SDR, limited range, {@code yuv420p}; valid until the next call or {@link #close}
   */
  public AVFrame convert(AVFrame picture) {
    if (converted != null) {
      avutil.av_frame_unref(converted);
      converted = null;
    }
    chain.push(picture);
    converted = chain.next();
    if (converted == null) {
      throw new TranscodeException("the colour conversion to BT.709 gave no picture");
    }
    return converted;
  }

  /**
   * The filter description converting pictures in {@code stated} to BT.709, scaled first to {@code width} x
   * {@code height} when the source's {@code sourceWidth} x {@code sourceHeight} has more pixels; what the stream does
   * not name (or zimg cannot read) is taken as a BT.2020 stream has it.
   */
  static String description(MediaInfo.Colour stated, int sourceWidth, int sourceHeight, int width, int height) {
    String scale = (long) sourceWidth * sourceHeight > (long) width * height
        ? "scale=" + width + ":" + height + ":flags=bicubic," : "";
    return scale + String.format(Locale.ROOT, TO_BT709,
        ZSCALE_TRANSFERS.contains(stated.transfer()) ? stated.transfer() : "bt709",
        ZSCALE_PRIMARIES.contains(stated.primaries()) ? stated.primaries() : "bt2020",
        ZSCALE_MATRICES.contains(stated.matrix()) ? stated.matrix() : "bt2020nc",
        stated.highDynamicRange() ? ",tonemap=tonemap=mobius:desat=0" : "");
  }

  @Override
  public void close() {
    chain.close();
  }
}
