package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * What a player would do to show the source, done once before the renditions scale so that every rendition is plain
 * progressive BT.709 SDR: de-interlace signalled interlaced pictures (bwdif, one frame per frame; Apple HLS authoring
 * specification 1.14), apply a title's rotation (the output needs no display matrix), and convert HDR or wide-gamut
 * colour to BT.709 SDR, for a title's transcode and a live one alike.
 *
 * <p>HDR (PQ or HLG, ITU-R BT.2100) and wide gamuts (BT.2020, DCI-P3, Display P3) are converted because a phone's HDR
 * video played as BT.709 looks grey and washed out, Chromium showed an H.264 stream tagged HLG no differently from an
 * untagged one, and a player that ignores the primaries shows a P3 picture's colours duller than they are; the
 * renditions then say BT.709 ({@link RenditionColour}), colours outside its gamut clipped to it. zimg (zscale) takes
 * the picture to linear light with the reference white of ITU-R BT.2408 section 2.2 (203 cd/m2, HLG's 75 % signal) as
 * 1.0, SDR's white, converts the primaries to BT.709, and, for HDR, tone-maps with a Möbius curve ({@link #TONE_MAP},
 * in Java between two filter graphs), then BT.709 transfer, matrix and limited range. It works on float planes, at
 * the largest rendition's size when the source is larger: at 2160p it cost 220 ms of CPU per frame against about 30
 * at 1080p with FFmpeg's tone map.
 *
 * <p>Pictures whose format, size or range changes midway ({@link FrameShape}: broadcast recordings joined end to end,
 * a live encoder switching its resolution) get the filters set up again from there on, the earlier ones' last
 * pictures given first: a graph set up for the first ones refused them.
 */
public final class DisplayFilter implements AutoCloseable {

  /** bwdif sends one frame per frame (not one per field), so the frame rate stays the source's. */
  private static final String DEINTERLACE = "bwdif=mode=send_frame:parity=auto:deint=all";

  /**
   * The tone map, on linear light with SDR's white at 1.0: everything up to 0.7 of SDR's white stays as it is, and the
   * rest up to the 1000 cd/m2 peak that BT.2408 section 6.2 takes as the reference condition for HLG and PQ (4.926
   * times the reference white) is rolled off smoothly into what is left below white, the down-mapping practice of
   * BT.2408 section 5.2: SDR-bright content keeps its levels (an SDR white placed in HLG or PQ comes out at 222 to 230
   * where it was 235, and at 205 to 208 with FFmpeg's default transition at 0.3, which compresses everything above 30 %
   * of white), and highlights keep some detail instead of clipping. The peak is given, not read from the stream's
   * light-level metadata: with this curve, content mastered brighter would only move SDR's levels down (at a 4000
   * cd/m2 peak white comes out at 218) while everything above 1000 cd/m2 still lands within two levels of white.
   */
  static final ToneMap TONE_MAP = new ToneMap(0.7, 1000 / 203.0);

  /**
   * Arguments: input transfer, primaries, matrix. Linear light and BT.709 primaries come out of one zscale: a separate
   * primaries step would take the primaries to convert from from the picture, which fails ("no path between
   * colorspaces") when a stream names its HDR transfer but not its primaries.
   */
  private static final String TO_LINEAR = "zscale=tin=%s:pin=%s:min=%s:t=linear:npl=203:p=bt709,format=gbrpf32le";

  /** From linear light in BT.709 primaries to what the renditions take. */
  private static final String FROM_LINEAR = "zscale=t=bt709:m=bt709:r=tv,format=yuv420p";

  /** DCI-P3's and Display P3's primaries. */
  private static final Set<String> P3_PRIMARIES = Set.of("smpte431", "smpte432");

  /** Transfers with BT.2020's curve, the one constant-luminance Y'C'bC'r is defined with. */
  private static final Set<String> BT2020_CURVE = Set.of("bt709", "smpte170m", "bt2020-10", "bt2020-12");

