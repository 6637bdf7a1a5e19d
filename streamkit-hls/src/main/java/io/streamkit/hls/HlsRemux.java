package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Copies the packets of HLS media playlists (one video rendition, the audio rendition) into one MP4 file, without
 * re-encoding, so that a live recording can enter the upload workflow as an ordinary source file.
 *
 * <p>Each run of a live event restarts its timestamps at zero and is separated from the one before by an
 * {@code EXT-X-DISCONTINUITY} (RFC 8216bis section 4.4.4.3), which libavformat's HLS demuxer does not undo: where a
 * stream's decode timestamp goes backwards, the rest of that stream is shifted to continue one packet after the last
 * one written, as a player joins the runs.
 */
public final class HlsRemux {

  private HlsRemux() {}

  /**
   * Writes every stream of {@code playlists} into {@code target} as MP4, interleaved by time.
   *
   * @param playlists local HLS media playlists, e.g. a video rendition's and the audio rendition's
   * @param target the MP4 file to write; replaced if it exists
   * @throws TranscodeException if a playlist cannot be read or the file cannot be written, in one line
   */
  public static void toMp4(List<Path> playlists, Path target) {
    Ffmpeg.load();
    List<Input> inputs = new ArrayList<>();
    AVFormatContext output = new AVFormatContext(null);
    boolean opened = false;
    try {
      Ffmpeg.check(avformat_alloc_output_context2(output, null, "mp4", target.toString()),
          "cannot create " + target);
      for (Path playlist : playlists) {
        inputs.add(Input.open(playlist, output));
      }
      if ((output.oformat().flags() & AVFMT_NOFILE) == 0) {
        AVIOContext io = new AVIOContext(null);
        Ffmpeg.check(avio_open(io, target.toString(), AVIO_FLAG_WRITE), "cannot write " + target);
        output.pb(io);
        opened = true;
      }
      Ffmpeg.check(avformat_write_header(output, (PointerPointer<?>) null), "cannot start " + target);
      inputs.forEach(Input::next);
      // The input whose next packet is earliest goes first, so the file is interleaved as it is written.
      Input earliest;
      while ((earliest = inputs.stream().filter(Input::pending)
          .min((a, b) -> Double.compare(a.seconds(), b.seconds())).orElse(null)) != null) {
        earliest.write(output, target);
        earliest.next();
      }
      Ffmpeg.check(av_write_trailer(output), "cannot finish " + target);
    } finally {
      for (Input input : inputs) {
        input.close();
      }
      if (opened) {
        avio_closep(output.pb());
      }
      avformat_free_context(output);
    }
  }

  /**
   * One playlist, its streams mapped to output streams, with a running timestamp offset per stream and the packet it
   * will write next.
   */
  private static final class Input {

    private final AVFormatContext context;
    private final int[] outputIndex;
    private final long[] offset;
    private final long[] lastDts;
    private final AVPacket packet = av_packet_alloc();
    private boolean pending;

    private Input(AVFormatContext context, int[] outputIndex) {
      this.context = context;
      this.outputIndex = outputIndex;
      this.offset = new long[outputIndex.length];
      this.lastDts = new long[outputIndex.length];
      Arrays.fill(lastDts, AV_NOPTS_VALUE);
    }

    static Input open(Path playlist, AVFormatContext output) {
      AVFormatContext context = new AVFormatContext(null);
      Ffmpeg.check(avformat_open_input(context, playlist.toString(), null, null), "cannot read " + playlist);
      int streams = context.nb_streams();
      int[] outputIndex = new int[streams];
      Input input = new Input(context, outputIndex);
      try {
        Ffmpeg.check(avformat_find_stream_info(context, (PointerPointer<?>) null), "cannot read " + playlist);
        for (int i = 0; i < streams; i++) {
          AVStream in = context.streams(i);
          AVStream out = avformat_new_stream(output, null);
          Ffmpeg.check(avcodec_parameters_copy(out.codecpar(), in.codecpar()), "cannot copy a stream of " + playlist);
          out.codecpar().codec_tag(0);
          out.time_base(in.time_base());
          outputIndex[i] = out.index();
        }
        return input;
      } catch (RuntimeException e) {
        input.close();
        throw e;
      }
    }

    boolean pending() {
      return pending;
    }

    /** Reads the next packet with a timestamp, continuing its stream's timeline across a discontinuity. */
    void next() {
      av_packet_unref(packet);
      pending = false;
      while (av_read_frame(context, packet) >= 0) {
        int s = packet.stream_index();
        if (packet.dts() == AV_NOPTS_VALUE || s >= outputIndex.length) {
          av_packet_unref(packet);
          continue;
        }
        if (lastDts[s] != AV_NOPTS_VALUE && packet.dts() + offset[s] <= lastDts[s]) {
          offset[s] = lastDts[s] + Math.max(1, packet.duration()) - packet.dts();
        }
        packet.dts(packet.dts() + offset[s]);
        if (packet.pts() != AV_NOPTS_VALUE) {
          packet.pts(packet.pts() + offset[s]);
        }
        lastDts[s] = packet.dts();
        pending = true;
        return;
      }
    }

    double seconds() {
      return packet.dts() * av_q2d(context.streams(packet.stream_index()).time_base());
    }

    void write(AVFormatContext output, Path target) {
      int s = packet.stream_index();
      AVStream out = output.streams(outputIndex[s]);
      av_packet_rescale_ts(packet, context.streams(s).time_base(), out.time_base());
      packet.stream_index(outputIndex[s]);
      packet.pos(-1);
      Ffmpeg.check(av_interleaved_write_frame(output, packet), "cannot write " + target);
      pending = false;
    }

    void close() {
      av_packet_free(packet);
      avformat_close_input(context);
    }
  }
}
