package io.streamkit.hls.live;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import io.streamkit.hls.TranscodeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * An FLV byte stream (the Adobe Flash Video file format, version 10.1, annex E; what an RTMP publisher's audio and
 * video messages carry) demuxed by libavformat from a Java {@link InputStream}, through a custom AVIO context whose
 * read callback pulls from the stream, and the decoders of its first video and first audio stream.
 *
 * <p>Probing reads at most {@value #PROBE_BYTES} bytes and {@value #ANALYZE_MICROSECONDS} µs of media so the
 * stream starts fast; the FLV header's has-audio/has-video flags and the codec sequence headers are enough to set up
 * both decoders. A stream that first appears after probing is ignored.
 *
 * <p>The read callback counts the bytes read and the time spent waiting in {@link InputStream#read}, so the
 * transcoder can tell an input that is late from an encoder that is slow. It returns {@code AVERROR_EXIT} once the
 * transcode is stopped, and end of file when the stream ends or fails (the failure is kept for the log line).
 */
final class FlvInput implements AutoCloseable {

  static final int PROBE_BYTES = 256 * 1024;
  static final int ANALYZE_MICROSECONDS = 500_000;
  private static final int AVIO_BUFFER_SIZE = 32 * 1024;
  private static final Map<Long, FlvInput> OPEN = new ConcurrentHashMap<>();
  private static final StreamRead READ = new StreamRead().retainReference();

  private static final byte[] SIGNATURE = {'F', 'L', 'V'};

  private final String name;
  private InputStream in;
  private final BooleanSupplier stopped;
  private final byte[] chunk = new byte[AVIO_BUFFER_SIZE];
  private final LongPointer opaque = new LongPointer(1);
  private AVIOContext avio;
  private AVFormatContext context;
  private AVStream video;
  private AVStream audio;
  private AVCodecContext videoDecoder;
  private AVCodecContext audioDecoder;
  private long bytesRead;
  private long waitNanos;
  private IOException failure;

  private FlvInput(String name, InputStream in, BooleanSupplier stopped) {
    this.name = name;
    this.in = in;
    this.stopped = stopped;
  }

  /**
   * Opens the stream and its decoders.
   *
   * @throws TranscodeException if the bytes are not an FLV stream or it has no decodable video
   */
  static FlvInput open(String name, InputStream in, BooleanSupplier stopped) {
    FlvInput input = new FlvInput(name, in, stopped);
    try {
      input.open();
      return input;
    } catch (RuntimeException e) {
      input.close();
      throw e;
    }
  }

  private void open() {
    FfmpegCall.load();
    checkSignature();
    BytePointer buffer = new BytePointer(av_malloc(AVIO_BUFFER_SIZE)).capacity(AVIO_BUFFER_SIZE);
    avio = avio_alloc_context(buffer, AVIO_BUFFER_SIZE, 0, opaque, READ, null, null);
    OPEN.put(opaque.address(), this);
    // A context given a pb is marked custom I/O by avformat_open_input: closing it leaves the AVIO context to us.
    AVFormatContext allocated = avformat_alloc_context();
    allocated.pb(avio);
    AVDictionary options = new AVDictionary(null);
    try {
      av_dict_set(options, "probesize", Integer.toString(PROBE_BYTES), 0);
      av_dict_set(options, "analyzeduration", Integer.toString(ANALYZE_MICROSECONDS), 0);
      // On failure avformat_open_input frees the context it was given.
      int ret = avformat_open_input(allocated, "", av_find_input_format("flv"), options);
      if (ret < 0) {
        throw new TranscodeException(name + ": not an FLV stream (FFmpeg: " + FfmpegCall.errorText(ret)
            + "); publish H.264 video and AAC audio over RTMP or as FLV");
      }
      context = allocated;
    } finally {
      av_dict_free(options);
    }
    FfmpegCall.check(avformat_find_stream_info(context, (AVDictionary) null),
        name + ": cannot read the stream's codec parameters");
    StringBuilder found = new StringBuilder();
    for (int i = 0; i < context.nb_streams(); i++) {
      AVStream stream = context.streams(i);
      int type = stream.codecpar().codec_type();
      found.append(found.length() == 0 ? "" : ", ").append(avcodec_get_name(stream.codecpar().codec_id()).getString());
      if (type == AVMEDIA_TYPE_VIDEO && video == null) {
        video = stream;
      } else if (type == AVMEDIA_TYPE_AUDIO && audio == null) {
        audio = stream;
      }
    }
    if (video == null) {
      throw new TranscodeException(name + ": the FLV stream has no video (found: "
          + (found.length() == 0 ? "nothing" : found) + "); publish H.264 video");
    }
    videoDecoder = openDecoder(video);
    if (audio != null) {
      audioDecoder = openDecoder(audio);
    }
  }

  /**
   * Refuses anything that does not start with the FLV signature (Adobe FLV specification, annex E.2) before libav
   * sees it: the forced {@code flv} demuxer would take any bytes and fail later with a vaguer reason.
   */
  private void checkSignature() {
    byte[] start;
    try {
      start = in.readNBytes(SIGNATURE.length);
    } catch (IOException e) {
      throw new TranscodeException(name + ": cannot read the stream (" + e.getMessage() + ")", e);
    }
    if (!Arrays.equals(start, SIGNATURE)) {
      throw new TranscodeException(name + ": not an FLV stream (it does not start with 'FLV'); publish H.264 "
          + "video and AAC audio over RTMP or as FLV");
    }
    in = new SequenceInputStream(new ByteArrayInputStream(start), in);
  }

  private AVCodecContext openDecoder(AVStream stream) {
    AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
    String codecName = avcodec_get_name(stream.codecpar().codec_id()).getString();
    if (codec == null) {
      throw new TranscodeException(name + ": no decoder for " + codecName + "; publish H.264 video and AAC audio");
    }
    AVCodecContext decoder = avcodec_alloc_context3(codec);
    try {
      FfmpegCall.check(avcodec_parameters_to_context(decoder, stream.codecpar()),
          name + ": cannot set up the " + codecName + " decoder");
      decoder.pkt_timebase(stream.time_base());
      decoder.thread_count(0);
      FfmpegCall.check(avcodec_open2(decoder, codec, (AVDictionary) null),
          name + ": cannot open the " + codecName + " decoder");
      return decoder;
    } catch (RuntimeException e) {
      avcodec_free_context(decoder);
      throw e;
    }
  }

  /** The next packet, or a negative FFmpeg code at end of input. */
  int read(AVPacket packet) {
    return av_read_frame(context, packet);
  }

  AVStream video() {
    return video;
  }

  /** {@code null} when the stream has no audio. */
  AVStream audio() {
    return audio;
  }

  AVCodecContext videoDecoder() {
    return videoDecoder;
  }

  AVCodecContext audioDecoder() {
    return audioDecoder;
  }

  long bytesRead() {
    return bytesRead;
  }

  /** Total time spent waiting for the input stream to deliver bytes. */
  long waitNanos() {
    return waitNanos;
  }

  /** Why the input stream ended early, if reading it failed. */
  IOException failure() {
    return failure;
  }

  private int fill(BytePointer buf, int size) {
    if (stopped.getAsBoolean()) {
      return AVERROR_EXIT;
    }
    long started = System.nanoTime();
    int n;
    try {
      n = in.read(chunk, 0, Math.min(chunk.length, size));
    } catch (IOException e) {
      failure = e;
      return AVERROR_EOF;
    } finally {
      waitNanos += System.nanoTime() - started;
    }
    if (n <= 0) {
      return AVERROR_EOF;
    }
    buf.put(chunk, 0, n);
    bytesRead += n;
    return n;
  }

  @Override
  public void close() {
    if (videoDecoder != null) {
      avcodec_free_context(videoDecoder);
    }
    if (audioDecoder != null) {
      avcodec_free_context(audioDecoder);
    }
    if (context != null) {
      avformat_close_input(context);
    }
    OPEN.remove(opaque.address());
    if (avio != null) {
      av_free(avio.buffer());
      avio_context_free(avio);
    }
    opaque.close();
  }

  /** Pulls bytes from the Java stream of the input whose opaque pointer libavformat passes. */
  private static final class StreamRead extends Read_packet_Pointer_BytePointer_int {
    @Override
    public int call(Pointer opaque, BytePointer buf, int size) {
      FlvInput input = OPEN.get(opaque.address());
      if (input == null) {
        return AVERROR_EXIT;
      }
      try {
        return input.fill(buf, size);
      } catch (RuntimeException e) {
        input.failure = new IOException(e);
        return AVERROR_EOF;
      }
    }
  }
}