  /** The transfers, primaries and matrices zscale reads by FFmpeg's names ({@code ffmpeg -h filter=zscale}). */
  private static final Set<String> ZSCALE_TRANSFERS = Set.of("bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m",
      "linear", "log100", "log316", "bt2020-10", "bt2020-12", "smpte2084", "iec61966-2-4", "iec61966-2-1",
      "arib-std-b67");
  private static final Set<String> ZSCALE_PRIMARIES = Set.of("bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m",
      "film", "bt2020", "smpte428", "smpte431", "smpte432", "jedec-p22", "ebu3213");
  private static final Set<String> ZSCALE_MATRICES = Set.of("bt709", "fcc", "bt470bg", "smpte170m", "smpte240m",
      "ycgco", "bt2020nc", "bt2020c", "chroma-derived-nc", "chroma-derived-c", "ictcp");

  /** The filters up to linear light when tone-mapping, else all of them: {@link #firstFilters}. */
  private FilterChain first;
  /** The description of {@link #first}'s filters, to set them up again for pictures of another shape. */
  private final String firstFilters;
  /** The time base of the pictures pushed in (a copy). */
  private final AVRational timeBase;
  /** The pictures {@link #first} was set up for. */
  private FrameShape shape;
  /**
   * The last chains of filters set up for pictures of an earlier shape, ended and drained before the current one.
   */
  private final Deque<FilterChain> ending = new ArrayDeque<>();
  /** For HDR, tone-maps what {@link #first} gives; else null. */
  private final ToneMap toneMap;
  /** For HDR, the filters from linear light on; made for the first tone-mapped picture. */
  private final String afterToneMap;
  private final int threads;
  /** What a failure of the filters means to the user, and what to do about it; null where they only scale. */
  private final Failure failure;
  private FilterChain second;

  private DisplayFilter(AVFrame picture, AVRational timeBase, String firstFilters, ToneMap toneMap,
      String afterToneMap, int threads, Failure failure) {
    this.timeBase = Ffmpeg.rational(timeBase.num(), timeBase.den());
    this.firstFilters = firstFilters;
    this.first = FilterChain.video(TranscodePipeline.videoSourceArgs(picture, timeBase), firstFilters, threads);
    this.shape = FrameShape.of(picture);
    this.toneMap = toneMap;
    this.afterToneMap = afterToneMap;
    this.threads = threads;
    this.failure = failure;
  }

  /**
   * FFmpeg's own account of a failed filter (which names it) is silenced, and its error code alone ("Generic error in
   * an external library" from zimg) tells the user nothing; so the failure says what StreamKit was doing to the
   * source's pictures, and what the user can do.
   */
  private record Failure(String what, String remedy) {

    /** Where the filter only scales (the per-title probe's, on a progressive upright SDR source), none. */
    static Failure of(MediaInfo.Colour stated, boolean interlaced, int rotation) {
      if (stated.beyondBt709()) {
        return new Failure("cannot convert the source's colour (transfer " + stated.transfer() + ", primaries "
            + stated.primaries() + ", matrix " + stated.matrix() + ") to BT.709 SDR",
            "re-encode the source with its colour stated as BT.709 or BT.2100 define it (HDR: transfer smpte2084"
            + " or arib-std-b67, primaries bt2020, matrix bt2020nc)");
      }
      if (interlaced || rotation != 0) {
        return new Failure("cannot de-interlace or rotate the source's pictures",
            "re-encode the source progressive and upright");
      }
      return null;
    }

    static TranscodeException explained(Failure failure, TranscodeException e) {
      return failure == null ? e
          : new TranscodeException(failure.what + ": " + e.getMessage() + "; " + failure.remedy, e);
    }
  }

