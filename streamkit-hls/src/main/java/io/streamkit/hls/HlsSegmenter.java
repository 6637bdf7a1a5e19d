package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * One media playlist and its segments, written by libavformat's {@code hls} muxer (VOD playlist, all segments
 * listed, {@code EXT-X-INDEPENDENT-SEGMENTS}). It cuts a segment at the first key frame at or after each multiple of
 * the segment duration; the encoders force an IDR exactly there, so every rendition is cut at the same instants.
 * An fMP4 video rendition then gets a fragment per IDR ({@link KeyframeFragmenter}), and every playlist the
 * measured duration of each segment ({@link SegmentDurations}) instead of the muxer's, whose last segment's is short.
 */
final class HlsSegmenter implements AutoCloseable {

  static final String PLAYLIST = "index.m3u8";
  static final String INIT_SEGMENT = "init.mp4";
  /** Media segment file names, numbered from the playlist's media sequence number (0), before the extension. */
  static final String SEGMENT_NAME = "seg_%05d.";

  private final AVFormatContext context = new AVFormatContext(null);
  private final Path directory;
  private final SegmentDurations durations = new SegmentDurations();
  /** The stream the segments are timed by: the video stream, else the first one. */
  private int timingStream = -1;
  private SegmentFormat format;
  private boolean headerWritten;
  private boolean finished;
  /** See {@link #presentLater}. */
  private double presentLaterSeconds;
  /** See {@link #startLater}. */
  private double startLaterSeconds;

  HlsSegmenter(Path directory) {
    this.directory = directory;
    Ffmpeg.check(avformat_alloc_output_context2(context, null, "hls", directory.resolve(PLAYLIST).toString()),
        "cannot create HLS output in " + directory);
  }

  /** Adds a stream with the encoder's parameters; returns its index. */
  int addStream(AVCodecContext encoder) {
    AVStream stream = avformat_new_stream(context, null);
    Ffmpeg.check(avcodec_parameters_from_context(stream.codecpar(), encoder), "cannot copy encoder parameters");
    stream.time_base(encoder.time_base());
    stream.codecpar().codec_tag(0);
    if (timingStream < 0 || encoder.codec_type() == AVMEDIA_TYPE_VIDEO
        && context.streams(timingStream).codecpar().codec_type() != AVMEDIA_TYPE_VIDEO) {
      timingStream = stream.index();
    }
    return stream.index();
  }

  /**
   * Tags stream {@code index} with its language (an ISO 639-2 code), which the fMP4 muxer writes into the track's
   * {@code mdhd} box (ISO/IEC 14496-12 section 8.4.2) and the TS muxer into an ISO 639 language descriptor.
   */
  void tagLanguage(int index, String iso639) {
    AVStream stream = context.streams(index);
    AVDictionary metadata = stream.metadata() == null ? new AVDictionary(null) : stream.metadata();
    Ffmpeg.check(av_dict_set(metadata, "language", iso639, 0), "cannot tag the language in " + directory);
    stream.metadata(metadata);
  }

  void writeHeader(SegmentFormat format, int segmentSeconds) {
    this.format = format;
    AVDictionary options = new AVDictionary(null);
    try {
      av_dict_set(options, "hls_time", Integer.toString(segmentSeconds), 0);
      av_dict_set(options, "hls_playlist_type", "vod", 0);
      av_dict_set(options, "hls_list_size", "0", 0);
      av_dict_set(options, "hls_segment_type", format.muxerValue, 0);
      av_dict_set(options, "hls_segment_filename", directory.resolve(SEGMENT_NAME + format.extension).toString(), 0);
      av_dict_set(options, "hls_fmp4_init_filename", INIT_SEGMENT, 0);
      av_dict_set(options, "hls_flags", "independent_segments", 0);
      if (format == SegmentFormat.FMP4 && context.streams(timingStream).codecpar().codec_type() != AVMEDIA_TYPE_VIDEO) {
        // An audio rendition keeps where its first packet starts in the fragments' decode times (tfdt) instead of
        // an empty edit, which hls.js and Chrome's MSE ignore: see startLater.
        av_dict_set(options, "hls_segment_options", "movflags=+frag_discont", 0);
      }
      Ffmpeg.check(avformat_write_header(context, options), "cannot start HLS output in " + directory);
      headerWritten = true;
    } finally {
      av_dict_free(options);
    }
  }

  /**
   * Presents every packet written from now on {@code seconds} later than its own timestamps say (rounded to the
   * stream's clock) by making its composition offset longer: decode times are unchanged and still start at 0, where
   * the muxer moves a video stream's first one (ISO/IEC 14496-12 section 8.6.1.3). For a video rendition whose
   * reorder delay is shorter than the title's start ({@link RenditionWorker#startAt}).
   */
  void presentLater(double seconds) {
    presentLaterSeconds = seconds;
  }

  /**
   * Moves every packet written from now on {@code seconds} later, decode and presentation times alike (rounded to the
   * stream's clock). In an fMP4 audio rendition the fragments keep that start in their decode times ({@code tfdt},
   * ISO/IEC 14496-12 section 8.8.12), not as an empty edit (section 8.6.6): players that ignore edit lists (hls.js on
   * MSE) and players that apply them (AVFoundation, FFmpeg) then start the sound at the same instant.
   */
  void startLater(double seconds) {
    startLaterSeconds = seconds;
  }

  /** Writes one packet timed in {@code timeBase}; the packet's data is consumed. */
  void write(AVPacket packet, AVRational timeBase, int streamIndex) {
    packet.stream_index(streamIndex);
    if (streamIndex == timingStream) {
      durations.record(packet, timeBase);
    }
    AVRational streamTimeBase = context.streams(streamIndex).time_base();
    av_packet_rescale_ts(packet, timeBase, streamTimeBase);
    if (presentLaterSeconds != 0 || startLaterSeconds != 0) {
      double ticksPerSecond = (double) streamTimeBase.den() / streamTimeBase.num();
      long start = Math.round(startLaterSeconds * ticksPerSecond);
      packet.pts(packet.pts() + start + Math.round(presentLaterSeconds * ticksPerSecond)).dts(packet.dts() + start);
    }
    Ffmpeg.check(av_interleaved_write_frame(context, packet), "cannot write segment in " + directory);
  }

  void finish() {
    Ffmpeg.check(av_write_trailer(context), "cannot finish playlist in " + directory);
    finished = true;
    if (format == SegmentFormat.FMP4) {
      KeyframeFragmenter.split(directory);
    }
    durations.rewrite(directory, format,
        context.streams(timingStream).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO);
  }

  @Override
  public void close() {
    if (headerWritten && !finished) {
      // Flushes and closes the open segment file; the staging directory is deleted by the caller anyway.
      av_write_trailer(context);
    }
    avformat_free_context(context);
  }
}
