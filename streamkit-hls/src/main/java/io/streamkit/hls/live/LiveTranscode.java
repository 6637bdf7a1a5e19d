package io.streamkit.hls.live;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.SourceVideo;
import io.streamkit.hls.DisplayFilter;
import io.streamkit.hls.EncoderThreads;
import io.streamkit.hls.MediaInfo;
import io.streamkit.hls.RenditionColour;
import io.streamkit.hls.TranscodeException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured live transcode ({@link LiveTranscoder}): decode the input once on the calling thread (and, for
 * interlaced or HDR input, de-interlace it and convert it to BT.709 SDR there: {@link DisplayFilter}), scale and
 * encode each frame in every rung at once on one encoder thread per core (started by {@link #run()} and ended
 * before it returns), then cut CMAF parts and segments in media time on the calling thread, which alone calls the
 * sink. Every rung's stream states its colour ({@link RenditionColour}).
 *
 * <p>Timeline: output time 0 is the first video frame; every timestamp is the input's relative to it, so a run
 * starts at 0 and the packager numbers the segments. A jump of more than {@value #MAX_TIMESTAMP_JUMP_SECONDS} s
 * either way (a publisher that paused or restarted its clock) is closed up, the output continuing one frame after
 * the last, for audio too; within that, a video frame timed at or before the previous one is dropped and counted.
 *
 * <p>Real time: a {@link RealTimeMeter} measures how far the output falls behind a real-time input. Beyond the
 * allowed lag (one segment) the transcode degrades predictably, each step logged in one WARN line: first it stops
 * the top video rendition ({@link LiveSink#dropped}); if it is still behind one segment later it drops input frames
 * while it is behind (never more than a run that keeps a frame every half part, so parts stay within their target),
 * counting them in {@link LiveStats#droppedFrames()}. Timestamps of what is emitted stay those of the input.
 *
 * <p>Ending: {@link #run()} returns normally when the input ends (end of stream, a read error, undecodable bytes
 * mid-stream) or after {@link #stop()}; the last parts and segments are closed first. It throws a one-line
 * {@link TranscodeException} when the input never became a stream (not FLV, no video, no decodable frame) or an
 * encoder or muxer failed. Either way it logs one line, frees every native resource and calls {@link LiveSink#end()}
 * last.
 */
public final class LiveTranscode {

  static final double MAX_TIMESTAMP_JUMP_SECONDS = 1.0;
  private static final Logger LOG = LoggerFactory.getLogger(LiveTranscode.class);
  private static final FrameRate FALLBACK_FRAME_RATE = FrameRate.FPS_30;
  /** Farthest apart, in fps, a declared and a probed frame rate may be and still be the same rate. */
  static final double DECLARED_RATE_TOLERANCE = 0.01;

  /** What {@link LiveTranscoder.Builder} validated. */
  record Settings(InputStream input, LiveSink sink, Ladder ladder, List<PlannedRendition> renditions,
      int segmentSeconds, double partSeconds, String preset, String name, double maxLagSeconds) {}

  private final Settings settings;
  private final LiveSink sink;
  private final String name;
  private final AtomicBoolean ran = new AtomicBoolean();
  private volatile boolean stopped;
  private volatile List<PlannedRendition> plan = List.of();
  private volatile LiveStats stats = new LiveStats(0, 0, 0, 0, 0, 0, 0, 0, List.of());

  // State of the running thread only.
  private final RealTimeMeter meter = new RealTimeMeter();
  private final List<VideoRung> rungs = new ArrayList<>();
  private final List<String> droppedRenditions = new ArrayList<>();
  private FlvInput input;
  private AudioEncoding audio;
  private CmafTrack audioTrack;
  /** De-interlacing and HDR conversion before the rungs scale; null for progressive BT.709 or BT.601 input. */
  private DisplayFilter display;
  /** Media times of the pictures in the display filter, which holds one back while it de-interlaces. */
  private final ArrayDeque<Double> displaySeconds = new ArrayDeque<>();
  private ExecutorService encoders;
  private final List<Future<?>> inFlight = new ArrayList<>();
  private AVFrame inFlightFrame;
  private boolean started;
  private long runStarted;
  private long zeroPts = AV_NOPTS_VALUE;
  private double offsetSeconds;
  private double lastVideoSeconds = Double.NaN;
  private double videoEndSeconds;
  private double frameSeconds;
  private int inputWidth;
  private int inputHeight;
  private long decodedFrames;
  private long droppedFrames;
  private boolean droppingFrames;
  private int dropRun;
  private int maxDropRun;
  private double rungDroppedAt = Double.NaN;

  LiveTranscode(Settings settings) {
    this.settings = settings;
    this.sink = settings.sink();
    this.name = settings.name();
  }

  /**
   * Transcodes until the input ends or {@link #stop()} is called, on the calling thread; call it once.
   *
   * @throws TranscodeException with a one-line message when the input is not a usable FLV stream or encoding fails;
   *     {@link LiveSink#end()} has been called
   * @throws IllegalStateException if this transcode already ran
   */
  public void run() {
    if (!ran.compareAndSet(false, true)) {
      throw new IllegalStateException("live transcode " + name + " already ran; build another for the next publish");
    }
    runStarted = System.nanoTime();
    try {
      input = FlvInput.open(name, settings.input(), () -> stopped);
      if (input.audio() != null) {
        audio = AudioEncoding.open();
      }
      String ending = demux();
      if (!started && !stopped) {
        throw new TranscodeException(name + ": " + ending + " before a video frame could be decoded; publish H.264 "
            + "video");
      }
      finish();
      publishStats();
      LOG.info("live {}: {} after {} s of media, {} segments", name, ending,
          String.format(Locale.ROOT, "%.1f", videoEndSeconds), stats.segments());
    } catch (TranscodeException e) {
      String message = e.getMessage().startsWith(name + ": ") ? e.getMessage() : name + ": " + e.getMessage();
      LOG.warn("live {}", message);
      throw message.equals(e.getMessage()) ? e : new TranscodeException(message, e);
    } finally {
      try {
        close();
      } finally {
        sink.end();
      }
    }
  }

  /** Asks a running {@link #run()} to close its last segments and return, at its next read; any thread may call. */
  public void stop() {
    stopped = true;
  }

  /** {@return the video renditions being produced, as planned when the first frame was decoded; empty before} */
  public List<PlannedRendition> renditions() {
    return plan;
  }

  /** {@return a snapshot of the input and the encoder's progress; any thread may call} */
  public LiveStats stats() {
    return stats;
  }

  /** Reads and decodes until the input ends; returns why it ended, for the log. */
  private String demux() {
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try {
      int ret = 0;
      while (!stopped && (ret = input.read(packet)) >= 0) {
        try {
          if (packet.stream_index() == input.video().index()) {
            if (zeroPts == AV_NOPTS_VALUE) {
              zeroPts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
            }
            decode(input.videoDecoder(), packet, frame, this::onVideoFrame);
          } else if (audio != null && packet.stream_index() == input.audio().index()) {
            decode(input.audioDecoder(), packet, frame, this::onAudioFrame);
          }
        } finally {
          av_packet_unref(packet);
        }
      }
      if (!stopped) {
        decode(input.videoDecoder(), null, frame, this::onVideoFrame);
        if (audio != null) {
          decode(input.audioDecoder(), null, frame, this::onAudioFrame);
        }
      }
      if (stopped || ret == AVERROR_EXIT) {
        return "stopped";
      }
      if (input.failure() != null) {
        return "input failed (" + input.failure().getMessage() + ")";
      }
      return ret == AVERROR_EOF ? "input ended" : "input unreadable (FFmpeg: " + FfmpegCall.errorText(ret) + ")";
    } finally {
      av_frame_free(frame);
      av_packet_free(packet);
    }
  }

  /** Feeds one packet (or {@code null} to flush); undecodable packets are skipped, as the ffmpeg CLI does. */
  private static void decode(AVCodecContext decoder, AVPacket packet, AVFrame frame, Consumer<AVFrame> consumer) {
    int ret = avcodec_send_packet(decoder, packet);
    if (ret < 0 && ret != AVERROR_EOF) {
      return;
    }
    while (avcodec_receive_frame(decoder, frame) >= 0) {
      try {
        consumer.accept(frame);
      } finally {
        av_frame_unref(frame);
      }
    }
  }

  private void onVideoFrame(AVFrame frame) {
    long pts = frame.best_effort_timestamp();
    double seconds = pts == AV_NOPTS_VALUE || zeroPts == AV_NOPTS_VALUE
        ? (Double.isNaN(lastVideoSeconds) ? 0 : lastVideoSeconds + frameSeconds)
        : (pts - zeroPts) * av_q2d(input.video().time_base()) - offsetSeconds;
    decodedFrames++;
    if (!started) {
      // The first frame defines time 0, whatever the first packet said.
      offsetSeconds += seconds;
      seconds = 0;
      start(frame);
    } else if (Math.abs(seconds - lastVideoSeconds) > MAX_TIMESTAMP_JUMP_SECONDS) {
      double jump = seconds - lastVideoSeconds - frameSeconds;
      offsetSeconds += jump;
      seconds -= jump;
      LOG.info("live {}: input timestamps jumped {} s at {} s; closed up", name,
          String.format(Locale.ROOT, "%+.3f", jump), String.format(Locale.ROOT, "%.3f", seconds));
    } else if (seconds <= lastVideoSeconds) {
      droppedFrames++;
      return;
    }
    lastVideoSeconds = seconds;
    inputWidth = frame.width();
    inputHeight = frame.height();
    meter.frame(seconds, System.nanoTime() - runStarted - input.waitNanos(), input.bytesRead(), decodedFrames);
    degradeIfBehind(seconds);
    if (droppingFrames && meter.lagSeconds() > 0 && dropRun < maxDropRun) {
      droppedFrames++;
      dropRun++;
    } else {
      dropRun = 0;
      show(frame, seconds);
    }
    videoEndSeconds = seconds + frameSeconds;
    releaseAudio(false);
    publishStats();
  }

  private void onAudioFrame(AVFrame frame) {
    long pts = frame.best_effort_timestamp();
    if (pts == AV_NOPTS_VALUE || zeroPts == AV_NOPTS_VALUE) {
      return;
    }
    AVRational audioBase = input.audio().time_base();
    double videoZero = zeroPts * av_q2d(input.video().time_base());
    audio.add(frame, pts * av_q2d(audioBase) - videoZero - offsetSeconds);
    releaseAudio(false);
  }

  private void releaseAudio(boolean end) {
    if (audio != null && audioTrack != null) {
      audio.release(videoEndSeconds, end, audioTrack::write);
    }
  }

  /** Plans the ladder from the first decoded picture, opens every encoder and announces the renditions. */
  private void start(AVFrame frame) {
    started = true;
    FrameRate rate = inputFrameRate();
    frameSeconds = 1 / rate.fps();
    maxDropRun = Math.max(1, (int) Math.floor(settings.partSeconds() / 2 / frameSeconds) - 1);
    int sarNum = frame.sample_aspect_ratio().num();
    int sarDen = frame.sample_aspect_ratio().den();
    int displayWidth = sarNum > 0 && sarDen > 0
        ? (int) Math.round((double) frame.width() * sarNum / sarDen) : frame.width();
    List<PlannedRendition> planned = settings.renditions() != null ? settings.renditions()
        : LadderPlanner.plan(settings.ladder(), new SourceVideo(Math.max(2, displayWidth),
            Math.max(2, frame.height()), rate, Math.max(0, input.video().codecpar().bit_rate())));
    List<LiveRendition> described = new ArrayList<>();
    int[] encoderThreads = EncoderThreads.forLadder(planned, Runtime.getRuntime().availableProcessors());
    BytePointer format = av_get_pix_fmt_name(frame.format());
    MediaInfo.Colour stated = RenditionColour.stated(frame.color_trc(), frame.color_primaries(), frame.colorspace());
    MediaInfo.Colour colour = RenditionColour.of(stated, frame.width(), frame.height(),
        format == null ? "unknown" : format.getString());
    boolean interlaced = (frame.flags() & AVFrame.AV_FRAME_FLAG_INTERLACED) != 0;
    if (DisplayFilter.needed(stated, interlaced)) {
      display = DisplayFilter.open(frame, input.video().time_base(), stated, interlaced, planned.get(0).width(),
          planned.get(0).height());
    }
    for (int i = 0; i < planned.size(); i++) {
      PlannedRendition rendition = planned.get(i);
      VideoRung rung = VideoRung.open(rendition, settings.preset(), encoderThreads[i], colour,
          settings.segmentSeconds(), settings.partSeconds(), sink);
      rungs.add(rung);
      described.add(new LiveRendition(rendition.name(), false, rendition.width(), rendition.height(),
          rendition.frameRate().fps(), rendition.maxVideoBitrate(), rung.codecs()));
    }
    if (audio != null) {
      audioTrack = new CmafTrack(LiveTranscoder.AUDIO, audio.encoder(), sink, settings.segmentSeconds(),
          settings.partSeconds(), AudioEncoding.FRAME_SIZE);
      described.add(new LiveRendition(LiveTranscoder.AUDIO, true, 0, 0, 0, AudioEncoding.BITRATE,
          AudioEncoding.CODECS));
    }
    plan = planned;
    int threads = Math.min(rungs.size(), Runtime.getRuntime().availableProcessors());
    if (rungs.size() > 1) {
      AtomicInteger count = new AtomicInteger();
      encoders = Executors.newFixedThreadPool(threads, task -> {
        Thread thread = new Thread(task, "streamkit-live-" + name + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
    }
    sink.start(List.copyOf(described));
    for (VideoRung rung : rungs) {
      rung.track().announce();
    }
    if (audioTrack != null) {
      audioTrack.announce();
    }
    LOG.info("live {}: {}x{} at {} fps in {}, preset {}: {}{}", name, frame.width(), frame.height(), rate, colour,
        settings.preset(), planned.stream().map(PlannedRendition::name).collect(Collectors.joining(", ")),
        audioTrack == null ? " (no audio)" : " + audio");
  }

  /**
   * The input's frame rate, else 30 fps. FLV declares it in {@code onMetaData} as a double that libavformat turns
   * into {@code avg_frame_rate} with numerator and denominator at most 1000 ({@code av_d2q}), so 23.976 fps becomes
   * 983/41 instead of 24000/1001: 17 ppm slow, which would stretch every segment's media by that much (2.002035 s
   * for 48 frames) and drop a frame whenever the stretch adds up to one. {@code r_frame_rate}, which probing
   * derives from the frames' timestamps and snaps to the exact standard rate, is taken when the two agree within
   * {@value #DECLARED_RATE_TOLERANCE} fps; otherwise the declared rate, else the probed one.
   */
  private FrameRate inputFrameRate() {
    AVRational declared = input.video().avg_frame_rate();
    AVRational probed = input.video().r_frame_rate();
    if (believable(declared) && believable(probed)
        && Math.abs(av_q2d(declared) - av_q2d(probed)) <= DECLARED_RATE_TOLERANCE) {
      return new FrameRate(probed.num(), probed.den());
    }
    for (AVRational candidate : List.of(declared, probed)) {
      if (believable(candidate)) {
        return new FrameRate(candidate.num(), candidate.den());
      }
    }
    return FALLBACK_FRAME_RATE;
  }

  private static boolean believable(AVRational rate) {
    return rate.num() > 0 && rate.den() > 0 && av_q2d(rate) <= 240;
  }

  /**
   * Encodes the picture at {@code seconds} in every rung, through the display filter when the input needs one: it comes
   * out a picture later when the filter de-interlaces, each picture with its own time.
   */
  private void show(AVFrame frame, double seconds) {
    if (display == null) {
      encodeRungs(frame, seconds);
      return;
    }
    displaySeconds.add(seconds);
    display.push(frame);
    display.drain(shown -> encodeRungs(shown, displaySeconds.remove()));
  }

  /**
   * Encodes the frame in every rung, the rungs spread over the encoder threads, one frame behind the decoder: this
   * thread first collects the previous frame's packets and writes them (so the sink is only ever called from here),
   * then hands the workers a reference to this frame and goes back to decoding the next one.
   */
  private void encodeRungs(AVFrame frame, double seconds) {
    writeEncodedFrame();
    if (encoders == null) {
      rungs.forEach(rung -> rung.encode(frame, seconds));
      rungs.forEach(VideoRung::writeEncoded);
      return;
    }
    inFlightFrame = av_frame_clone(frame);
    if (inFlightFrame == null) {
      throw new OutOfMemoryError("cannot reference a decoded frame");
    }
    AVFrame shared = inFlightFrame;
    for (VideoRung rung : rungs) {
      inFlight.add(encoders.submit(() -> rung.encode(shared, seconds)));
    }
  }

  /** Waits for the frame the encoder threads are working on, writes its packets and releases it. */
  private void writeEncodedFrame() {
    if (inFlightFrame == null) {
      return;
    }
    try {
      awaitAll(inFlight);
      rungs.forEach(VideoRung::writeEncoded);
    } finally {
      inFlight.clear();
      av_frame_free(inFlightFrame);
      inFlightFrame = null;
    }
  }

  /** Waits for every task, even after one failed, so no encoder is still running when this returns. */
  private void awaitAll(List<Future<?>> tasks) {
    RuntimeException failure = null;
    boolean interrupted = false;
    for (Future<?> task : tasks) {
      while (true) {
        try {
          task.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException r ? r
                : new TranscodeException("encoding failed: " + e.getCause(), e.getCause());
          }
          break;
        }
      }
    }
    if (interrupted) {
      // An interrupt asks the run to end, as stop() does.
      Thread.currentThread().interrupt();
      stopped = true;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The degradation steps of the class comment, in order. */
  private void degradeIfBehind(double seconds) {
    double lag = meter.lagSeconds();
    if (lag <= settings.maxLagSeconds() || droppingFrames) {
      return;
    }
    String behind = String.format(Locale.ROOT, "%.2f s behind real time (allowed %.2f s, encoder speed %.2fx)",
        lag, settings.maxLagSeconds(), meter.speed());
    if (Double.isNaN(rungDroppedAt) && rungs.size() > 1) {
      writeEncodedFrame();
      VideoRung top = rungs.remove(0);
      String dropped = top.plan().name();
      top.close();
      droppedRenditions.add(dropped);
      rungDroppedAt = seconds;
      sink.dropped(dropped);
      LOG.warn("live {}: {}; stopped rendition {}", name, behind, dropped);
    } else if (Double.isNaN(rungDroppedAt) || seconds - rungDroppedAt >= settings.segmentSeconds()) {
      droppingFrames = true;
      LOG.warn("live {}: {}; dropping input frames while behind", name, behind);
    }
  }

  private void finish() {
    if (display != null) {
      display.push(null);
      display.drain(shown -> encodeRungs(shown, displaySeconds.remove()));
    }
    writeEncodedFrame();
    for (VideoRung rung : rungs) {
      rung.finish(videoEndSeconds);
    }
    if (audio != null && audioTrack != null) {
      audio.encodeQueued(true);
      releaseAudio(true);
      audioTrack.finish(0);
    }
  }

  private void publishStats() {
    CmafTrack reference = rungs.isEmpty() ? null : rungs.get(rungs.size() - 1).track();
    stats = new LiveStats(meter.bitsPerSecond(), meter.frameRate(), inputWidth, inputHeight, droppedFrames,
        meter.speed(), reference == null ? 0 : reference.segments(), reference == null ? 0 : reference.parts(),
        droppedRenditions);
  }

  private void close() {
    if (encoders != null) {
      encoders.shutdown();
      // After a failure a frame may still be in flight: no rung is freed while a worker can touch it.
      try {
        awaitAll(inFlight);
      } catch (RuntimeException alreadyFailing) {
        // The run is ending with the failure that left the frame in flight; this one adds nothing.
      }
      inFlight.clear();
      if (inFlightFrame != null) {
        av_frame_free(inFlightFrame);
      }
    }
    for (VideoRung rung : rungs) {
      rung.close();
    }
    rungs.clear();
    if (display != null) {
      display.close();
    }
    if (audioTrack != null) {
      audioTrack.close();
    }
    if (audio != null) {
      audio.close();
    }
    if (input != null) {
      input.close();
    }
  }
}
