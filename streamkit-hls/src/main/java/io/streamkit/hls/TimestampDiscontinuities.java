package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avformat.AVFMT_TS_DISCONT;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Joins the pieces of a source whose timestamps jump, onto one continuous timeline. MPEG transport and program
 * streams (the formats FFmpeg flags {@code AVFMT_TS_DISCONT}) restart their clock where recordings were cut and
 * joined or a broadcast switched feeds; taken as they are, the part after a jump back would overlap the part before it
 * and be dropped, and a jump ahead would become minutes of frozen picture.
 *
 * <p>The rule is the ffmpeg command line's ({@code ts_discontinuity_detect} in {@code fftools/ffmpeg_demux.c}): a
 * packet whose decoding time is more than {@value #JUMP_MICROS} µs away from where its stream was expected to
 * continue, or more than {@value #BACKWARDS_MICROS} µs before its stream's last one, starts a new piece; the offset
 * that puts it where the stream was expected applies from then on to every stream of the source, so audio and video
 * stay together. Sources in other formats are left as they are. Used from the demuxing thread only.
 */
final class TimestampDiscontinuities {

  /** ffmpeg's {@code -dts_delta_threshold} default: a larger step either way is a discontinuity. */
  static final long JUMP_MICROS = 10_000_000;
  /** A step back larger than this is a discontinuity too (ffmpeg: a tenth of {@code AV_TIME_BASE}). */
  static final long BACKWARDS_MICROS = 100_000;

  private final boolean enabled;
  private final int[] timeBaseNum;
  private final int[] timeBaseDen;
  /** Per stream: where its next packet is expected to start, µs on the joined timeline; NOPTS before its first. */
  private final long[] nextMicros;
  /** Per stream: its last packet's decoding time, µs on the joined timeline. */
  private final long[] lastMicros;
  /** The last decoding time of any stream, µs on the joined timeline; NOPTS before the first packet. */
  private long lastAnyMicros = AV_NOPTS_VALUE;
  /** Added to every timestamp read, µs. */
  private long offsetMicros;

  TimestampDiscontinuities(AVFormatContext context) {
    enabled = (context.iformat().flags() & AVFMT_TS_DISCONT) != 0;
    int streams = context.nb_streams();
    timeBaseNum = new int[streams];
    timeBaseDen = new int[streams];
    nextMicros = new long[streams];
    lastMicros = new long[streams];
    for (int i = 0; i < streams; i++) {
      AVRational timeBase = context.streams(i).time_base();
      timeBaseNum[i] = timeBase.num();
      timeBaseDen[i] = timeBase.den();
      nextMicros[i] = AV_NOPTS_VALUE;
      lastMicros[i] = AV_NOPTS_VALUE;
    }
  }

  /**
   * Moves {@code packet} onto the joined timeline.
   *
   * @param fallbackMicros how long the packet lasts when it does not say (one frame at the nominal rate), µs
   */
  void correct(AVPacket packet, long fallbackMicros) {
    int stream = packet.stream_index();
    if (!enabled || stream >= nextMicros.length || packet.dts() == AV_NOPTS_VALUE) {
      return;
    }
    shift(packet, offsetMicros);
    long dts = micros(packet.dts(), stream);
    long delta = 0;
    if (nextMicros[stream] != AV_NOPTS_VALUE) {
      long fromExpected = dts - nextMicros[stream];
      if (Math.abs(fromExpected) > JUMP_MICROS || dts + BACKWARDS_MICROS < lastMicros[stream]) {
        delta = fromExpected;
      }
    } else if (lastAnyMicros != AV_NOPTS_VALUE && Math.abs(dts - lastAnyMicros) > JUMP_MICROS) {
      delta = dts - lastAnyMicros;
    }
    if (delta != 0) {
      offsetMicros -= delta;
      shift(packet, -delta);
      dts -= delta;
    }
    long duration = packet.duration() > 0 ? micros(packet.duration(), stream) : fallbackMicros;
    nextMicros[stream] = dts + duration;
    lastMicros[stream] = dts;
    lastAnyMicros = dts;
  }

  private void shift(AVPacket packet, long micros) {
    if (micros == 0) {
      return;
    }
    int stream = packet.stream_index();
    long ticks = Math.round((double) micros * timeBaseDen[stream] / (1_000_000.0 * timeBaseNum[stream]));
    packet.dts(packet.dts() + ticks);
    if (packet.pts() != AV_NOPTS_VALUE) {
      packet.pts(packet.pts() + ticks);
    }
  }

  private long micros(long ticks, int stream) {
    return Math.round((double) ticks * timeBaseNum[stream] * 1_000_000.0 / timeBaseDen[stream]);
  }
}
