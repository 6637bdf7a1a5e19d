package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_describe;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_get_sample_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_samples_set_silence;

import io.streamkit.abr.ladder.PlannedRendition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Decode once, encode N: the caller's thread demuxes and decodes the source a single time, makes the picture upright
 * and progressive, and hands every decoded frame by reference (no copy) to one {@link RenditionWorker} thread per
 * rung, which scales and encodes it; a rung at most three quarters as tall as a larger rung that scales the source
 * (a third, for the smallest rungs) gets that rung's scaled frames instead ({@link #scaledFrom}). Each audio track is
 * decoded once on the caller's thread and, per output, resampled to 48 kHz, down-mixed and AAC-LC encoded there: a
 * stereo output for every track, plus a 5.1 output for a track of {@link MediaInfo.Audio#SURROUND_CHANNELS} or more
 * channels. In fMP4 every output is an audio rendition of its own ({@link #audioDirectoryName}); a transport stream
 * title carries the main track's stereo output only, muxed into every video rendition, as before (its variants have
 * no separate audio renditions).
 *
 * <p>Audio-only sources ({@link MediaInfo#audioOnly()}, e.g. a podcast episode) take the same audio path with no
 * video worker: every output is an audio rendition of its own in fMP4 and in TS alike (a TS title then carries the
 * main track only, as an MPEG-TS segment stream of one AAC elementary stream), and the main track's decoded audio is
 * the clock the video would otherwise be: timeline, progress and end.
 *
 * <p>This is the lower-level libav* API rather than JavaCV's grabber/recorder: the recorder converts every frame
 * through its own buffers and cannot share one decoded frame between N encoders or force IDRs per frame.
 *
 * <p>Timeline: every timestamp is made relative to the start of the video stream (of the main audio track for an
 * audio-only source). Audio is aligned to it with
 * {@code aresample=async=1:first_pts=0} (silence is inserted when audio starts late, samples dropped when it starts
 * early) and made to end with the video actually decoded — not the duration the container claims, which a
 * truncated file overstates: encoded audio is held back until the video has reached it, packets past the video's end
 * are dropped, and {@code apad} supplies silence up to the end when the audio stops early. When the picture stops
 * first, its last frame is repeated until the main audio track ends, so the video decoded then reaches that far.
 * Packets of MPEG-TS and MPEG-PS sources are put on one timeline first ({@link TimestampDiscontinuities}).
 *
 * <p>Stopping: {@link JobControl#cancelled()} is checked for every packet read and while waiting on a full worker
 * queue; once it is true the run ends with a {@link CancellationException}. However the run ends, {@link #close()}
 * first stops every worker and waits for its thread to end (uninterruptibly), and only then frees the decoders,
 * filter graphs and AAC encoders this thread used; each worker frees its own encoder, filter graph and muxer on its
 * own thread (see {@link RenditionWorker}).
 */
final class TranscodePipeline {

  static final int AUDIO_SAMPLE_RATE = 48_000;
  static final long AUDIO_BITRATE = 128_000;
  /** 5.1 AAC-LC: 64 kbit/s for each of six channels, what the stereo rate spends per channel. */
  static final long SURROUND_AUDIO_BITRATE = 384_000;
  static final int STEREO_CHANNELS = 2;
  static final int AAC_FRAME_SIZE = 1024;
  /** The main track's stereo rendition keeps the directory name of titles made when there was one audio track. */
  static final String AUDIO_DIRECTORY = "audio";
  /** How far the sound must go on past the last picture for that picture to be held ({@link #holdLastPicture}). */
  static final double HOLD_PICTURE_AFTER_SECONDS = 1.0;

  /**
   * What the encoders produced, before packaging.
   *
   * @param video the video renditions, largest first; empty for an audio-only source
   * @param audio the audio renditions (fMP4, and the one of an audio-only TS title), main track's stereo first; empty
   *     for a TS video title, whose audio is muxed
   * @param hasAudio whether the title carries audio at all
   */
  record Encoded(List<EncodedVideo> video, List<EncodedAudio> audio, boolean hasAudio) {}

  /**
   * One audio rendition.
   *
   * @param track the source track it was made from
   * @param trackNumber 1-based position of the track among the source's decodable audio tracks
   * @param main whether the track is the source's main track ({@link MediaInfo#audio()})
   * @param channels 2, or 6 for a 5.1 rendition
   * @param directory where its playlist is
   */
  record EncodedAudio(MediaInfo.Audio track, int trackNumber, boolean main, int channels, Path directory) {}

  /** One encoded video rendition: where its playlist is and the SPS/PPS its encoder emitted. */
  record EncodedVideo(PlannedRendition plan, Path directory, byte[] codecConfiguration) {}

  interface FrameProgress {
    void decoded(double mediaSeconds);
  }

  private final MediaProbe.Opened input;
  private final List<PlannedRendition> plan;
  private final Path staging;
  private final SegmentFormat format;
  private final int segmentSeconds;
  private final String preset;
  private final JobControl control;
  private final FrameProgress progress;
  private final StoryboardCapture storyboard;

  private final List<RenditionWorker> videoWorkers = new ArrayList<>();
  /** The video workers that scale the decoded frames themselves; the others scale a larger rung's. */
  private final List<RenditionWorker> scalingSource = new ArrayList<>();
  private final List<AudioTrack> audioTracks = new ArrayList<>();
  private DisplayFilter displayFilter;
  /** The shape of the last frame handed to the rungs that scale the source. */
  private FrameShape distributedShape;
  private AVCodecContext videoDecoder;
  private PosterCapture poster;
  /** The stream whose start is 0 on the output timeline: the video, or the main audio track of an audio-only source. */
  private AVStream timelineStream;
  /** The start of {@link #timelineStream}, in its time base. */
  private long timelineStart;
  /** Video frames decoded, or the main track's audio frames for an audio-only source. */
  private long decodedFrames;
  private long lastVideoPts = AV_NOPTS_VALUE;
  /**
   * End of the video decoded so far (of the main audio track for an audio-only source), in seconds on the output
   * timeline; every audio output ends there.
   */
  private double timelineEndSeconds;
  /** End of the main audio track decoded so far, in seconds on the output timeline. */
  private double mainAudioEndSeconds;
  /** A reference to the last video frame decoded, held until the end in case the sound goes on longer. */
  private final AVFrame lastPicture = av_frame_alloc();
  private boolean workersStarted;

  TranscodePipeline(MediaProbe.Opened input, List<PlannedRendition> plan, Path staging, SegmentFormat format,
      int segmentSeconds, String preset, JobControl control, FrameProgress progress, StoryboardCapture storyboard) {
    this.input = input;
    this.plan = plan;
    this.staging = staging;
    this.format = format;
    this.segmentSeconds = segmentSeconds;
    this.preset = preset;
    this.control = control;
    this.progress = progress;
    this.storyboard = storyboard;
  }

  /**
   * Decodes, encodes and segments the whole input into the staging directory.
   *
   * @throws CancellationException once {@link JobControl#cancelled()} is true
   */
  Encoded run() {
    MediaInfo info = input.info;
    String name = input.name;
    AVStream videoStream = info.audioOnly() ? null : input.context.streams(info.video().streamIndex());
    timelineStream = videoStream != null ? videoStream
        : input.context.streams(info.audio().orElseThrow().streamIndex());
    timelineStart = timelineStream.start_time() == AV_NOPTS_VALUE ? 0 : timelineStream.start_time();
    try {
      if (videoStream != null) {
        MediaInfo.Video video = info.video();
        videoDecoder = openDecoder(videoStream, name, EncoderThreads.forDecoder(plan,
            (double) video.width() * video.height() * video.frameRateNum() / video.frameRateDen(),
            Runtime.getRuntime().availableProcessors()));
      }
      openAudioTracks(name);
      if (videoStream != null) {
        poster = new PosterCapture(staging.resolve(PosterCapture.FILE_NAME), info.durationSeconds());
      } else {
        startWorkers(null);
      }
      demux(videoStream, name);
      if (decodedFrames == 0) {
        throw new TranscodeException(name + ": no " + (videoStream != null ? "video" : "audio")
            + " frame could be decoded; the file is truncated or corrupt");
      }
      finishWorkers(name);
      List<EncodedVideo> video = videoWorkers.stream()
          .map(w -> new EncodedVideo(w.plan(), w.directory(), w.codecConfiguration()))
          .toList();
      List<EncodedAudio> audio = new ArrayList<>();
      for (AudioTrack track : audioTracks) {
        for (AudioOutput output : track.outputs) {
          if (output.worker != null) {
            audio.add(new EncodedAudio(track.source, track.number, track.main, output.channels,
                output.worker.directory()));
          }
        }
      }
      return new Encoded(video, List.copyOf(audio), !audioTracks.isEmpty());
    } finally {
      close();
    }
  }

  /**
   * One decoder per track the title carries: every decodable track in fMP4, the main one in TS. The main track comes
   * first, so its stereo output is the first audio rendition.
   */
  private void openAudioTracks(String name) {
    MediaInfo.Audio main = input.info.audio().orElse(null);
    if (main == null) {
      return;
    }
    List<MediaInfo.Audio> all = input.info.audioTracks();
    List<MediaInfo.Audio> carried = format == SegmentFormat.TS ? List.of(main) : all;
    List<MediaInfo.Audio> ordered = new ArrayList<>(carried);
    ordered.remove(main);
    ordered.add(0, main);
    for (MediaInfo.Audio source : ordered) {
      AudioTrack track = new AudioTrack(source, all.indexOf(source) + 1, source == main,
          input.context.streams(source.streamIndex()));
      audioTracks.add(track);
      track.decoder = openDecoder(track.stream, name, 1);
      track.outputs.add(new AudioOutput(track, STEREO_CHANNELS, AUDIO_BITRATE));
      if (format == SegmentFormat.FMP4 && source.surround()) {
        track.outputs.add(new AudioOutput(track, MediaInfo.Audio.SURROUND_CHANNELS, SURROUND_AUDIO_BITRATE));
      }
    }
  }

  /**
   * The directory of an audio rendition: {@code audio} for the main track's stereo output, as before titles had
   * several tracks; {@code audio-<language>-<n>} (or {@code audio-<n>} without a language) for another track's, and
   * {@code audio-surround-<language>-<n>} for a 5.1 output, {@code n} being the track's 1-based position among the
   * source's audio tracks so names never collide.
   */
  static String audioDirectoryName(MediaInfo.Audio track, int trackNumber, boolean main, int channels) {
    boolean surround = channels > STEREO_CHANNELS;
    if (main && !surround) {
      return AUDIO_DIRECTORY;
    }
    return AUDIO_DIRECTORY + (surround ? "-surround" : "")
        + track.language().map(l -> "-" + l.toLowerCase(Locale.ROOT)).orElse("") + "-" + trackNumber;
  }

  private void demux(AVStream videoStream, String name) {
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    TimestampDiscontinuities discontinuities = new TimestampDiscontinuities(input.context);
    long frameMicros = videoStream == null ? 0
        : 1_000_000L * input.info.video().frameRateDen() / input.info.video().frameRateNum();
    try {
      while (av_read_frame(input.context, packet) >= 0) {
        try {
          throwIfCancelled(name);
          if (videoStream != null && packet.stream_index() == videoStream.index()) {
            discontinuities.correct(packet, frameMicros);
            decode(videoDecoder, packet, frame, f -> onVideoFrame(f, videoStream));
          } else {
            for (AudioTrack track : audioTracks) {
              if (packet.stream_index() == track.stream.index()) {
                discontinuities.correct(packet, 0);
                decode(track.decoder, packet, frame, track::onFrame);
              }
            }
          }
        } finally {
          av_packet_unref(packet);
        }
        throwIfWorkerFailed();
      }
      if (videoStream != null) {
        decode(videoDecoder, null, frame, f -> onVideoFrame(f, videoStream));
      }
      for (AudioTrack track : audioTracks) {
        decode(track.decoder, null, frame, track::onFrame);
      }
      if (videoStream != null) {
        holdLastPicture(videoStream, name);
      }
      if (displayFilter != null) {
        displayFilter.push(null);
        displayFilter.drain(this::distributeVideo);
      }
      for (AudioTrack track : audioTracks) {
        for (AudioOutput output : track.outputs) {
          output.finish();
        }
      }
    } finally {
      av_frame_free(frame);
      av_packet_free(packet);
    }
  }

  /** Feeds one packet (or {@code null} to flush); undecodable packets are skipped, as the ffmpeg CLI does. */
  private static void decode(AVCodecContext decoder, AVPacket packet, AVFrame frame, Consumer<AVFrame> sink) {
    int ret = avcodec_send_packet(decoder, packet);
    if (ret < 0 && ret != AVERROR_EOF) {
      return;
    }
    while (true) {
      ret = avcodec_receive_frame(decoder, frame);
      if (ret < 0) {
        return;
      }
      try {
        sink.accept(frame);
      } finally {
        av_frame_unref(frame);
      }
    }
  }

  private void onVideoFrame(AVFrame frame, AVStream stream) {
    av_frame_unref(lastPicture);
    Ffmpeg.check(av_frame_ref(lastPicture, frame), "cannot reference a decoded video frame");
    long pts = frame.best_effort_timestamp();
    if (pts == AV_NOPTS_VALUE) {
      pts = lastVideoPts == AV_NOPTS_VALUE ? timelineStart : lastVideoPts + Math.max(1, frame.duration());
    }
    lastVideoPts = pts;
    frame.pts(pts - timelineStart);
    decodedFrames++;
    double seconds = frame.pts() * avutil.av_q2d(stream.time_base());
    // A frame lasts as long as the stream says (variable frame rate); the nominal rate is for streams that do not.
    MediaInfo.Video video = input.info.video();
    double frameSeconds = frame.duration() > 0 ? frame.duration() * avutil.av_q2d(stream.time_base())
        : (double) video.frameRateDen() / video.frameRateNum();
    timelineEndSeconds = Math.max(timelineEndSeconds, seconds + frameSeconds);
    progress.decoded(seconds);
    if (videoWorkers.isEmpty() && displayFilter == null) {
      // On the decoding thread, which every rung waits for: colour conversion at the source's size is worth
      // slicing over the cores (zscale is slice-threaded).
      displayFilter = DisplayFilter.open(frame, stream.time_base(), input.info.video(), plan.get(0).width(),
          plan.get(0).height(), null, Runtime.getRuntime().availableProcessors());
    }
    if (displayFilter != null) {
      displayFilter.push(frame);
      displayFilter.drain(this::distributeVideo);
    } else {
      distributeVideo(frame);
    }
    releaseAudio();
  }

  /**
   * Where the picture stops more than {@value #HOLD_PICTURE_AFTER_SECONDS} s before the sound (a song with its
   * cover stored as a one-frame video stream, a recording whose camera stopped first), repeats the last picture at
   * the nominal frame rate until the main audio track ends, as a player holds it: the title lasts as long as its
   * sound instead of being cut to its picture. Shorter overhangs are the usual ragged end of two tracks (or of a
   * truncated file's interleaving) and are trimmed with the audio, the title ending with its last picture.
   */
  private void holdLastPicture(AVStream stream, String name) {
    if (decodedFrames == 0 || mainAudioEndSeconds - timelineEndSeconds <= HOLD_PICTURE_AFTER_SECONDS) {
      return;
    }
    MediaInfo.Video video = input.info.video();
    long step = Math.max(1, av_rescale_q(video.frameRateDen(), av_make_q(1, video.frameRateNum()),
        stream.time_base()));
    double stepSeconds = step * avutil.av_q2d(stream.time_base());
    long pts = lastVideoPts;
    AVFrame copy = av_frame_alloc();
    try {
      while (timelineEndSeconds + stepSeconds / 2 < mainAudioEndSeconds) {
        throwIfCancelled(name);
        pts += step;
        Ffmpeg.check(av_frame_ref(copy, lastPicture), "cannot reference a decoded video frame");
        copy.best_effort_timestamp(pts).pts(pts).duration(step);
        try {
          onVideoFrame(copy, stream);
        } finally {
          av_frame_unref(copy);
        }
        throwIfWorkerFailed();
      }
    } finally {
      av_frame_free(copy);
    }
  }

  /** Passes on the audio the timeline now covers. */
  private void releaseAudio() {
    for (AudioTrack track : audioTracks) {
      for (AudioOutput output : track.outputs) {
        output.release(false);
      }
    }
  }

  private AVRational distributedTimeBase() {
    AVRational streamBase = input.context.streams(input.info.video().streamIndex()).time_base();
    return displayFilter == null ? streamBase : displayFilter.outputTimeBase();
  }

  private void distributeVideo(AVFrame frame) {
    if (!workersStarted) {
      startWorkers(frame);
      distributedShape = FrameShape.of(frame);
    }
    // Checked once per frame here rather than by every rung that scales the source.
    boolean reshaped = !distributedShape.matches(frame);
    if (reshaped) {
      distributedShape = FrameShape.of(frame);
    }
    try {
      for (RenditionWorker worker : scalingSource) {
        AVFrame reference = av_frame_clone(frame);
        if (reference == null) {
          throw new OutOfMemoryError("cannot reference a decoded frame");
        }
        if (!worker.offerVideo(reference, reshaped, control)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      throw interrupted();
    }
  }

  /** Buffer source arguments for frames like {@code frame}, timed in {@code timeBase}. */
  static String videoSourceArgs(AVFrame frame, AVRational timeBase) {
    int sarNum = frame.sample_aspect_ratio().num();
    int sarDen = frame.sample_aspect_ratio().den();
    return String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d",
        frame.width(), frame.height(), frame.format(), timeBase.num(), timeBase.den(),
        sarNum > 0 ? sarNum : 1, sarNum > 0 && sarDen > 0 ? sarDen : 1);
  }

  /**
   * Rungs whose shorter side is below this many lines are small ({@link #small}): one more Lanczos step softened screen
   * text at 234 and 240 lines by 0.0007–0.0013 SSIM against the source (the transcode's quality bound is 0.001), where
   * 360 lines scaled from 720 lost at most 0.0003; a small rung scales a larger rung only with the source's own
   * bicubic filter ({@link RungScaler}) and from {@link #MIN_SMALL_RUNG_STEP} times its height (benchmarks/README.md,
   * "Middle rungs from the 720p rung").
   */
  static final int SMALL_RUNG_SHORT_SIDE = 300;

  /**
   * How much taller than a rung the larger rung it scales must be: a rung scaled from the source with bicubic and then
   * with Lanczos to a size from three quarters of its own down kept PSNR at or above one bicubic step from the source
   * and SSIM within 0.0002 of it (540p and 432p from 720p, four sources), and took a third less CPU to scale than from
   * 1080p (benchmarks/README.md, "Middle rungs from the 720p rung").
   */
  static final double MIN_SCALE_STEP = 4.0 / 3;

  /**
   * How much taller than a {@link #small} rung the larger rung it scales must be: 234p scaled from the 720p rung with
   * bicubic came within 0.02 dB PSNR of 234p scaled from the 1080p source and never more than 0.00008 SSIM below it,
   * on screen recordings too, at half the scaling cost; closer steps were not measured, so they scale the source.
   */
  static final double MIN_SMALL_RUNG_STEP = 3;

  /** Whether {@code rung} is below {@link #SMALL_RUNG_SHORT_SIDE} on its shorter side. */
  static boolean small(PlannedRendition rung) {
    return Math.min(rung.width(), rung.height()) < SMALL_RUNG_SHORT_SIDE;
  }

  /**
   * Which rung the rung at {@code index} of {@code plan} (largest first) scales: the smallest rung at least
   * {@link #MIN_SCALE_STEP} times its height ({@link #MIN_SMALL_RUNG_STEP} for a {@link #small} rung) that itself
   * scales a source of {@code sourceHeight} down (never a chain of three scalers) and runs at least its frame rate;
   * else -1, the source.
   */
  static int scaledFrom(List<PlannedRendition> plan, int index, int sourceHeight) {
    PlannedRendition rung = plan.get(index);
    double step = small(rung) ? MIN_SMALL_RUNG_STEP : MIN_SCALE_STEP;
    for (int larger = index - 1; larger >= 0; larger--) {
      PlannedRendition candidate = plan.get(larger);
      boolean tallEnough = candidate.height() >= Math.round(step * rung.height());
      boolean scalesTheSource = candidate.height() < sourceHeight && scaledFrom(plan, larger, sourceHeight) < 0;
      boolean everyFrame = candidate.frameRate().fps() >= rung.frameRate().fps();
      if (tallEnough && scalesTheSource && everyFrame) {
        return larger;
      }
    }
    return -1;
  }

  /** Starts a worker per rung and per audio rendition; {@code first} is the first video frame, null without video. */
  private void startWorkers(AVFrame first) {
    // A copy: a worker keeps no pointer into the pipeline's native state.
    AVRational sourceTimeBase = first == null ? null
        : Ffmpeg.rational(distributedTimeBase().num(), distributedTimeBase().den());
    double plannedAspect = first == null ? 1 : FrameShape.of(first).displayAspect();
    try {
      AVCodecContext muxedAudio = format == SegmentFormat.TS && !audioTracks.isEmpty()
          ? audioTracks.get(0).outputs.get(0).encoder : null;
      int[] encoderThreads = EncoderThreads.forLadder(plan, Runtime.getRuntime().availableProcessors());
      for (int i = 0; i < plan.size(); i++) {
        PlannedRendition rendition = plan.get(i);
        Path directory = Files.createDirectory(staging.resolve(rendition.name()));
        int larger = scaledFrom(plan, i, first.height());
        RenditionWorker higher = larger < 0 ? null : videoWorkers.get(larger);
        PlannedRendition scaled = higher == null ? null : plan.get(larger);
        Function<AVFrame, FilterChain> scaler = higher == null
            ? frame -> FilterChain.video(videoSourceArgs(frame, sourceTimeBase),
                RungScaler.filter(rendition, frame.format(), frame.width(), frame.height(),
                    frame.color_range() == AVCOL_RANGE_JPEG, false,
                    FrameShape.of(frame).displayAspect() / plannedAspect))
            : frame -> FilterChain.video(higher.scaledFrameArgs(),
                RungScaler.filter(rendition, AV_PIX_FMT_YUV420P, scaled.width(), scaled.height(), false, true, 1));
        RenditionWorker worker = RenditionWorker.video(directory, rendition, scaler, higher == null ? first : null,
            format, segmentSeconds, preset, encoderThreads[i], RenditionColour.of(input.info.video()), muxedAudio,
            i == 0 ? poster : null, i == plan.size() - 1 ? storyboard : null);
        if (higher != null) {
          higher.feed(worker);
        } else {
          scalingSource.add(worker);
        }
        videoWorkers.add(worker);
      }
      if (format == SegmentFormat.FMP4 || input.info.audioOnly()) {
        for (AudioTrack track : audioTracks) {
          for (AudioOutput output : track.outputs) {
            String directory = audioDirectoryName(track.source, track.number, track.main, output.channels);
            String language = track.source.language().flatMap(LanguageTag::toIso639Part2).orElse(null);
            output.worker = RenditionWorker.audio(Files.createDirectory(staging.resolve(directory)), directory,
                output.encoder, language, format, segmentSeconds);
          }
        }
      }
      if (format == SegmentFormat.FMP4) {
        // Every rendition presents its first frame or sample at the title's start, the longest reorder delay among
        // the video renditions (a rung capped to a lower frame rate has a longer one).
        double titleStart = videoWorkers.stream().mapToDouble(RenditionWorker::presentationDelaySeconds).max()
            .orElse(0);
        allWorkers().forEach(worker -> worker.startAt(titleStart));
      }
    } catch (java.io.IOException e) {
      throw new TranscodeException("cannot create rendition directory in " + staging + ": " + e.getMessage(), e);
    }
    for (RenditionWorker worker : allWorkers()) {
      worker.start();
    }
    workersStarted = true;
  }

  /** One source audio track: its decoder, and the outputs each of its decoded frames goes to. */
  private final class AudioTrack {
    final MediaInfo.Audio source;
    final int number;
    final boolean main;
    final AVStream stream;
    final List<AudioOutput> outputs = new ArrayList<>();
    AVCodecContext decoder;

    AudioTrack(MediaInfo.Audio source, int number, boolean main, AVStream stream) {
      this.source = source;
      this.number = number;
      this.main = main;
      this.stream = stream;
    }

    /**
     * Moves the frame onto the title's timeline and gives each output a reference to it; the main track of an
     * audio-only source also advances the timeline's end, as video frames do otherwise.
     */
    void onFrame(AVFrame frame) {
      long pts = frame.best_effort_timestamp();
      if (pts != AV_NOPTS_VALUE) {
        frame.pts(pts - av_rescale_q(timelineStart, timelineStream.time_base(), stream.time_base()));
      }
      boolean clock = main && input.info.audioOnly();
      double start = pts == AV_NOPTS_VALUE ? timelineEndSeconds : frame.pts() * avutil.av_q2d(stream.time_base());
      double end = start + (double) frame.nb_samples() / Math.max(1, frame.sample_rate());
      if (clock) {
        decodedFrames++;
        progress.decoded(start);
      }
      AudioParameters parameters = AudioParameters.of(frame, stream);
      for (AudioOutput output : outputs) {
        AVFrame reference = av_frame_clone(frame);
        if (reference == null) {
          throw new OutOfMemoryError("cannot reference a decoded audio frame");
        }
        try {
          output.push(reference, parameters);
        } finally {
          av_frame_free(reference);
        }
      }
      if (clock) {
        timelineEndSeconds = Math.max(timelineEndSeconds, end);
        releaseAudio();
      }
      if (main) {
        mainAudioEndSeconds = Math.max(mainAudioEndSeconds, end);
      }
    }

    void close() {
      for (AudioOutput output : outputs) {
        output.close();
      }
      if (decoder != null) {
        avcodec_free_context(decoder);
      }
    }
  }

  /**
   * One AAC-LC output of a track: its resampling filter, encoder, the encoded packets held until the video covers
   * them, and (fMP4) the worker that segments them.
   */
  private final class AudioOutput {
    final AudioTrack track;
    final int channels;
    final AVCodecContext encoder;
    final java.util.ArrayDeque<AVPacket> held = new java.util.ArrayDeque<>();
    FilterChain filter;
    /** What the filter's source takes: the parameters of the track's first frame. */
    AudioParameters filterInput;
    /**
     * Converts frames to {@link #filterInput} while the track's parameters differ from its first frame's (a
     * broadcast recording switching between 5.1 and stereo, files joined end to end); {@code null} otherwise.
     */
    FilterChain adapter;
    AudioParameters adapterInput;
    RenditionWorker worker;

    AudioOutput(AudioTrack track, int channels, long bitrate) {
      this.track = track;
      this.channels = channels;
      this.encoder = openAacEncoder(channels, bitrate);
    }

    /** Filters and encodes {@code frame}, whose references move to the filter graph. */
    void push(AVFrame frame, AudioParameters parameters) {
      if (filter == null) {
        filter = FilterChain.audio(parameters.sourceArgs(), audioFilterDescription(channels), AAC_FRAME_SIZE);
        filterInput = parameters;
      }
      if (parameters.equals(filterInput)) {
        finishAdapter();
        filter.push(frame);
      } else {
        if (!parameters.equals(adapterInput)) {
          finishAdapter();
          adapter = FilterChain.audio(parameters.sourceArgs(), filterInput.conversion(), 0);
          adapterInput = parameters;
        }
        adapter.push(frame);
        adapter.drain(filter::push);
      }
      filter.drain(this::encode);
    }

    /** Passes what the adapter still holds on to the filter and closes it. */
    private void finishAdapter() {
      if (adapter != null) {
        adapter.push(null);
        adapter.drain(filter::push);
        adapter.close();
        adapter = null;
        adapterInput = null;
      }
    }

    /** At the end of the source: encodes the rest up to the timeline's end and passes on what it covers. */
    void finish() {
      if (filter == null) {
        pushSilence();
      }
      finishAdapter();
      filter.push(null);
      filter.drainBefore(Math.round(timelineEndSeconds * AUDIO_SAMPLE_RATE), this::encode);
      encode(null);
      release(true);
    }

    /**
     * A track without a single decoded frame (no packets, or none decodable) still becomes a rendition as long as
     * the video, of silence: one silent sample at the start, which {@code apad} then pads to the video's end. An
     * empty rendition would be a playlist of one zero-length segment, which players reject.
     */
    private void pushSilence() {
      AVCodecContext decoder = track.decoder;
      int sampleFormat = decoder.sample_fmt() < 0 ? AV_SAMPLE_FMT_FLTP : decoder.sample_fmt();
      AVFrame silence = av_frame_alloc();
      try {
        silence.format(sampleFormat).sample_rate(decoder.sample_rate()).nb_samples(1).pts(0);
        Ffmpeg.check(av_channel_layout_copy(silence.ch_layout(), decoder.ch_layout()),
            "cannot copy the channel layout of audio track " + track.number);
        Ffmpeg.check(av_frame_get_buffer(silence, 0), "cannot allocate a silent audio frame");
        av_samples_set_silence(silence.extended_data(), 0, 1, silence.ch_layout().nb_channels(), sampleFormat);
        push(silence, AudioParameters.of(silence, track.stream));
      } finally {
        av_frame_free(silence);
      }
    }

    private void encode(AVFrame frame) {
      Ffmpeg.check(avcodec_send_frame(encoder, frame), "AAC encoder rejected audio");
      AVPacket packet = av_packet_alloc();
      try {
        while (true) {
          int ret = avcodec_receive_packet(encoder, packet);
          if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
            return;
          }
          Ffmpeg.check(ret, "AAC encoder failed");
          held.add(av_packet_clone(packet));
          av_packet_unref(packet);
        }
      } finally {
        av_packet_free(packet);
      }
    }

    /**
     * Passes held packets on once the decoded timeline (video, or the main audio track) covers them; at the end of
     * the source, those starting before the timeline's end are passed on and the rest dropped.
     */
    void release(boolean end) {
      if (!workersStarted) {
        return;
      }
      long videoEnd = Math.round(timelineEndSeconds * AUDIO_SAMPLE_RATE);
      while (!held.isEmpty()) {
        AVPacket packet = held.peekFirst();
        boolean covered = end ? packet.pts() < videoEnd : packet.pts() + packet.duration() <= videoEnd;
        if (!covered) {
          break;
        }
        distribute(held.pollFirst());
      }
      if (end) {
        discardHeld();
      }
    }

    /** Gives {@code packet} (owned) to this output's worker, or in TS to every video rendition. */
    private void distribute(AVPacket packet) {
      try {
        if (worker != null) {
          worker.offerAudio(packet, control);
          return;
        }
        for (int i = 0; i < videoWorkers.size(); i++) {
          AVPacket copy = i == videoWorkers.size() - 1 ? packet : av_packet_clone(packet);
          if (!videoWorkers.get(i).offerAudio(copy, control)) {
            if (copy != packet) {
              av_packet_free(packet);
            }
            return;
          }
        }
      } catch (InterruptedException e) {
        throw interrupted();
      }
    }

    private void discardHeld() {
      held.forEach(p -> av_packet_free(p));
      held.clear();
    }

    void close() {
      discardHeld();
      if (adapter != null) {
        adapter.close();
      }
      if (filter != null) {
        filter.close();
      }
      avcodec_free_context(encoder);
    }
  }

  private static String audioFilterDescription(int channels) {
    return "aresample=" + AUDIO_SAMPLE_RATE + ":async=1:first_pts=0,"
        + "aformat=sample_fmts=fltp:sample_rates=" + AUDIO_SAMPLE_RATE + ":channel_layouts="
        + (channels == STEREO_CHANNELS ? "stereo" : "5.1") + ",apad";
  }

  /** The parameters of a track's decoded audio that an {@code abuffer} source is made for. */
  private record AudioParameters(int timeBaseNum, int timeBaseDen, int sampleRate, String sampleFormat,
      String layout) {

    static AudioParameters of(AVFrame frame, AVStream stream) {
      org.bytedeco.ffmpeg.avutil.AVChannelLayout channels = frame.ch_layout();
      if (channels.order() == avutil.AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_default(channels, channels.nb_channels());
      }
      byte[] text = new byte[128];
      av_channel_layout_describe(channels, text, text.length);
      int end = 0;
      while (end < text.length && text[end] != 0) {
        end++;
      }
      AVRational timeBase = stream.time_base();
      return new AudioParameters(timeBase.num(), timeBase.den(), frame.sample_rate(),
          av_get_sample_fmt_name(frame.format()).getString(), new String(text, 0, end));
    }

    String sourceArgs() {
      return String.format(Locale.ROOT, "time_base=%d/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
          timeBaseNum, timeBaseDen, sampleRate, sampleFormat, layout);
    }

    /** A filter description turning any audio into these parameters, timed in the same time base. */
    String conversion() {
      return String.format(Locale.ROOT, "aresample=%d,aformat=sample_fmts=%s:sample_rates=%d:channel_layouts=%s,"
          + "asettb=%d/%d", sampleRate, sampleFormat, sampleRate, layout, timeBaseNum, timeBaseDen);
    }
  }

  private void finishWorkers(String name) {
    try {
      for (RenditionWorker worker : allWorkers()) {
        if (worker.wantsVideo() && !scalingSource.contains(worker)) {
          continue; // the end reaches it through the rung it scales
        }
        if (!worker.offerEnd(control)) {
          throwIfCancelled(name);
          throwIfWorkerFailed();
        }
      }
      for (RenditionWorker worker : allWorkers()) {
        worker.awaitFinished();
      }
    } catch (InterruptedException e) {
      throw interrupted();
    }
    throwIfCancelled(name);
    throwIfWorkerFailed();
  }

  private void throwIfCancelled(String name) {
    if (control.cancelled()) {
      throw new CancellationException("transcode of " + name + " cancelled");
    }
  }

  /** A wait of this thread was interrupted: keep the interrupt status and end the run as cancelled. */
  private static CancellationException interrupted() {
    Thread.currentThread().interrupt();
    return new CancellationException("transcode interrupted");
  }

  private void throwIfWorkerFailed() {
    for (RenditionWorker worker : allWorkers()) {
      Throwable failure = worker.failure();
      if (failure instanceof TranscodeException e) {
        throw e;
      }
      if (failure != null) {
        throw new TranscodeException("rendition " + worker.name() + " failed: " + failure, failure);
      }
    }
  }

  private List<RenditionWorker> allWorkers() {
    List<RenditionWorker> all = new ArrayList<>(videoWorkers);
    for (AudioTrack track : audioTracks) {
      for (AudioOutput output : track.outputs) {
        if (output.worker != null) {
          all.add(output.worker);
        }
      }
    }
    return all;
  }

  /**
   * A decoder for {@code stream} of the file {@code name} on {@code threads} threads, 0 for FFmpeg's own choice (one
   * more than the machine has cores).
   */
  static AVCodecContext openDecoder(AVStream stream, String name, int threads) {
    AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
    AVCodecContext decoder = avcodec_alloc_context3(codec);
    Ffmpeg.check(avcodec_parameters_to_context(decoder, stream.codecpar()), name + ": cannot set up the decoder");
    decoder.pkt_timebase(stream.time_base());
    decoder.thread_count(threads);
    Ffmpeg.check(avcodec_open2(decoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
        name + ": cannot open the " + codec.name().getString() + " decoder");
    return decoder;
  }

  private static AVCodecContext openAacEncoder(int channels, long bitrate) {
    AVCodec codec = avcodec_find_encoder_by_name("aac");
    AVCodecContext encoder = avcodec_alloc_context3(codec);
    encoder.sample_rate(AUDIO_SAMPLE_RATE).sample_fmt(AV_SAMPLE_FMT_FLTP).bit_rate(bitrate)
        .time_base(Ffmpeg.rational(1, AUDIO_SAMPLE_RATE));
    av_channel_layout_default(encoder.ch_layout(), channels);
    encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    Ffmpeg.check(avcodec_open2(encoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
        "cannot open the AAC encoder");
    return encoder;
  }

  /**
   * Stops every worker (on failure or cancellation they may still wait for input), waits until all their threads have
   * ended, and only then frees this thread's native state. Segment files already written stay in the staging
   * directory, which the caller removes once this returns, when nothing writes there any more.
   */
  private void close() {
    List<RenditionWorker> workers = allWorkers();
    for (RenditionWorker worker : workers) {
      worker.stop();
    }
    for (RenditionWorker worker : workers) {
      worker.close();
    }
    for (AudioTrack track : audioTracks) {
      track.close();
    }
    if (displayFilter != null) {
      displayFilter.close();
    }
    if (videoDecoder != null) {
      avcodec_free_context(videoDecoder);
    }
    av_frame_free(lastPicture);
  }
}
