package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.Rung;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trial encodes of a few short scenes of a source at every candidate rendition's size and at two bit rates, each
 * decoded again and measured against the source: the (bit rate, quality) points a {@link PerTitleLadder} chooses
 * from.
 *
 * <p>Scenes are one keyframe interval long (each trial encode starts with an IDR and spends its bits as a segment of
 * the real encode would), about {@value #PROBED_SHARE} of the source's duration in all. They are a stratified sample
 * of the source's keyframe intervals ranked by how many bytes the source spent on each (read from the container, no
 * decoding): the source encoder's own measure of how hard each interval is to code. Scenes at fixed positions can all
 * land on the hardest or the easiest parts of a title (a source's periodic keyframes, a talk's slides), and a title's
 * quality is an average over all of it. The trial encoder is the real one: same encoder, preset, size, frame rate and
 * rate control, at the rendition's planned bit rate and at {@value #LOW_RATE_FACTOR} of it.
 *
 * <p>Quality is the luma PSNR against the source, both scaled (bicubic) to the largest candidate's size: a player
 * shows every rendition at the same size, so the scores of different resolutions compare (Netflix's "Per-Title Encode
 * Optimization", 2015, scales every trial up to the display resolution the same way). The FFmpeg natives carry no
 * libvmaf, so VMAF is not available; PSNR is cheap enough to measure every {@value #MEASURED_EVERY}nd frame. Each
 * scene is decoded once and scaled to the largest size, where it is also the reference; its sizes are then encoded
 * in parallel, as many at once as there are cores.
 */
final class LadderProbe {

  /** About this share of the source's duration is trial-encoded, in whole scenes. */
  static final double PROBED_SHARE = 0.05;
  /** The most scenes probed, however long the source. */
  static final int MAX_SCENES = 8;
  /** The lower trial bit rate, as a share of the rendition's planned one. */
  static final double LOW_RATE_FACTOR = 0.5;
  /** Every n-th trial frame is measured. */
  static final int MEASURED_EVERY = 2;
  /** The score of a frame identical to the reference (its squared error is zero). */
  static final double IDENTICAL_PSNR = 100;

  /**
   * The trial encodes of one candidate rendition at one rate.
   *
   * @param rendition the candidate, as planned from the authored ladder
   * @param target the bit rate the trial encoder was given, in bit/s: the planned one or {@link #LOW_RATE_FACTOR}
   *     of it
   * @param bitrate the bit rate the trial encodes spent, in bit/s
   * @param psnr their luma PSNR against the source, in dB
   */
  record Point(PlannedRendition rendition, long target, long bitrate, double psnr) {}

  private static final Logger LOG = LoggerFactory.getLogger(LadderProbe.class);

  private LadderProbe() {}

  /** {@return how many scenes the probe encodes for a source of {@code durationSeconds}} */
  static int sceneCount(double durationSeconds) {
    double scene = RenditionWorker.KEYFRAME_INTERVAL_SECONDS;
    return (int) Math.max(1, Math.min(MAX_SCENES, Math.round(durationSeconds * PROBED_SHARE / scene)));
  }

  /**
   * Reads the sizes of {@code input}'s video packets (no decoding) and picks {@link #sceneCount} representative
   * keyframe intervals with {@link #representativeScenes}.
   *
   * @return the scenes' start times in seconds from the start of the video stream, ascending
   * @throws CancellationException once {@code control} says so
   */
  static List<Double> sceneStarts(Path input, MediaInfo info, JobControl control) {
    double scene = RenditionWorker.KEYFRAME_INTERVAL_SECONDS;
    long[] bytes = new long[(int) Math.max(1, Math.floor(info.durationSeconds() / scene))];
    AVPacket packet = av_packet_alloc();
    try (MediaProbe.Opened opened = MediaProbe.open(input)) {
      int index = info.video().streamIndex();
      AVStream stream = opened.context.streams(index);
      double timeBase = av_q2d(stream.time_base());
      long origin = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
      long read = 0;
      while (av_read_frame(opened.context, packet) >= 0) {
        try {
          long pts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
          if (packet.stream_index() == index && pts != AV_NOPTS_VALUE) {
            long window = (long) Math.floor((pts - origin) * timeBase / scene);
            if (window >= 0 && window < bytes.length) {
              bytes[(int) window] += packet.size();
            }
          }
        } finally {
          av_packet_unref(packet);
        }
        if (++read % 1024 == 0 && control.cancelled()) {
          throw new CancellationException("per-title ladder probe cancelled");
        }
      }
    } finally {
      av_packet_free(packet);
    }
    return representativeScenes(bytes, sceneCount(info.durationSeconds())).stream()
        .map(window -> window * scene).toList();
  }

  /**
   * Picks {@code scenes} of the intervals as a stratified sample of their difficulty: the intervals ranked by the
   * bytes the source spent on each, then the middle one of each of {@code scenes} equal shares of that ranking (an
   * easy, a middling and a hard part of the title for three). Equal bytes rank by position, so a source coded at a
   * constant rate gets scenes spread evenly over its duration. Intervals without a byte of video (past the end of a
   * video stream shorter than its container says) are not candidates while any other is.
   *
   * @param windowBytes the source's bytes in each keyframe interval, in order
   * @param scenes how many to pick, at most the number of candidate intervals
   * @return the indexes of the picked intervals, ascending
   */
  static List<Integer> representativeScenes(long[] windowBytes, int scenes) {
    List<Integer> ranked = new ArrayList<>();
    for (int i = 0; i < windowBytes.length; i++) {
      if (windowBytes[i] > 0) {
        ranked.add(i);
      }
    }
    if (ranked.isEmpty()) {
      for (int i = 0; i < windowBytes.length; i++) {
        ranked.add(i);
      }
    }
    ranked.sort(Comparator.comparingLong((Integer i) -> windowBytes[i]).thenComparing(i -> i));
    int count = Math.min(scenes, ranked.size());
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      picked.add(ranked.get((int) ((i + 0.5) * ranked.size() / count)));
    }
    picked.sort(null);
    return List.copyOf(picked);
  }

  /**
   * Measures every candidate at its planned rate and at {@link #LOW_RATE_FACTOR} of it.
   *
   * @param candidates the authored ladder as planned for this source, largest first
   * @throws CancellationException once {@code control} says so
   */
  static List<Point> measure(Path input, MediaInfo info, List<PlannedRendition> candidates, String preset,
      JobControl control) {
    PlannedRendition largest = candidates.get(0);
    double[] factors = {1, LOW_RATE_FACTOR};
    ExecutorService pool = Executors.newFixedThreadPool(
        Math.min(Runtime.getRuntime().availableProcessors(), candidates.size()), r -> {
          Thread thread = new Thread(r, "streamkit-ladder-probe");
          thread.setDaemon(true);
          return thread;
        });
    Map<PlannedRendition, Trial[]> totals = new HashMap<>();
    try {
      List<Double> starts = sceneStarts(input, info, control);
      LOG.debug("{}: probe scenes start at {} s", input, starts);
      for (double start : starts) {
        try (Scene scene = Scene.decode(input, info.video(), start, largest, control)) {
          List<Future<Trial[]>> tasks = new ArrayList<>();
          for (PlannedRendition candidate : candidates) {
            tasks.add(pool.submit(() -> new SceneTrial(scene, candidate, factors, preset, control).run()));
          }
          for (int c = 0; c < candidates.size(); c++) {
            Trial[] trials = await(tasks.get(c));
            totals.merge(candidates.get(c), trials, (sum, more) -> {
              Trial[] merged = new Trial[sum.length];
              for (int f = 0; f < sum.length; f++) {
                merged[f] = sum[f].plus(more[f]);
              }
              return merged;
            });
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<Point> points = new ArrayList<>();
    for (PlannedRendition candidate : candidates) {
      Trial[] sum = totals.get(candidate);
      for (int f = 0; f < factors.length; f++) {
        if (sum[f].frames == 0 || sum[f].measured == 0) {
          throw new TranscodeException(input + ": the per-title ladder probe decoded no frames for "
              + candidate.name() + "; the file cannot be sought, use a fixed ladder (e.g. --ladder apple)");
        }
        points.add(new Point(candidate, trialTarget(candidate, factors[f]), sum[f].bitrate(candidate.frameRate()),
            sum[f].psnr()));
      }
    }
    return List.copyOf(points);
  }

  private static long trialTarget(PlannedRendition candidate, double factor) {
    return Math.max(Rung.MIN_BITRATE, Math.round(candidate.videoBitrate() * factor));
  }

  private static Trial[] await(Future<Trial[]> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("per-title ladder probe interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new TranscodeException("per-title ladder probe failed: " + e.getCause(), e.getCause());
    }
  }

  /** Sums over one or more scenes of one trial rate: bytes and frames encoded, squared error of measured frames. */
  private record Trial(long bytes, long frames, double meanSquaredErrorSum, long measured) {

    Trial plus(Trial other) {
      return new Trial(bytes + other.bytes, frames + other.frames, meanSquaredErrorSum + other.meanSquaredErrorSum,
          measured + other.measured);
    }

    long bitrate(FrameRate rate) {
      return Math.max(1, Math.round(bytes * 8 * rate.fps() / frames));
    }

    double psnr() {
      double mse = meanSquaredErrorSum / measured;
      return mse == 0 ? IDENTICAL_PSNR : Math.min(IDENTICAL_PSNR, 10 * Math.log10(255.0 * 255.0 / mse));
    }
  }

  /**
   * One scene's frames, decoded once, made upright as the transcode makes them (de-interlaced, rotated) and scaled
   * (bicubic) to the largest candidate's size, where they are also the reference every trial is measured against;
   * shared read-only by the scene's trials.
   */
  private static final class Scene implements AutoCloseable {
    final List<AVFrame> frames = new ArrayList<>();
    final double sourceFps;
    final int width;
    final int height;

    private Scene(double sourceFps, int width, int height) {
      this.sourceFps = sourceFps;
      this.width = width;
      this.height = height;
    }

    static Scene decode(Path input, MediaInfo.Video video, double start, PlannedRendition largest,
        JobControl control) {
      Scene scene = new Scene(video.frameRateNum() / (double) video.frameRateDen(), largest.width(),
          largest.height());
      AVCodecContext decoder = null;
      DisplayFilter upright = null;
      AVPacket packet = av_packet_alloc();
      AVFrame frame = av_frame_alloc();
      try (MediaProbe.Opened opened = MediaProbe.open(input)) {
        AVStream stream = opened.context.streams(video.streamIndex());
        decoder = TranscodePipeline.openDecoder(stream, input.toString(), 0);
        double timeBase = av_q2d(stream.time_base());
        long origin = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
        if (start > 0 && av_seek_frame(opened.context, video.streamIndex(), origin + (long) (start / timeBase),
            AVSEEK_FLAG_BACKWARD) >= 0) {
          avcodec_flush_buffers(decoder);
        }
        double end = start + RenditionWorker.KEYFRAME_INTERVAL_SECONDS;
        boolean done = false;
        while (!done && av_read_frame(opened.context, packet) >= 0) {
          int sent;
          try {
            sent = packet.stream_index() == video.streamIndex() ? avcodec_send_packet(decoder, packet) : -1;
          } finally {
            av_packet_unref(packet);
          }
          while (sent >= 0 && !done && avcodec_receive_frame(decoder, frame) >= 0) {
            try {
              if (control.cancelled()) {
                throw new CancellationException("per-title ladder probe cancelled");
              }
              long pts = frame.best_effort_timestamp();
              double seconds = pts == AV_NOPTS_VALUE ? start : (pts - origin) * timeBase;
              if (seconds >= end) {
                done = true;
              } else if (seconds >= start - 1e-6) {
                if (upright == null) {
                  // Upright (de-interlaced, rotated) and in BT.709 as the transcode makes it, then at the largest size.
                  upright = DisplayFilter.open(frame, stream.time_base(), video, scene.width, scene.height,
                      "scale=" + scene.width + ":" + scene.height + ":flags=bicubic:out_range=tv,format=yuv420p", 1);
                }
                upright.push(frame);
                upright.drain(scene::keep);
              }
            } finally {
              av_frame_unref(frame);
            }
          }
        }
        if (upright != null) {
          upright.push(null);
          upright.drain(scene::keep);
        }
        return scene;
      } catch (RuntimeException e) {
        scene.close();
        throw e;
      } finally {
        if (upright != null) {
          upright.close();
        }
        if (decoder != null) {
          avcodec_free_context(decoder);
        }
        av_frame_free(frame);
        av_packet_free(packet);
      }
    }

    private void keep(AVFrame frame) {
      AVFrame kept = av_frame_clone(frame);
      if (kept == null) {
        throw new OutOfMemoryError("cannot reference a probe frame");
      }
      frames.add(kept);
    }

    @Override
    public void close() {
      frames.forEach(f -> av_frame_free(f));
      frames.clear();
    }
  }

  /**
   * One scene at one size: scales each kept frame of the scene to the candidate's size, encodes it at every trial
   * rate, decodes what each encoder made and compares it with the scene's frame. Not thread-safe: one task.
   */
  private static final class SceneTrial {
    private final Scene scene;
    private final PlannedRendition candidate;
    private final double[] factors;
    private final String preset;
    private final JobControl control;
    private final List<AVCodecContext> encoders = new ArrayList<>();
    private final List<AVCodecContext> decoders = new ArrayList<>();
    private final long[] bytes;
    private final double[] errors;
    private final long[] measured;
    private final byte[] row;
    private final byte[] referenceRow;
    /** The candidate keeps every n-th frame of the scene ({@link io.streamkit.abr.ladder.FrameRate#capAt}). */
    private final int keepEvery;
    private AVPacket packet;
    private AVFrame decoded;
    private AVFrame upscaled;
    private SwsContext fromTrial;

    SceneTrial(Scene scene, PlannedRendition candidate, double[] factors, String preset, JobControl control) {
      this.scene = scene;
      this.candidate = candidate;
      this.factors = factors;
      this.preset = preset;
      this.control = control;
      this.bytes = new long[factors.length];
      this.errors = new double[factors.length];
      this.measured = new long[factors.length];
      this.row = new byte[scene.width];
      this.referenceRow = new byte[scene.width];
      this.keepEvery = (int) Math.max(1, Math.round(scene.sourceFps / candidate.frameRate().fps()));
    }

    Trial[] run() {
      AVFrame scaled = av_frame_alloc();
      SwsContext toCandidate = null;
      packet = av_packet_alloc();
      decoded = av_frame_alloc();
      upscaled = av_frame_alloc();
      try {
        for (double factor : factors) {
          long rate = trialTarget(candidate, factor);
          PlannedRendition trial = new PlannedRendition(candidate.name(), candidate.width(), candidate.height(),
              candidate.frameRate(), rate, Math.round(rate * (double) candidate.maxVideoBitrate()
              / candidate.videoBitrate()));
          // Measured against the scene, never shown: no colour to state.
          AVCodecContext encoder = RenditionWorker.openH264(trial, preset, 1,
              new MediaInfo.Colour("unknown", "unknown", "unknown"));
          encoders.add(encoder);
          decoders.add(openTrialDecoder(encoder));
        }
        scaled.width(candidate.width()).height(candidate.height()).format(AV_PIX_FMT_YUV420P);
        Ffmpeg.check(av_frame_get_buffer(scaled, 0), "cannot allocate a probe frame");
        upscaled.width(scene.width).height(scene.height).format(AV_PIX_FMT_GRAY8);
        Ffmpeg.check(av_frame_get_buffer(upscaled, 0), "cannot allocate a probe frame");
        toCandidate = scaler(scene.width, scene.height, AV_PIX_FMT_YUV420P, candidate.width(), candidate.height(),
            AV_PIX_FMT_YUV420P);
        // Luma plane to luma plane: GRAY8 on both sides leaves the (limited) range alone.
        fromTrial = scaler(candidate.width(), candidate.height(), AV_PIX_FMT_GRAY8, scene.width, scene.height,
            AV_PIX_FMT_GRAY8);
        long kept = 0;
        for (int i = 0; i < scene.frames.size(); i += keepEvery) {
          if (control.cancelled()) {
            throw new CancellationException("per-title ladder probe cancelled");
          }
          Ffmpeg.check(sws_scale_frame(toCandidate, scaled, scene.frames.get(i)), "cannot scale a probe frame");
          scaled.pts(kept++);
          for (int t = 0; t < encoders.size(); t++) {
            Ffmpeg.check(avcodec_send_frame(encoders.get(t), scaled), "cannot encode a probe frame");
            drain(t);
          }
        }
        Trial[] trials = new Trial[factors.length];
        for (int t = 0; t < factors.length; t++) {
          avcodec_send_frame(encoders.get(t), null);
          drain(t);
          avcodec_send_packet(decoders.get(t), null);
          compareDecoded(t);
          trials[t] = new Trial(bytes[t], kept, errors[t], measured[t]);
        }
        return trials;
      } finally {
        encoders.forEach(e -> avcodec_free_context(e));
        decoders.forEach(d -> avcodec_free_context(d));
        av_frame_free(upscaled);
        av_frame_free(decoded);
        av_frame_free(scaled);
        av_packet_free(packet);
        sws_freeContext(toCandidate);
        sws_freeContext(fromTrial);
      }
    }

    /** Counts and decodes every packet trial {@code t}'s encoder has ready. */
    private void drain(int t) {
      while (avcodec_receive_packet(encoders.get(t), packet) >= 0) {
        try {
          bytes[t] += packet.size();
          avcodec_send_packet(decoders.get(t), packet);
        } finally {
          av_packet_unref(packet);
        }
        compareDecoded(t);
      }
    }

    /** Compares every {@value #MEASURED_EVERY}nd frame trial {@code t}'s decoder has ready with the scene's. */
    private void compareDecoded(int t) {
      while (avcodec_receive_frame(decoders.get(t), decoded) >= 0) {
        try {
          long index = decoded.pts() * keepEvery;
          if (decoded.pts() % MEASURED_EVERY == 0 && index >= 0 && index < scene.frames.size()) {
            sws_scale(fromTrial, decoded.data(), decoded.linesize(), 0, decoded.height(), upscaled.data(),
                upscaled.linesize());
            errors[t] += meanSquaredError(scene.frames.get((int) index));
            measured[t]++;
          }
        } finally {
          av_frame_unref(decoded);
        }
      }
    }

    private double meanSquaredError(AVFrame reference) {
      BytePointer plane = upscaled.data(0);
      BytePointer referencePlane = reference.data(0);
      long sum = 0;
      for (int y = 0; y < scene.height; y++) {
        plane.position((long) y * upscaled.linesize(0)).get(row, 0, scene.width);
        referencePlane.position((long) y * reference.linesize(0)).get(referenceRow, 0, scene.width);
        for (int x = 0; x < scene.width; x++) {
          int d = (row[x] & 0xff) - (referenceRow[x] & 0xff);
          sum += d * d;
        }
      }
      plane.position(0);
      referencePlane.position(0);
      return sum / (double) ((long) scene.width * scene.height);
    }

    /** A decoder for what {@code encoder} makes: its parameter sets are in the encoder's extradata. */
    private static AVCodecContext openTrialDecoder(AVCodecContext encoder) {
      AVCodecParameters parameters = avcodec_parameters_alloc();
      try {
        Ffmpeg.check(avcodec_parameters_from_context(parameters, encoder), "cannot read the probe encoder's setup");
        AVCodec codec = avcodec_find_decoder(parameters.codec_id());
        AVCodecContext decoder = avcodec_alloc_context3(codec);
        Ffmpeg.check(avcodec_parameters_to_context(decoder, parameters), "cannot set up the probe's H.264 decoder");
        decoder.thread_count(1);
        Ffmpeg.check(avcodec_open2(decoder, codec, (AVDictionary) null), "cannot open the probe's H.264 decoder");
        return decoder;
      } finally {
        avcodec_parameters_free(parameters);
      }
    }
  }

  private static SwsContext scaler(int width, int height, int format, int toWidth, int toHeight, int toFormat) {
    SwsContext scaler = sws_getContext(width, height, format, toWidth, toHeight, toFormat, SWS_BICUBIC, null, null,
        (double[]) null);
    if (scaler == null) {
      throw new TranscodeException("cannot scale " + width + "x" + height + " pictures to " + toWidth + "x"
          + toHeight + " for the per-title ladder probe");
    }
    return scaler;
  }
}
