package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.streamkit.abr.ladder.PlannedRendition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * One output rendition on its own thread: for a video rendition, scale the frames it is given to the rung's size
 * and rate, encode them with the {@link H264Encoder} and segment them; for an fMP4 audio rendition, segment its AAC
 * packets. In TS mode a video rendition also muxes the shared AAC packets.
 *
 * <p>Smaller rungs scale a larger rung's frames rather than the source's ({@link #feed}): the larger rung's worker
 * hands each of its scaled frames on by reference before encoding it. A rung does so only from a rung at least 4/3
 * its height that itself scales the source, with the Lanczos scaler (three lobes); a rung below 300 lines only from
 * one at least three times its height, with the bicubic scaler ({@link TranscodePipeline#scaledFrom}); every other
 * rung scales the source, bicubic, as the ffmpeg command line does by default ({@link RungScaler} says with which
 * library). Scaling every rung from the next one up with Lanczos, a chain of scalers, cost 40 % less CPU than from
 * the source, but lost 0.002 SSIM against the source at 360p; one Lanczos step from a rung that scales the source
 * kept every rung measured at or above the bicubic rung from the source on PSNR and within 0.0003 SSIM from 540p to
 * 360p, but only within 0.0007–0.0013 at 234p and 240p on screen text, where one bicubic step from 720p matched the
 * rung from the source (benchmarks/README.md, "Middle rungs from the 720p rung"). A rung's frame rate never exceeds
 * the rung it scales, so it still sees every frame it keeps.
 *
 * <p>Key frames (Apple HLS authoring spec 1.13, RFC 8216 section 3 "each segment begins with an IDR" for
 * INDEPENDENT-SEGMENTS): the encoder runs with a GOP of two seconds and the first frame at or after every segment
 * boundary is sent as {@code AV_PICTURE_TYPE_I}, which it encodes as an IDR ({@link H264Encoder}), so all renditions
 * have an IDR at exactly the same instants whatever the segment duration.
 *
 * <p>Ownership of native state: the encoder, filter graph and muxer are used by the worker's own thread only, and
 * that thread frees them as it ends, whether it finished, failed or was stopped; nothing else frees them while it may
 * still run (only a worker whose thread never started has them freed by {@link #close()}). The worker keeps no
 * pointer into the pipeline's native state: the audio time base is copied and every queued frame or packet is its own
 * reference. So however a transcode ends, no native context is freed under a thread that can still touch it.
 */
final class RenditionWorker {

  /** Frames queued per rendition; bounds memory while letting the decoder run ahead of a slow encoder. */
  static final int QUEUE_CAPACITY = 8;
  static final int KEYFRAME_INTERVAL_SECONDS = 2;

  private sealed interface Item permits VideoFrame, AudioPacket, End {}

  /** A frame, and whether it is the first of another shape than those before it ({@link FrameShape}). */
  private record VideoFrame(AVFrame frame, boolean reshaped) implements Item {}

  private record AudioPacket(AVPacket packet) implements Item {}

  private record End() implements Item {}

  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final String name;
  private final Path directory;
  private final PlannedRendition plan;
  private final HlsSegmenter segmenter;
  private final AVCodecContext encoder;
  /** The encoder's time base, copied once: each read of the field makes a Java object. */
  private final AVRational encoderTimeBase;
  /** Makes the {@link #scaler} for frames like the one it is given. */
  private final Function<AVFrame, FilterChain> scalerFor;
  private FilterChain scaler;
  /** The last PTS given to the encoder (encoder time base), or {@code AV_NOPTS_VALUE}. */
  private long lastEncodedPts = AV_NOPTS_VALUE;
  private final AVRational audioTimeBase;
  private final int videoStream;
  private final int audioStream;
  private final int segmentSeconds;
  private final PosterCapture poster;
  private final StoryboardCapture storyboard;
  private final byte[] codecConfiguration;
  private final String encoderName;
  private final Thread thread;
  /**
   * Duration of each frame sent to the encoder and not yet back as a packet, by PTS (encoder time base): the encoder
   * gives its packets none, and the muxer needs each one to time the last frame of the title.
   */
  private final Map<Long, Long> frameDurations = new HashMap<>();
  /** The smaller rungs that scale this one's frames instead of the source's. */
  private final List<RenditionWorker> lower = new ArrayList<>();
  /** Whether {@link #thread} was started; read and written by the pipeline's thread only. */
  private boolean started;
  private volatile boolean ended;
  private volatile Throwable failure;

  private RenditionWorker(String name, Path directory, PlannedRendition plan, HlsSegmenter segmenter,
      AVCodecContext encoder, Function<AVFrame, FilterChain> scalerFor, FilterChain scaler, AVRational audioTimeBase,
      int videoStream, int audioStream, int segmentSeconds, PosterCapture poster, StoryboardCapture storyboard) {
    this.name = name;
    this.directory = directory;
    this.plan = plan;
    this.segmenter = segmenter;
    this.encoder = encoder;
    this.encoderTimeBase = encoder == null ? null
        : Ffmpeg.rational(encoder.time_base().num(), encoder.time_base().den());
    this.scalerFor = scalerFor;
    this.scaler = scaler;
    this.audioTimeBase = audioTimeBase == null ? null : Ffmpeg.rational(audioTimeBase.num(), audioTimeBase.den());
    this.videoStream = videoStream;
    this.audioStream = audioStream;
    this.segmentSeconds = segmentSeconds;
    this.poster = poster;
    this.storyboard = storyboard;
    // With AV_CODEC_FLAG_GLOBAL_HEADER the encoder writes its SPS/PPS into extradata when it opens.
    this.codecConfiguration = encoder == null ? null : extradata(encoder);
    this.encoderName = encoder == null ? null : encoder.codec().name().getString();
    this.thread = new Thread(this::run, "streamkit-encode-" + name);
    thread.setDaemon(true);
  }

  /**
   * A video rendition. {@code scalerFor} makes the filter ({@link RungScaler}) that brings frames like the one it is
   * given to the rung's size and rate; {@code first} is the first source frame the rung will be given, or null when it
   * scales a larger rung's frames, which all have that rung's size and format. A source's frames may change shape
   * midway ({@link FrameShape}), and a filter made for the first ones may fail on later ones (zimg, given an odd size,
   * made libx264 refuse its output): the rung makes a new filter at a frame offered as reshaped. The rung is encoded in
   * {@code colour} ({@link RenditionColour}); {@code audioEncoder} is non-null when audio is muxed into this rendition;
   * {@code poster} and {@code storyboard}, when non-null, are given every encoded frame.
   */
  static RenditionWorker video(Path directory, PlannedRendition plan, Function<AVFrame, FilterChain> scalerFor,
      AVFrame first, SegmentFormat format, int segmentSeconds, String preset, int encoderThreads,
      MediaInfo.Colour colour, AVCodecContext audioEncoder, PosterCapture poster, StoryboardCapture storyboard) {
    HlsSegmenter segmenter = new HlsSegmenter(directory);
    AVCodecContext encoder = null;
    FilterChain scaler = null;
    try {
      encoder = openH264(plan, preset, encoderThreads, colour);
      scaler = scalerFor.apply(first);
      int video = segmenter.addStream(encoder);
      int audio = audioEncoder == null ? -1 : segmenter.addStream(audioEncoder);
      segmenter.writeHeader(format, segmentSeconds);
      return new RenditionWorker(plan.name(), directory, plan, segmenter, encoder, scalerFor, scaler,
          audioEncoder == null ? null : audioEncoder.time_base(), video, audio, segmentSeconds, poster, storyboard);
    } catch (RuntimeException e) {
      if (scaler != null) {
        scaler.close();
      }
      if (encoder != null) {
        avcodec_free_context(encoder);
      }
      segmenter.close();
      throw e;
    }
  }

  /**
   * One audio-only rendition of an fMP4 title or of an audio-only TS title, called {@code name} in thread names and
   * errors; {@code language} is its ISO 639-2 code, or null.
   */
  static RenditionWorker audio(Path directory, String name, AVCodecContext audioEncoder, String language,
      SegmentFormat format, int segmentSeconds) {
    HlsSegmenter segmenter = new HlsSegmenter(directory);
    try {
      int audio = segmenter.addStream(audioEncoder);
      if (language != null) {
        segmenter.tagLanguage(audio, language);
      }
      segmenter.writeHeader(format, segmentSeconds);
      return new RenditionWorker(name, directory, null, segmenter, null, null, null, audioEncoder.time_base(), -1,
          audio, segmentSeconds, null, null);
    } catch (RuntimeException e) {
      segmenter.close();
      throw e;
    }
  }

  /**
   * An H.264 encoder for {@code plan}: its size, frame rate, rate control and keyframe interval, and the colour
   * description of frames in {@code colour} (limited range).
   */
  static AVCodecContext openH264(PlannedRendition plan, String preset, int threads, MediaInfo.Colour colour) {
    H264Encoder h264 = H264Encoder.available();
    AVCodecContext encoder = h264.allocate();
    int fpsNum = plan.frameRate().numerator();
    int fpsDen = plan.frameRate().denominator();
    int gop = (int) Math.round(KEYFRAME_INTERVAL_SECONDS * plan.frameRate().fps());
    encoder.width(plan.width()).height(plan.height()).pix_fmt(AV_PIX_FMT_YUV420P);
    encoder.time_base(Ffmpeg.rational(fpsDen, fpsNum)).framerate(Ffmpeg.rational(fpsNum, fpsDen));
    encoder.sample_aspect_ratio(Ffmpeg.rational(1, 1));
    encoder.bit_rate(plan.videoBitrate()).rc_max_rate(plan.maxVideoBitrate())
        .rc_buffer_size((int) Math.min(Integer.MAX_VALUE, 2 * plan.videoBitrate()));
    encoder.gop_size(gop).keyint_min(gop);
    encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    encoder.thread_count(threads);
    RenditionColour.describe(encoder, colour);
    try {
      h264.open(encoder, preset, "rendition " + plan.name());
      return encoder;
    } catch (RuntimeException e) {
      avcodec_free_context(encoder);
      throw e;
    }
  }

  String name() {
    return name;
  }

  Path directory() {
    return directory;
  }

  /** {@code null} for the audio rendition. */
  PlannedRendition plan() {
    return plan;
  }

  /**
   * Makes {@code smaller} scale this rendition's frames instead of the source's: this worker hands it a reference to
   * each of its scaled frames and, once it has handed on its last, the end of the stream; if this worker fails or is
   * stopped first, it stops {@code smaller} too. Called before either is started.
   */
  void feed(RenditionWorker smaller) {
    lower.add(smaller);
  }

  /** Buffer source arguments describing this video rendition's scaled frames, for the rungs it {@link #feed}s. */
  String scaledFrameArgs() {
    AVRational timeBase = scaler.outputTimeBase();
    return String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=1/1",
        plan.width(), plan.height(), AV_PIX_FMT_YUV420P, timeBase.num(), timeBase.den());
  }

  /**
   * The encoder's reorder delay in seconds (x264 with B-pyramids: two frames): its first frame's decode time is that
   * long before its presentation time, 0.
   */
  double presentationDelaySeconds() {
    AVRational frame = encoder.time_base();
    return encoder.has_b_frames() * (double) frame.num() / frame.den();
  }

  /**
   * Presents this fMP4 rendition's first frame or first audio sample at {@code titleStart} seconds, the longest
   * reorder delay among the title's video renditions; called before {@link #start}. Each fMP4 rendition is segmented
   * on its own, a timeline of its own that players line up by its times alone, and nothing may be decoded before 0:
   * a video rendition's first frame is presented its own reorder delay after 0, so one with a shorter delay (a higher
   * frame rate) is presented later by the difference, and the audio, whose first packet (the encoder's priming) starts
   * before its first sample, is moved by the whole start.
   */
  void startAt(double titleStart) {
    if (encoder != null) {
      segmenter.presentLater(titleStart - presentationDelaySeconds());
    } else {
      segmenter.startLater(titleStart);
    }
  }

  /** The encoder's extradata (SPS/PPS), from which the {@code CODECS} attribute is derived. */
  byte[] codecConfiguration() {
    return codecConfiguration;
  }

  private static byte[] extradata(AVCodecContext encoder) {
    byte[] bytes = new byte[encoder.extradata_size()];
    encoder.extradata().get(bytes);
    return bytes;
  }

  Throwable failure() {
    return failure;
  }

  boolean wantsVideo() {
    return encoder != null;
  }

  boolean wantsAudio() {
    return audioStream >= 0;
  }

  /**
   * Queues a reference to {@code frame}, {@code reshaped} when it has another shape than the source frames before it;
   * the worker frees it. Returns false if the worker has ended.
   */
  boolean offerVideo(AVFrame frame, boolean reshaped, JobControl control) throws InterruptedException {
    return offer(new VideoFrame(frame, reshaped), control);
  }

  boolean offerAudio(AVPacket packet, JobControl control) throws InterruptedException {
    return offer(new AudioPacket(packet), control);
  }

  boolean offerEnd(JobControl control) throws InterruptedException {
    return offer(new End(), control);
  }

  private boolean offer(Item item, JobControl control) throws InterruptedException {
    try {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (ended || control.cancelled()) {
          release(item);
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      release(item);
      throw e;
    }
  }

  /**
   * Starts the worker's thread; from then on that thread alone uses this worker's native state, and frees it as it
   * ends.
   */
  void start() {
    thread.start();
    started = true;
  }

  /** Asks the thread to end without finishing the output; it stops at its next wait for input. */
  void stop() {
    if (started) {
      thread.interrupt();
    }
  }

  /** Waits until the thread has written the whole output after {@link #offerEnd}, or failed. */
  void awaitFinished() throws InterruptedException {
    thread.join();
  }

  /**
   * Stops the thread and waits until it has ended, however often the calling thread is interrupted meanwhile (its
   * interrupt status is restored afterwards), then frees what no thread owns any more: the native state of a worker
   * whose thread never started, and anything queued after the thread ended.
   */
  void close() {
    stop();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (!started) {
      freeNatives();
    }
    discardQueued();
  }

  private void run() {
    AVPacket packet = av_packet_alloc();
    boolean endHandedOn = false;
    try {
      while (true) {
        Item item = queue.take();
        if (item instanceof End) {
          break;
        }
        try {
          if (item instanceof VideoFrame video) {
            if (video.reshaped()) {
              rescale(video.frame(), packet);
            }
            scaler.push(video.frame());
            drainScaler(packet);
          } else if (item instanceof AudioPacket audio) {
            segmenter.write(audio.packet(), audioTimeBase, audioStream);
          }
        } finally {
          release(item);
        }
      }
      if (encoder != null) {
        scaler.push(null);
        drainScaler(packet);
        encode(null, packet);
      }
      for (RenditionWorker smaller : lower) {
        handOn(new End(), smaller);
      }
      endHandedOn = true;
      segmenter.finish();
    } catch (InterruptedException e) {
      // Stopped by the pipeline, or by the rung above as it failed: the transcode is being abandoned.
    } catch (Throwable e) {
      failure = e;
    } finally {
      ended = true;
      if (!endHandedOn) {
        for (RenditionWorker smaller : lower) {
          smaller.thread.interrupt();
        }
      }
      av_packet_free(packet);
      discardQueued();
      freeNatives();
    }
  }

  /**
   * Ends the current scaler, encoding what it still holds, and makes one for frames like {@code frame}. The new one's
   * rate filter starts again from {@code frame}, so a frame it times at or before the last one encoded is dropped
   * ({@link #encode}).
   */
  private void rescale(AVFrame frame, AVPacket packet) throws InterruptedException {
    scaler.push(null);
    drainScaler(packet);
    FilterChain next = scalerFor.apply(frame);
    scaler.close();
    scaler = next;
  }

  /** Encodes every frame the scaler has ready, after handing a reference to each on to the smaller rungs it feeds. */
  private void drainScaler(AVPacket packet) throws InterruptedException {
    while (true) {
      AVFrame frame = scaler.next();
      if (frame == null) {
        return;
      }
      try {
        for (RenditionWorker smaller : lower) {
          AVFrame reference = av_frame_clone(frame);
          if (reference == null) {
            throw new OutOfMemoryError("cannot reference a scaled frame");
          }
          handOn(new VideoFrame(reference, false), smaller);
        }
        encode(frame, packet);
      } finally {
        av_frame_unref(frame);
      }
    }
  }

  /** Queues {@code item} for {@code smaller}, waiting while its queue is full; dropped if that rung has ended. */
  private static void handOn(Item item, RenditionWorker smaller) throws InterruptedException {
    try {
      while (!smaller.queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (smaller.ended) {
          release(item);
          return;
        }
      }
    } catch (InterruptedException e) {
      release(item);
      throw e;
    }
  }

  private void encode(AVFrame frame, AVPacket packet) {
    if (frame != null) {
      AVRational scaled = scaler.outputTimeBase();
      long pts = av_rescale_q(frame.pts(), scaled, encoderTimeBase);
      if (lastEncodedPts != AV_NOPTS_VALUE && pts <= lastEncodedPts) {
        return;
      }
      lastEncodedPts = pts;
      frame.pts(pts);
      frameDurations.put(pts, av_rescale_q(frame.duration(), scaled, encoderTimeBase));
      frame.pict_type(startsSegment(pts) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
      double seconds = (double) pts * encoderTimeBase.num() / encoderTimeBase.den();
      if (poster != null) {
        poster.offer(frame, seconds);
      }
      if (storyboard != null) {
        storyboard.offer(frame, seconds);
      }
    }
    Ffmpeg.check(avcodec_send_frame(encoder, frame), encoderName + " rejected a frame in rendition " + name);
    while (true) {
      int ret = avcodec_receive_packet(encoder, packet);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
        return;
      }
      Ffmpeg.check(ret, encoderName + " failed in rendition " + name);
      Long duration = frameDurations.remove(packet.pts());
      if (packet.duration() <= 0 && duration != null) {
        packet.duration(duration);
      }
      segmenter.write(packet, encoderTimeBase, videoStream);
      av_packet_unref(packet);
    }
  }

  /**
   * Whether the frame at {@code pts} (in 1/fps units) is the first at or after a multiple of the segment duration:
   * segment index floor(pts * den / (num * segmentSeconds)) changes there.
   */
  private boolean startsSegment(long pts) {
    if (pts == AV_NOPTS_VALUE || pts <= 0) {
      return true;
    }
    long num = plan.frameRate().numerator();
    long den = plan.frameRate().denominator();
    long span = num * segmentSeconds;
    return (pts * den) / span != ((pts - 1) * den) / span;
  }

  private void discardQueued() {
    Item left;
    while ((left = queue.poll()) != null) {
      release(left);
    }
  }

  private static void release(Item item) {
    if (item instanceof VideoFrame video) {
      av_frame_free(video.frame());
    } else if (item instanceof AudioPacket audio) {
      av_packet_free(audio.packet());
    }
  }

  /** Frees the native encoder, filter graph and muxer: on the worker's thread as it ends, or if it never started. */
  private void freeNatives() {
    if (scaler != null) {
      scaler.close();
    }
    if (encoder != null) {
      avcodec_free_context(encoder);
    }
    segmenter.close();
  }
}
