package io.streamkit.hls.live;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set_int;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_alloc_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_init_context;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.hls.MediaInfo;
import io.streamkit.hls.RenditionColour;
import io.streamkit.hls.TranscodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;

/**
 * One video rung of a live ladder: the shared decoded picture scaled to the rung's size (libswscale), its frame rate
 * reduced to the rung's by keeping the frames that land on a new tick of the rung's clock, and encoded by x264 into
 * a {@link CmafTrack}.
 *
 * <p>x264 runs with {@code tune=zerolatency} (no B-frames, no lookahead, sliced threads: a packet comes out for every
 * frame that goes in), on the threads {@link io.streamkit.hls.EncoderThreads} gives the rung, and a GOP of exactly one
 * segment, with the first frame of every segment sent as {@code AV_PICTURE_TYPE_I} and {@code forced-idr=1}, scene-cut
 * detection off and closed GOPs, so every rung has an IDR at the same instants and each segment starts with one (RFC
 * 8216bis section 6.2.4; Apple HLS authoring specification 1.13). High profile whatever the preset (CABAC and 8x8
 * transforms stay on even in {@code ultrafast}, as the authoring specification 1.3 asks of the larger rungs), VBV
 * capped at the plan's maximum rate over one second.
 */
final class VideoRung implements AutoCloseable {

  static final String X264 = "libx264";

  private final PlannedRendition plan;
  private final int segmentSeconds;
  private final AVCodecContext encoder;
  private final AVFrame scaled = av_frame_alloc();
  private final AVPacket packet = av_packet_alloc();
  /** Packets encoded but not yet handed to the track: encoding may run on a worker, the track on the caller. */
  private final List<AVPacket> encoded = new ArrayList<>();
  private String codecs;
  private CmafTrack track;
  private SwsContext scaler;
  private int scalerWidth;
  private int scalerHeight;
  private int scalerFormat;
  private int scalerRange;
  private long lastTick = -1;
  private long lastSegment = -1;

