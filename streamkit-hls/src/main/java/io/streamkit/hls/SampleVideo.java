package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_time_base;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_set_frame_size;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_compare_ts;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * A generated sample video: FFmpeg's {@code testsrc2} test pattern with a 440 Hz {@code sine} tone, 640x360 at 30 fps,
 * H.264 ({@link H264Encoder}) and AAC-LC stereo 48 kHz in MP4 — something to ingest when there is no video at hand.
 *
 * <p>The pattern and the tone come from libavfilter's source filters, pulled straight from a buffer sink. The ffmpeg
 * command line reaches the same sources through the {@code lavfi} input device of libavdevice, whose native library
 * links PulseAudio's {@code libpulse.so.0}, which servers and containers often lack; this class never loads it.
 *
 * <pre>{@code
 * SampleVideo.write(Path.of("sample.mp4"), 12);
 * }</pre>
 */
public final class SampleVideo {

  /** Picture width of the sample, in pixels. */
  public static final int WIDTH = 640;
  /** Picture height of the sample, in pixels. */
  public static final int HEIGHT = 360;
  /** Constant frame rate of the sample, in frames per second; a keyframe comes every two seconds. */
  public static final int FRAME_RATE = 30;
  /** Audio sample rate of the sample, in Hz: the rate every transcoded title's audio has. */
  public static final int SAMPLE_RATE = TranscodePipeline.AUDIO_SAMPLE_RATE;
  /** Longest sample {@link #write} makes, in seconds. */
  public static final int MAX_SECONDS = 600;

  private static final int KEYFRAME_INTERVAL_FRAMES = 2 * FRAME_RATE;

  private SampleVideo() {}