  /**
   * {@return whether pictures that are {@code interlaced} or in {@code stated} need a display filter}
   *
   * @param stated the colour the stream states ({@link RenditionColour#stated})
   * @param interlaced whether the pictures are interlaced
   */
  public static boolean needed(MediaInfo.Colour stated, boolean interlaced) {
    return interlaced || stated.beyondBt709();
  }

  /**
   * Opens the filter for pictures like {@code first}, sliced over the machine's cores (on the decoding thread, which
   * every rung waits for).
   *
   * @param first the first decoded picture; only read
   * @param timeBase the time base of its timestamps
   * @param stated the colour the stream states
   * @param interlaced whether the pictures are interlaced
   * @param width the largest rendition's width, to which a larger picture is scaled before its colour is converted
   * @param height the largest rendition's height
   * @return the filter, to be closed
   * @throws IllegalArgumentException when there is nothing to do ({@link #needed})
   */
  public static DisplayFilter open(AVFrame first, AVRational timeBase, MediaInfo.Colour stated, boolean interlaced,
      int width, int height) {
    if (!needed(stated, interlaced)) {
      throw new IllegalArgumentException("progressive pictures in " + stated + " need no display filter");
    }
    return open(first, timeBase, interlaced, 0, stated, first.width(), first.height(), width, height, null,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * Opens the filter for a title's source {@code video}, whose first decoded picture is {@code first}, converting
   * colour at {@code width} x {@code height} (the largest rendition's size) when the source is larger, and ending in
   * {@code then} (more filters, or null); null when there is nothing to do.
   */
  static DisplayFilter open(AVFrame first, AVRational timeBase, MediaInfo.Video video, int width, int height,
      String then, int threads) {
    return open(first, timeBase, video.interlaced(), video.rotation(), video.colour(), video.displayWidth(),
        video.displayHeight(), width, height, then, threads);
  }

  private static DisplayFilter open(AVFrame first, AVRational timeBase, boolean interlaced, int rotation,
      MediaInfo.Colour stated, int sourceWidth, int sourceHeight, int width, int height, String then, int threads) {
    List<String> filters = new ArrayList<>();
    if (interlaced) {
      filters.add(DEINTERLACE);
    }
    switch (rotation) {
      case 90 -> filters.add("transpose=clock");
      case 180 -> filters.add("hflip,vflip");
      case 270 -> filters.add("transpose=cclock");
      default -> { }
    }
    List<String> fromLinear = new ArrayList<>();
    if (stated.beyondBt709()) {
      if ((long) sourceWidth * sourceHeight > (long) width * height) {
        filters.add("scale=" + width + ":" + height + ":flags=bicubic");
      }
      // What the stream does not name (or zimg cannot read) is taken as a BT.2020 stream has it; the matrix of SDR
      // on P3 primaries as Apple's P3 D65 video has it, BT.709's.
      String transfer = ZSCALE_TRANSFERS.contains(stated.transfer()) ? stated.transfer() : "bt709";
      String primaries = ZSCALE_PRIMARIES.contains(stated.primaries()) ? stated.primaries() : "bt2020";
      String matrix = ZSCALE_MATRICES.contains(stated.matrix()) ? stated.matrix()
          : !stated.highDynamicRange() && P3_PRIMARIES.contains(primaries) ? "bt709" : "bt2020nc";
      // Pairings no standard defines, which zimg refuses ("no path between colorspaces") and which failed the whole
      // transcode, are taken as the form the standards allow, since a stream stating one is mis-tagged. Constant-
      // luminance Y'C'bC'r is defined with BT.2020's own transfer (ITU-R BT.2020, the BT.709 curve), and ITU-R
      // BT.2100 gives PQ and HLG non-constant-luminance Y'C'bC'r and ICtCp only: constant luminance beside another
      // transfer is taken as non-constant. ICtCp is BT.2100's, from its primaries and for PQ and HLG only: beside
      // other primaries it is taken as on BT.2100's, beside an SDR transfer as Y'C'bC'r.
      if (matrix.equals("bt2020c") && !BT2020_CURVE.contains(transfer)) {
        matrix = "bt2020nc";
      } else if (matrix.equals("ictcp")) {
        if (stated.highDynamicRange()) {
          primaries = "bt2020";
        } else {
          matrix = "bt2020nc";
        }
      }
      filters.add(String.format(Locale.ROOT, TO_LINEAR, transfer, primaries, matrix));
      fromLinear.add(FROM_LINEAR);
    }
    if (then != null) {
      fromLinear.add(then);
    }
    Failure failure = Failure.of(stated, interlaced, rotation);
    try {
      if (stated.highDynamicRange()) {
        return new DisplayFilter(first, timeBase, String.join(",", filters), TONE_MAP, String.join(",", fromLinear),
            threads, failure);
      }
      filters.addAll(fromLinear);
      return filters.isEmpty() ? null
          : new DisplayFilter(first, timeBase, String.join(",", filters), null, null, threads, failure);
    } catch (TranscodeException e) {
      throw Failure.explained(failure, e);
    }
  }

  /**
   * Passes one picture in; de-interlacing holds each back until the next arrives, so what comes out is one picture
   * behind until {@code null} ends the stream.
   *
   * @param picture a decoded picture, whose references move to the filter (it is left empty), or {@code null} at the
   *     end of the stream
   */
  public void push(AVFrame picture) {
    try {
      if (picture != null && !shape.matches(picture)) {
        restart(picture);
      }
      first.push(picture);
      if (toneMap != null) {
        first.drain(this::toneMapAndPass);
        if (picture == null && second != null) {
          second.push(null);
        }
      }
    } catch (TranscodeException e) {
      throw Failure.explained(failure, e);
    }
  }

  /**
   * Ends the filters set up for the pictures so far, whose last pictures {@link #drain} gives before any of the next,
   * and sets them up again for pictures like {@code picture}.
   */
  private void restart(AVFrame picture) {
    first.push(null);
    if (toneMap == null) {
      ending.add(first);
    } else {
      first.drain(this::toneMapAndPass);
      first.close();
    }
    first = null;
    FilterChain last = second;
    second = null;
    if (last != null) {
      ending.add(last);
      last.push(null);
    }
    first = FilterChain.video(TranscodePipeline.videoSourceArgs(picture, timeBase), firstFilters, threads);
    shape = FrameShape.of(picture);
  }

  private void toneMapAndPass(AVFrame linear) {
    Ffmpeg.check(av_frame_make_writable(linear), "cannot make a picture writable for the tone map");
    toneMap.apply(linear);
    if (second == null) {
      second = FilterChain.video(TranscodePipeline.videoSourceArgs(linear, first.outputTimeBase()), afterToneMap,
          threads);
    }
    second.push(linear);
  }

  /**
   * Hands every picture the filter can give now, in order, to {@code consumer}, which must not keep it.
   *
   * @param consumer receives each filtered picture
   */
  public void drain(Consumer<AVFrame> consumer) {
    while (!ending.isEmpty()) {
      drain(ending.peek(), consumer);
      ending.remove().close();
    }
    drain(toneMap == null ? first : second, consumer);
  }

  private void drain(FilterChain last, Consumer<AVFrame> consumer) {
    while (last != null) {
      AVFrame shown;
      try {
        shown = last.next();
      } catch (TranscodeException e) {
        throw Failure.explained(failure, e);
      }
      if (shown == null) {
        return;
      }
      try {
        consumer.accept(shown);
      } finally {
        av_frame_unref(shown);
      }
    }
  }

  /** The time base of the pictures that come out, the same as of those into {@link #second}. */
  AVRational outputTimeBase() {
    return second != null ? second.outputTimeBase() : first.outputTimeBase();
  }

  @Override
  public void close() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    ending.forEach(FilterChain::close);
  }
}
