package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_time_base;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_set_frame_size;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One libavfilter graph with a single input and a single output, described in the filtergraph syntax of the ffmpeg
 * command line ({@code fps=30,scale=640:360,format=yuv420p}). Used from one thread only.
 */
final class FilterChain implements AutoCloseable {

  private final AVFilterGraph graph;
  private final AVFilterContext source;
  private final AVFilterContext sink;
  private final AVFrame output = avutil.av_frame_alloc();
  private final boolean audio;
  /** Audio: where the next frame starts, in the output time base, for a frame that comes out untimed. */
  private long nextAudioPts;
  /**
   * The output time base, read once: fixed once the graph is configured, and each read is a struct returned by value
   * (a native allocation JavaCPP frees through a reference queue), which per frame added up.
   */
  private AVRational outputTimeBase;

  private FilterChain(boolean video, String sourceArgs, String description, int audioFrameSize, int threads) {
    audio = !video;
    graph = avfilter_graph_alloc();
    graph.nb_threads(threads);
    source = new AVFilterContext(null);
    sink = new AVFilterContext(null);
    AVFilterInOut outputs = avfilter_inout_alloc();
    AVFilterInOut inputs = avfilter_inout_alloc();
    try {
      Ffmpeg.check(avfilter_graph_create_filter(source, avfilter_get_by_name(video ? "buffer" : "abuffer"), "in",
          sourceArgs, null, graph), "cannot create filter source " + sourceArgs);
      Ffmpeg.check(avfilter_graph_create_filter(sink, avfilter_get_by_name(video ? "buffersink" : "abuffersink"),
          "out", null, null, graph), "cannot create filter sink");
      outputs.name(av_strdup(new org.bytedeco.javacpp.BytePointer("in"))).filter_ctx(source).pad_idx(0).next(null);
      inputs.name(av_strdup(new org.bytedeco.javacpp.BytePointer("out"))).filter_ctx(sink).pad_idx(0).next(null);
      Ffmpeg.check(avfilter_graph_parse_ptr(graph, description, inputs, outputs, null),
          "cannot parse filter graph '" + description + "'");
      Ffmpeg.check(avfilter_graph_config(graph, null), "cannot configure filter graph '" + description + "'");
      if (audioFrameSize > 0) {
        av_buffersink_set_frame_size(sink, audioFrameSize);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    } finally {
      avfilter_inout_free(inputs);
      avfilter_inout_free(outputs);
    }
  }

  static FilterChain video(String sourceArgs, String description) {
    // Scaling is the per-rung cost besides x264; a single filter thread keeps the rung workers from oversubscribing.
    return video(sourceArgs, description, 1);
  }

  /** A video chain whose filters may split each frame into slices over {@code threads} threads. */
  static FilterChain video(String sourceArgs, String description, int threads) {
    return new FilterChain(true, sourceArgs, description, 0, threads);
  }

  static FilterChain audio(String sourceArgs, String description, int frameSize) {
    return new FilterChain(false, sourceArgs, description, frameSize, 1);
  }

  AVRational outputTimeBase() {
    if (outputTimeBase == null) {
      outputTimeBase = av_buffersink_get_time_base(sink);
    }
    return outputTimeBase;
  }

  /** Pushes one frame (ownership of its references moves to the graph), or {@code null} at end of stream. */
  void push(AVFrame frame) {
    Ffmpeg.check(av_buffersrc_add_frame_flags(source, frame, 0), "filter graph rejected a frame");
  }

  /** Hands every frame the graph can produce now to {@code consumer}, which must not keep it. */
  void drain(Consumer<AVFrame> consumer) {
    drainBefore(Long.MAX_VALUE, consumer);
  }

  /**
   * Like {@link #drain} but stops at the first frame timed at or after {@code endPts} (output time base), which is
   * discarded; needed to end an endless source such as {@code apad}.
   */
  void drainBefore(long endPts, Consumer<AVFrame> consumer) {
    while (true) {
      if (next() == null) {
        return;
      }
      try {
        if (output.pts() >= endPts) {
          return;
        }
        consumer.accept(output);
      } finally {
        avutil.av_frame_unref(output);
      }
    }
  }

  /**
   * {@return the next frame the graph can produce now, or {@code null}} The frame belongs to this chain: the caller
   * unreferences it ({@code av_frame_unref}) before asking for the next.
   */
  AVFrame next() {
    int ret = av_buffersink_get_frame(sink, output);
    if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
      return null;
    }
    Ffmpeg.check(ret, "filter graph failed");
    if (audio) {
      // apad times its silence from the last sample it was given; when aresample dropped every sample (the audio
      // ended before the video began) it was given none and its frames come out untimed, which would never reach
      // drainBefore's end.
      if (output.pts() == AV_NOPTS_VALUE) {
        output.pts(nextAudioPts);
      }
      nextAudioPts = output.pts() + av_rescale_q(output.nb_samples(), av_make_q(1, output.sample_rate()),
          outputTimeBase());
    }
    return output;
  }

  @Override
  public void close() {
    AVFrame frame = output;
    avutil.av_frame_free(frame);
    avfilter_graph_free(graph);
  }
}