  /**
   * Writes {@code seconds} of the sample to {@code target} (replaced if it exists; any extension, the container is
   * always MP4). A failed write leaves no file behind.
   *
   * @param target the file to write; its directory must exist
   * @param seconds length of the sample, in whole seconds
   * @throws IllegalArgumentException if {@code seconds} is not between 1 and {@value #MAX_SECONDS}
   * @throws TranscodeException if FFmpeg cannot encode or write it
   */
  public static void write(Path target, int seconds) {
    if (seconds < 1 || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("seconds must be between 1 and " + MAX_SECONDS + ", got " + seconds);
    }
    Ffmpeg.load();
    try (Stream video = new Stream(String.format(Locale.ROOT,
            "testsrc2=size=%dx%d:rate=%d:duration=%d,format=yuv420p", WIDTH, HEIGHT, FRAME_RATE, seconds),
            openH264(), true);
        Stream audio = new Stream(String.format(Locale.ROOT,
            "sine=frequency=440:sample_rate=%d:duration=%d,aformat=sample_fmts=fltp:channel_layouts=stereo",
            SAMPLE_RATE, seconds), openAac(), false);
        Mp4 mp4 = new Mp4(target, video, audio)) {
      // Feed whichever stream is behind, so the muxer's interleaving queue stays short.
      while (!video.finished || !audio.finished) {
        Stream next = audio.finished || (!video.finished
            && av_compare_ts(video.nextPts, video.encoder.time_base(), audio.nextPts, audio.encoder.time_base()) <= 0)
            ? video : audio;
        next.step(mp4);
      }
      mp4.finish();
    } catch (RuntimeException | Error e) {
      try {
        Files.deleteIfExists(target);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static AVCodecContext openH264() {
    H264Encoder h264 = H264Encoder.available();
    AVCodecContext encoder = h264.allocate();
    encoder.width(WIDTH).height(HEIGHT).pix_fmt(AV_PIX_FMT_YUV420P);
    encoder.time_base(Ffmpeg.rational(1, FRAME_RATE)).framerate(Ffmpeg.rational(FRAME_RATE, 1));
    encoder.gop_size(KEYFRAME_INTERVAL_FRAMES).flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    try {
      h264.open(encoder, "veryfast", "the sample video");
      return encoder;
    } catch (RuntimeException e) {
      avcodec_free_context(encoder);
      throw e;
    }
  }

  private static AVCodecContext openAac() {
    AVCodec codec = avcodec_find_encoder_by_name("aac");
    AVCodecContext encoder = avcodec_alloc_context3(codec);
    encoder.sample_rate(SAMPLE_RATE).sample_fmt(AV_SAMPLE_FMT_FLTP).bit_rate(TranscodePipeline.AUDIO_BITRATE)
        .time_base(Ffmpeg.rational(1, SAMPLE_RATE));
    av_channel_layout_default(encoder.ch_layout(), 2);
    encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    try {
      Ffmpeg.check(avcodec_open2(encoder, codec, (AVDictionary) null), "cannot open the AAC encoder");
      return encoder;
    } catch (RuntimeException e) {
      avcodec_free_context(encoder);
      throw e;
    }
  }

  /** One source filter chain ending in a buffer sink, and the encoder its frames go to. */
  private static final class Stream implements AutoCloseable {
    final AVCodecContext encoder;
    private final boolean audio;
    private final AVFilterGraph graph = avfilter_graph_alloc();
    private final AVFilterContext sink = new AVFilterContext(null);
    private final AVFrame frame = av_frame_alloc();
    private final AVPacket packet = av_packet_alloc();
    private int streamIndex;
    /** Timestamp of the next frame to encode, in the encoder's time base. */
    long nextPts;
    boolean finished;
    private boolean flushed;

    Stream(String description, AVCodecContext encoder, boolean video) {
      this.encoder = encoder;
      this.audio = !video;
      AVFilterInOut inputs = avfilter_inout_alloc();
      try {
        graph.nb_threads(1);
        Ffmpeg.check(avfilter_graph_create_filter(sink, avfilter_get_by_name(video ? "buffersink" : "abuffersink"),
            "out", null, null, graph), "cannot create filter sink");
        inputs.name(av_strdup(new BytePointer("out"))).filter_ctx(sink).pad_idx(0).next(null);
        // A source-only graph: its last output feeds "out"; it has no open input, so no outputs list is passed.
        Ffmpeg.check(avfilter_graph_parse_ptr(graph, description, inputs, (AVFilterInOut) null, null),
            "cannot parse filter graph '" + description + "'");
        Ffmpeg.check(avfilter_graph_config(graph, null), "cannot configure filter graph '" + description + "'");
        if (!video) {
          av_buffersink_set_frame_size(sink, encoder.frame_size());
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      } finally {
        avfilter_inout_free(inputs);
      }
    }

    /** Encodes the next frame from the graph (or flushes the encoder at its end) and writes what comes out. */
    void step(Mp4 mp4) {
      if (!flushed) {
        int ret = av_buffersink_get_frame(sink, frame);
        if (ret == AVERROR_EOF) {
          flushed = true;
          Ffmpeg.check(avcodec_send_frame(encoder, null), "cannot flush the sample's encoder");
        } else {
          Ffmpeg.check(ret, "the sample's filter graph failed");
          try {
            AVRational graphTimeBase = av_buffersink_get_time_base(sink);
            frame.pts(av_rescale_q(frame.pts(), graphTimeBase, encoder.time_base()));
            frame.duration(audio ? frame.nb_samples() : 1);
            // testsrc2 marks every picture as I, which the encoder would obey; let the encoder choose, as ffmpeg does.
            frame.pict_type(AV_PICTURE_TYPE_NONE);
            nextPts = frame.pts() + frame.duration();
            Ffmpeg.check(avcodec_send_frame(encoder, frame), "the sample's encoder rejected a frame");
          } finally {
            av_frame_unref(frame);
          }
        }
      }
      while (true) {
        int ret = avcodec_receive_packet(encoder, packet);
        if (ret == AVERROR_EAGAIN()) {
          return;
        }
        if (ret == AVERROR_EOF) {
          finished = true;
          return;
        }
        Ffmpeg.check(ret, "the sample's encoder failed");
        if (packet.duration() == 0) {
          // Encoders leave packet durations unset; the MP4 muxer needs the last one, or the video ends a frame early.
          packet.duration(1);
        }
        mp4.write(packet, encoder.time_base(), streamIndex);
      }
    }

    @Override
    public void close() {
      av_packet_free(packet);
      av_frame_free(frame);
      avfilter_graph_free(graph);
      avcodec_free_context(encoder);
    }
  }

  /** The MP4 file: one stream per encoder, packets interleaved by libavformat. */
  private static final class Mp4 implements AutoCloseable {
    private final AVFormatContext context = new AVFormatContext(null);
    private final Path target;
    private AVIOContext io;

    Mp4(Path target, Stream... streams) {
      this.target = target;
      Ffmpeg.check(avformat_alloc_output_context2(context, null, "mp4", target.toString()),
          "cannot create MP4 output " + target);
      try {
        for (Stream stream : streams) {
          AVStream out = avformat_new_stream(context, null);
          Ffmpeg.check(avcodec_parameters_from_context(out.codecpar(), stream.encoder),
              "cannot copy encoder parameters");
          out.time_base(stream.encoder.time_base());
          stream.streamIndex = out.index();
        }
        io = new AVIOContext(null);
        Ffmpeg.check(avio_open(io, target.toString(), AVIO_FLAG_WRITE), "cannot write " + target);
        context.pb(io);
        Ffmpeg.check(avformat_write_header(context, (AVDictionary) null), "cannot start MP4 output " + target);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    void write(AVPacket packet, AVRational timeBase, int streamIndex) {
      packet.stream_index(streamIndex);
      av_packet_rescale_ts(packet, timeBase, context.streams(streamIndex).time_base());
      Ffmpeg.check(av_interleaved_write_frame(context, packet), "cannot write " + target);
    }

    void finish() {
      Ffmpeg.check(av_write_trailer(context), "cannot finish " + target);
    }

    @Override
    public void close() {
      if (io != null && !io.isNull()) {
        avio_closep(io);
      }
      avformat_free_context(context);
    }
  }
}
