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
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_CHANNEL_ORDER_UNSPEC;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_samples_set_silence;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;

/**
 * The live audio, encoded once for every video rendition: decoded frames resampled to 48 kHz stereo (libswresample,
 * down-mixing multichannel), cut into 1024-sample frames and AAC-LC encoded at 128 kbit/s, as the video-on-demand
 * titles are.
 *
 * <p>Timeline: the output is a gapless run of samples starting at 0, the first video frame's instant. Each decoded
 * frame arrives with its time on the output timeline; when it lies more than {@value #RESYNC_SECONDS} s after the
 * samples produced so far (the audio started late, or the publisher skipped), silence fills the hole; when it lies
 * that much before (overlapping or out-of-order input, audio before the first video frame) the frame is dropped.
 *
 * <p>Encoded packets are held until the video has been encoded past their end ({@link #release}), so the audio
 * rendition never has a segment the video renditions lack. The encoder's priming (its first packet, 1024 samples) is
 * given time 0: the audio plays 21 ms late rather than needing an edit list, which a CMAF header written before the
 * first sample cannot carry.
 */
final class AudioEncoding implements AutoCloseable {

  static final int SAMPLE_RATE = 48_000;
  static final long BITRATE = 128_000;
  static final int FRAME_SIZE = 1024;
  static final double RESYNC_SECONDS = 0.1;
  static final String CODECS = "mp4a.40.2";

  private final AVCodecContext encoder;
  private final AVAudioFifo fifo;
  private final AVFrame converted = av_frame_alloc();
  private final AVPacket packet = av_packet_alloc();
  private final ArrayDeque<AVPacket> held = new ArrayDeque<>();
  private SwrContext resampler;
  private int inputRate;
  private int inputFormat;
  private int inputChannels;
  /** Samples queued for the encoder since the start: the output time of the next sample. */
  private long samplesQueued;
  private long samplesEncoded;