  private VideoRung(PlannedRendition plan, AVCodecContext encoder, int segmentSeconds, double partSeconds,
      LiveSink sink) {
    this.plan = plan;
    this.segmentSeconds = segmentSeconds;
    this.encoder = encoder;
    try {
      this.codecs = codecsOf(encoder, plan.name());
      scaled.width(plan.width()).height(plan.height()).format(AV_PIX_FMT_YUV420P);
      FfmpegCall.check(av_frame_get_buffer(scaled, 0), "cannot allocate a picture for rendition " + plan.name());
      track = new CmafTrack(plan.name(), encoder, sink, segmentSeconds, partSeconds, 1);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Opens the rung's encoder on {@code threads} slice threads, its stream stating {@code colour}
   * ({@link RenditionColour}), and its track; frees what it allocated if it fails.
   */
  static VideoRung open(PlannedRendition plan, String preset, int threads, MediaInfo.Colour colour,
      int segmentSeconds, double partSeconds, LiveSink sink) {
    return new VideoRung(plan, openEncoder(plan, preset, threads, colour, segmentSeconds), segmentSeconds,
        partSeconds, sink);
  }

  private static AVCodecContext openEncoder(PlannedRendition plan, String preset, int threads,
      MediaInfo.Colour colour, int segmentSeconds) {
    AVCodec codec = avcodec_find_encoder_by_name(X264);
    if (codec == null) {
      throw new TranscodeException("the FFmpeg natives have no libx264; use org.bytedeco:ffmpeg with the -gpl "
          + "classifier");
    }
    AVCodecContext encoder = avcodec_alloc_context3(codec);
    AVDictionary options = new AVDictionary(null);
    try {
      int fpsNum = plan.frameRate().numerator();
      int fpsDen = plan.frameRate().denominator();
      int gop = (int) Math.round(segmentSeconds * plan.frameRate().fps());
      encoder.width(plan.width()).height(plan.height()).pix_fmt(AV_PIX_FMT_YUV420P);
      encoder.time_base(av_make_q(fpsDen, fpsNum)).framerate(av_make_q(fpsNum, fpsDen));
      encoder.sample_aspect_ratio(av_make_q(1, 1));
      encoder.bit_rate(plan.videoBitrate()).rc_max_rate(plan.maxVideoBitrate())
          .rc_buffer_size((int) Math.min(Integer.MAX_VALUE, plan.maxVideoBitrate()));
      encoder.gop_size(gop + 1).max_b_frames(0);
      encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
      encoder.thread_count(threads);
      RenditionColour.describe(encoder, colour);
      String purpose = "rendition " + plan.name();
      FfmpegCall.check(av_opt_set(encoder.priv_data(), "preset", preset, 0), "unknown x264 preset " + preset);
      FfmpegCall.check(av_opt_set(encoder.priv_data(), "tune", "zerolatency", 0), "cannot tune x264 for latency");
      FfmpegCall.check(av_opt_set(encoder.priv_data(), "profile", "high", 0), "cannot select H.264 High profile");
      FfmpegCall.check(av_opt_set(encoder.priv_data(), "forced-idr", "1", 0), "cannot enable forced IDR frames");
      // A GOP one frame longer than the segment: the forced IDR at each boundary always comes first, even when a
      // 29.97 fps segment holds one frame more than its rounded length.
      av_dict_set(options, "x264-params", String.format(Locale.ROOT,
          "keyint=%d:scenecut=0:open-gop=0:bframes=0:cabac=1:8x8dct=1", gop + 1), 0);
      FfmpegCall.check(avcodec_open2(encoder, codec, options), "cannot open " + X264 + " for " + purpose);
      return encoder;
    } catch (RuntimeException e) {
      avcodec_free_context(encoder);
      throw e;
    } finally {
      av_dict_free(options);
    }
  }

  /** RFC 6381 section 3.3 {@code avc1.PPCCLL} from the SPS in the encoder's Annex B extradata. */
  private static String codecsOf(AVCodecContext encoder, String rendition) {
    byte[] extradata = new byte[encoder.extradata_size()];
    encoder.extradata().get(extradata);
    for (int i = 0; i + 6 < extradata.length; i++) {
      if (extradata[i] == 0 && extradata[i + 1] == 0 && extradata[i + 2] == 1 && (extradata[i + 3] & 0x1f) == 7) {
        return String.format(Locale.ROOT, "avc1.%02x%02x%02x", extradata[i + 4] & 0xff, extradata[i + 5] & 0xff,
            extradata[i + 6] & 0xff);
      }
    }
    throw new TranscodeException("x264 produced no sequence parameter set for rendition " + rendition);
  }

  PlannedRendition plan() {
    return plan;
  }

  String codecs() {
    return codecs;
  }

  CmafTrack track() {
    return track;
  }

  /**
   * Encodes {@code source} (a decoded picture, only read, so rungs may encode it at once on several threads) if it
   * lands on a new tick of this rung's clock; {@code mediaSeconds} is its time on the output timeline. The packets
   * wait for {@link #writeEncoded()}.
   */
  void encode(AVFrame source, double mediaSeconds) {
    long tick = tickOf(mediaSeconds);
    if (tick <= lastTick) {
      return;
    }
    lastTick = tick;
    if (scaler == null || source.width() != scalerWidth || source.height() != scalerHeight
        || source.format() != scalerFormat || source.color_range() != scalerRange) {
      sws_freeContext(scaler);
      scaler = null;
      scaler = scalerFor(source);
      scalerWidth = source.width();
      scalerHeight = source.height();
      scalerFormat = source.format();
      scalerRange = source.color_range();
    }
    FfmpegCall.check(av_frame_make_writable(scaled), "cannot reuse the picture of rendition " + plan.name());
    FfmpegCall.check(sws_scale_frame(scaler, scaled, source), "cannot scale a picture for rendition " + plan.name());
    long segment = Math.floorDiv(tick * plan.frameRate().denominator(),
        (long) plan.frameRate().numerator() * segmentSeconds);
    scaled.pts(tick);
    scaled.pict_type(segment != lastSegment ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
    lastSegment = segment;
    send(scaled);
  }

  /**
   * A scaler from {@code source}'s size and format to the rung's. It converts a full-range picture (luma 0-255) to the
   * limited range the rung's stream states ({@link RenditionColour}), also when the decoder states the range on the
   * picture rather than by a yuvj pixel format, as the VP9 and AV1 decoders do, and whether or not the size changes.
   */
  private SwsContext scalerFor(AVFrame source) {
    SwsContext context = sws_alloc_context();
    String failure = "cannot scale " + source.width() + "x" + source.height() + " pictures to " + plan.width() + "x"
        + plan.height() + " for rendition " + plan.name();
    if (context == null) {
      throw new TranscodeException(failure);
    }
    try {
      FfmpegCall.check(av_opt_set_int(context, "srcw", source.width(), 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "srch", source.height(), 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "src_format", source.format(), 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "src_range", source.color_range() == AVCOL_RANGE_JPEG ? 1 : 0, 0),
          failure);
      FfmpegCall.check(av_opt_set_int(context, "dstw", plan.width(), 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "dsth", plan.height(), 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "dst_format", AV_PIX_FMT_YUV420P, 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "dst_range", 0, 0), failure);
      FfmpegCall.check(av_opt_set_int(context, "sws_flags", SWS_BILINEAR, 0), failure);
      FfmpegCall.check(sws_init_context(context, null, null), failure);
      return context;
    } catch (RuntimeException e) {
      sws_freeContext(context);
      throw e;
    }
  }

  /** Hands the packets encoded so far to the track, which may call the sink: on the transcoder's thread. */
  void writeEncoded() {
    try {
      for (AVPacket ready : encoded) {
        track.write(ready);
      }
    } finally {
      discardEncoded();
    }
  }

  /** Drains the encoder and closes the track's last part and segment, which ends at {@code endSeconds}. */
  void finish(double endSeconds) {
    send(null);
    writeEncoded();
    track.finish(tickOf(endSeconds));
  }

  private long tickOf(double mediaSeconds) {
    return (long) Math.floor(mediaSeconds * plan.frameRate().fps() + 0.5 - 1e-6);
  }

  private void discardEncoded() {
    for (AVPacket ready : encoded) {
      av_packet_free(ready);
    }
    encoded.clear();
  }

  private void send(AVFrame frame) {
    FfmpegCall.check(avcodec_send_frame(encoder, frame), X264 + " rejected a frame in rendition " + plan.name());
    while (true) {
      int ret = avcodec_receive_packet(encoder, packet);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
        return;
      }
      FfmpegCall.check(ret, X264 + " failed in rendition " + plan.name());
      encoded.add(av_packet_clone(packet));
      av_packet_unref(packet);
    }
  }

  @Override
  public void close() {
    discardEncoded();
    if (track != null) {
      track.close();
      track = null;
    }
    sws_freeContext(scaler);
    scaler = null;
    av_frame_free(scaled);
    av_packet_free(packet);
    avcodec_free_context(encoder);
  }
}
