package io.streamkit.hls.live;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avformat.avio_flush;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One rendition packaged as CMAF chunks in memory (ISO/IEC 23000-19 section 7: a CMAF header, then fragments of one
 * track each): libavformat's {@code mp4} muxer writes through a custom AVIO write callback into a byte buffer, with
 * {@code empty_moov} (the header is {@code ftyp}+{@code moov} with no samples, handed to {@link LiveSink#init}),
 * {@code default_base_moof} and {@code frag_custom}, so a fragment is cut only when this class asks
 * ({@code av_write_frame(ctx, NULL)}) and each cut is one partial segment ({@link LiveSink#part}).
 *
 * <p>Cutting, in media time only (never the wall clock):
 *
 * <ul>
 *   <li>a segment starts at the first packet whose time reaches the next multiple of the segment duration; for video
 *       that is the frame the encoder was told to make an IDR, so every rendition's segment {@code n} starts at the
 *       same instant (RFC 8216bis section 6.2.4, Apple HLS authoring specification 1.13);
 *   <li>within a segment a part is closed before the packet that would make it last longer than the part target,
 *       so no part exceeds {@code EXT-X-PART-INF:PART-TARGET} (RFC 8216bis sections 4.4.3.7 and 4.4.4.9). At 25 fps
 *       and 0.5 s that gives parts of 12 frames (0.48 s) and a short last part per segment; the last part of a
 *       segment is the one a packager may let fall well below the target;
 *   <li>a packet's duration is the distance to the next one, so the track has no holes when frames were dropped and
 *       a part's duration is exactly the media time its samples cover: each packet is held back until the next one
 *       arrives (one frame of delay); the last packet of the run lasts until the end of the input.
 * </ul>
 *
 * <p>Used from the transcoder's thread only. The write callback is one shared native thunk (JavaCPP allocates a
 * bounded number per callback class) that finds its track by the opaque pointer, as JavaCV's grabber does.
 */
final class CmafTrack implements AutoCloseable {

  private static final int AVIO_BUFFER_SIZE = 64 * 1024;
  private static final String MOVFLAGS = "empty_moov+default_base_moof+frag_custom+cmaf+skip_trailer";
  private static final Map<Long, CmafTrack> OPEN = new ConcurrentHashMap<>();
  private static final MemoryWrite WRITE = new MemoryWrite().retainReference();

  private final String name;
  private final LiveSink sink;
  private final int segmentSeconds;
  private final double partSeconds;
  private final long nominalDuration;
  /** Time base of the packets handed in, seconds per tick as a fraction. */
  private final int tickNum;
  private final int tickDen;
  private final AVRational tickBase;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final LongPointer opaque = new LongPointer(1);
  private final AVFormatContext context = new AVFormatContext(null);
  private AVIOContext avio;
  private AVStream stream;
  private byte[] initSegment;
  private boolean headerWritten;
  private AVPacket pending;
  private long segment = -1;
  private boolean partOpen;
  private long partStart;
  private long partEnd;
  private boolean partIndependent;
  private long segments;
  private long parts;

  /**
   * A track for the packets of {@code encoder} (opened, with global headers), timed in the encoder's time base;
   * {@code nominalDuration} is one packet's duration in that base (one frame, 1024 AAC samples).
   */
  CmafTrack(String name, AVCodecContext encoder, LiveSink sink, int segmentSeconds, double partSeconds,
      long nominalDuration) {
    this.name = name;
    this.sink = sink;
    this.segmentSeconds = segmentSeconds;
    this.partSeconds = partSeconds;
    this.nominalDuration = nominalDuration;
    this.tickNum = encoder.time_base().num();
    this.tickDen = encoder.time_base().den();
    this.tickBase = new AVRational().num(tickNum).den(tickDen);
    try {
      FfmpegCall.check(avformat_alloc_output_context2(context, null, "mp4", (String) null),
          "cannot create the fMP4 muxer for rendition " + name);
      BytePointer buffer = new BytePointer(av_malloc(AVIO_BUFFER_SIZE)).capacity(AVIO_BUFFER_SIZE);
      avio = avio_alloc_context(buffer, AVIO_BUFFER_SIZE, 1, opaque, null, WRITE, null);
      OPEN.put(opaque.address(), this);
      context.pb(avio);
      stream = avformat_new_stream(context, null);
      FfmpegCall.check(avcodec_parameters_from_context(stream.codecpar(), encoder),
          "cannot copy encoder parameters of rendition " + name);
      stream.time_base(encoder.time_base());
      stream.codecpar().codec_tag(0);
      AVDictionary options = new AVDictionary(null);
      try {
        av_dict_set(options, "movflags", MOVFLAGS, 0);
        FfmpegCall.check(avformat_write_header(context, options), "cannot start the fMP4 muxer of rendition " + name);
        headerWritten = true;
      } finally {
        av_dict_free(options);
      }
      initSegment = takeWritten();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  String name() {
    return name;
  }

  long segments() {
    return segments;
  }

  long parts() {
    return parts;
  }

  /** Hands the initialisation segment to the sink. */
  void announce() {
    sink.init(name, initSegment);
  }

  /** Adds a packet timed in the encoder's time base; it is copied, the caller keeps {@code packet}. */
  void write(AVPacket packet) {
    AVPacket next = av_packet_clone(packet);
    if (next == null) {
      throw new OutOfMemoryError("cannot reference an encoded packet of rendition " + name);
    }
    if (pending != null) {
      place(pending, next.pts() - pending.pts());
    }
    pending = next;
  }

  /**
   * Writes the held packet, lasting until {@code endPts} (the input's end, in the encoder's time base) or at least
   * its nominal duration, and closes the last part and segment.
   */
  void finish(long endPts) {
    if (pending != null) {
      place(pending, Math.max(nominalDuration, endPts - pending.pts()));
      pending = null;
    }
    if (partOpen) {
      flushPart();
    }
    if (segment >= 0) {
      sink.segmentEnd(name);
      segments++;
    }
  }

  /** Puts one packet (owned, freed here) into the current part, cutting parts and segments before it as needed. */
  private void place(AVPacket packet, long duration) {
    try {
      long length = duration > 0 ? duration : nominalDuration;
      long pts = packet.pts();
      long packetSegment = Math.max(0, Math.floorDiv(pts * tickNum, (long) tickDen * segmentSeconds));
      if (segment >= 0 && packetSegment > segment) {
        if (partOpen) {
          flushPart();
        }
        sink.segmentEnd(name);
        segments++;
      } else if (partOpen && seconds(pts + length - partStart) > partSeconds + 1e-9) {
        flushPart();
      }
      segment = Math.max(segment, packetSegment);
      if (!partOpen) {
        partOpen = true;
        partStart = pts;
        partIndependent = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
      }
      partEnd = pts + length;
      packet.duration(length);
      packet.stream_index(0);
      av_packet_rescale_ts(packet, tickBase, stream.time_base());
      FfmpegCall.check(av_write_frame(context, packet), "cannot write a sample of rendition " + name);
    } finally {
      av_packet_free(packet);
    }
  }

  private void flushPart() {
    FfmpegCall.check(av_write_frame(context, null), "cannot cut a fragment of rendition " + name);
    sink.part(name, takeWritten(), seconds(partEnd - partStart), partIndependent);
    parts++;
    partOpen = false;
  }

  private double seconds(long ticks) {
    return (double) ticks * tickNum / tickDen;
  }

  private byte[] takeWritten() {
    avio_flush(avio);
    byte[] bytes = written.toByteArray();
    written.reset();
    return bytes;
  }

  @Override
  public void close() {
    if (pending != null) {
      av_packet_free(pending);
      pending = null;
    }
    if (headerWritten) {
      // skip_trailer: nothing is written after the last fragment; this only lets the muxer free its state.
      av_write_trailer(context);
      headerWritten = false;
    }
    OPEN.remove(opaque.address());
    if (avio != null) {
      av_free(avio.buffer());
      avio_context_free(avio);
      avio = null;
    }
    if (!context.isNull()) {
      context.pb(null);
      avformat_free_context(context);
    }
    opaque.close();
  }

  /** The muxer's output: appended to the track's buffer until the next init or part is taken. */
  private static final class MemoryWrite extends Write_packet_Pointer_BytePointer_int {
    @Override
    public int call(Pointer opaque, BytePointer buf, int size) {
      CmafTrack track = OPEN.get(opaque.address());
      if (track == null) {
        return AVERROR_EXIT;
      }
      byte[] bytes = new byte[size];
      buf.get(bytes, 0, size);
      track.written.write(bytes, 0, size);
      return size;
    }
  }
}