  private AudioEncoding(AVCodecContext encoder) {
    this.encoder = encoder;
    this.fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, SAMPLE_RATE);
  }

  static AudioEncoding open() {
    AVCodec codec = avcodec_find_encoder_by_name("aac");
    AVCodecContext encoder = avcodec_alloc_context3(codec);
    encoder.sample_rate(SAMPLE_RATE).sample_fmt(AV_SAMPLE_FMT_FLTP).bit_rate(BITRATE)
        .time_base(av_make_q(1, SAMPLE_RATE));
    av_channel_layout_default(encoder.ch_layout(), 2);
    encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    try {
      FfmpegCall.check(avcodec_open2(encoder, codec, (AVDictionary) null), "cannot open the AAC encoder");
    } catch (RuntimeException e) {
      avcodec_free_context(encoder);
      throw e;
    }
    return new AudioEncoding(encoder);
  }

  AVCodecContext encoder() {
    return encoder;
  }

  /** Takes one decoded frame whose first sample belongs at {@code mediaSeconds}; returns false if it was dropped. */
  boolean add(AVFrame decoded, double mediaSeconds) {
    double queuedSeconds = (double) samplesQueued / SAMPLE_RATE;
    if (mediaSeconds < queuedSeconds - RESYNC_SECONDS) {
      return false;
    }
    if (mediaSeconds > queuedSeconds + RESYNC_SECONDS) {
      queueSilence(Math.round((mediaSeconds - queuedSeconds) * SAMPLE_RATE));
    }
    if (resampler == null || decoded.sample_rate() != inputRate || decoded.format() != inputFormat
        || decoded.ch_layout().nb_channels() != inputChannels) {
      // The publisher changed its audio: start over from the new format (what the old resampler held is lost).
      openResampler(decoded);
    }
    av_frame_unref(converted);
    converted.sample_rate(SAMPLE_RATE).format(AV_SAMPLE_FMT_FLTP);
    av_channel_layout_default(converted.ch_layout(), 2);
    FfmpegCall.check(swr_convert_frame(resampler, converted, decoded), "cannot resample the live audio");
    queue(converted);
    encodeQueued(false);
    return true;
  }

  private void openResampler(AVFrame decoded) {
    if (resampler != null) {
      swr_free(resampler);
      resampler = null;
    }
    inputRate = decoded.sample_rate();
    inputFormat = decoded.format();
    inputChannels = decoded.ch_layout().nb_channels();
    AVChannelLayout layout = decoded.ch_layout();
    if (layout.order() == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(layout, layout.nb_channels());
    }
    SwrContext context = new SwrContext(null);
    FfmpegCall.check(swr_alloc_set_opts2(context, encoder.ch_layout(), AV_SAMPLE_FMT_FLTP, SAMPLE_RATE, layout,
        decoded.format(), decoded.sample_rate(), 0, null), "cannot set up resampling of the live audio");
    resampler = context;
    FfmpegCall.check(swr_init(resampler), "cannot set up resampling of the live audio from "
        + decoded.sample_rate() + " Hz");
  }

  private void queue(AVFrame frame) {
    if (frame.nb_samples() > 0) {
      FfmpegCall.check(av_audio_fifo_write(fifo, frame.extended_data(), frame.nb_samples()),
          "cannot queue audio samples");
      samplesQueued += frame.nb_samples();
    }
  }

  private void queueSilence(long samples) {
    AVFrame silence = av_frame_alloc();
    try {
      long left = samples;
      while (left > 0) {
        int n = (int) Math.min(left, SAMPLE_RATE);
        av_frame_unref(silence);
        silence.nb_samples(n).format(AV_SAMPLE_FMT_FLTP).sample_rate(SAMPLE_RATE);
        av_channel_layout_default(silence.ch_layout(), 2);
        FfmpegCall.check(av_frame_get_buffer(silence, 0), "cannot allocate silence");
        av_samples_set_silence(silence.extended_data(), 0, n, 2, AV_SAMPLE_FMT_FLTP);
        queue(silence);
        left -= n;
      }
    } finally {
      av_frame_free(silence);
    }
  }

  /** Encodes every whole frame queued; at {@code end} also the rest, and drains the encoder. */
  void encodeQueued(boolean end) {
    while (av_audio_fifo_size(fifo) >= FRAME_SIZE || (end && av_audio_fifo_size(fifo) > 0)) {
      int n = Math.min(FRAME_SIZE, av_audio_fifo_size(fifo));
      AVFrame frame = av_frame_alloc();
      try {
        frame.nb_samples(n).format(AV_SAMPLE_FMT_FLTP).sample_rate(SAMPLE_RATE);
        av_channel_layout_default(frame.ch_layout(), 2);
        FfmpegCall.check(av_frame_get_buffer(frame, 0), "cannot allocate an audio frame");
        av_audio_fifo_read(fifo, frame.extended_data(), n);
        frame.pts(samplesEncoded);
        samplesEncoded += n;
        send(frame);
      } finally {
        av_frame_free(frame);
      }
    }
    if (end) {
      send(null);
    }
  }

  private void send(AVFrame frame) {
    FfmpegCall.check(avcodec_send_frame(encoder, frame), "AAC encoder rejected audio");
    while (true) {
      int ret = avcodec_receive_packet(encoder, packet);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
        return;
      }
      FfmpegCall.check(ret, "AAC encoder failed");
      packet.pts(packet.pts() + encoder.initial_padding());
      packet.dts(packet.dts() + encoder.initial_padding());
      held.add(av_packet_clone(packet));
      av_packet_unref(packet);
    }
  }

  /**
   * Passes held packets (timed in 1/48000 s) to {@code sink} once they end by {@code videoEndSeconds}; at the
   * {@code end} of the run, those starting before it are passed and the rest discarded.
   */
  void release(double videoEndSeconds, boolean end, Consumer<AVPacket> sink) {
    long videoEnd = Math.round(videoEndSeconds * SAMPLE_RATE);
    while (!held.isEmpty()) {
      AVPacket next = held.peekFirst();
      boolean covered = end ? next.pts() < videoEnd : next.pts() + next.duration() <= videoEnd;
      if (!covered) {
        break;
      }
      held.pollFirst();
      try {
        sink.accept(next);
      } finally {
        av_packet_free(next);
      }
    }
    if (end) {
      discardHeld();
    }
  }

  private void discardHeld() {
    for (AVPacket left : held) {
      av_packet_free(left);
    }
    held.clear();
  }

  @Override
  public void close() {
    discardHeld();
    if (resampler != null) {
      swr_free(resampler);
    }
    av_audio_fifo_free(fifo);
    av_frame_free(converted);
    av_packet_free(packet);
    avcodec_free_context(encoder);
  }
}
