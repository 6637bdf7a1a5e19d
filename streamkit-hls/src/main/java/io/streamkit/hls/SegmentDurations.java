package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * The duration of every segment of one rendition, measured from the packets its segmenter was given, and written
 * into the media playlist's {@code EXTINF} tags (RFC 8216 section 4.3.2.1) in place of the muxer's own values.
 *
 * <p>Why not the muxer's values: libavformat's {@code hls} muxer (FFmpeg 7.1) times a segment it cuts by the PTS
 * difference of the two key frames around it, which is exact, but the last one by adding up packet durations in
 * decode order from the PTS of its second packet on; a packet without a duration (libx264 sets none) makes it take
 * that packet's PTS minus the segment's first instead. The last {@code EXTINF} then lacked at least the last frame's
 * duration, and with B-frames more or less depending on which frame the encoder happened to code last, so renditions
 * of one title disagreed (1.95 s and 1.90 s for a 2 s tail at 20 fps). Even with packet durations the sum overstates
 * the segment whenever its second packet in decode order is not its second frame (a P-frame coded ahead of
 * B-frames).
 *
 * <p>Here a segment lasts from the PTS of its earliest frame to the end of its latest one (PTS plus the frame's own
 * duration, so variable frame durations count as they are), in the packets' exact time base: the sum of a
 * rendition's {@code EXTINF} values is the duration of its media, and renditions cut at the same instants list the
 * same values. Which packets a segment holds is read back from the files the muxer wrote: the muxer cuts only before
 * a key packet (a video IDR; every AAC packet is one), so counting the key samples of each segment (fMP4: the sync
 * samples of its fragments, ISO/IEC 14496-12 section 8.8.3.1; MPEG-TS: the video PES packets flagged
 * {@code random_access_indicator}, {@link KeyframeLocator}) divides the decode-order packet record into segments.
 * An audio-only MPEG-TS rendition has no video PES: its segments' AAC frames, each a key packet, are counted by
 * demuxing the segment (a PES may carry several ADTS frames, which libavformat's parser splits).
 */
final class SegmentDurations {

  private static final String EXTINF = "#EXTINF:";
  private static final String TARGET_DURATION = "#EXT-X-TARGETDURATION:";

  /** Time of each run of packets opened by a key packet, in decode order: earliest PTS and latest end. */
  private long[] runStart = new long[64];
  private long[] runEnd = new long[64];
  private int runs;
  private AVRational timeBase;

  /** Notes one packet of the rendition's timing stream (its video, else its audio), timed in {@code packetTimeBase}. */
  void record(AVPacket packet, AVRational packetTimeBase) {
    if (timeBase == null) {
      timeBase = Ffmpeg.rational(packetTimeBase.num(), packetTimeBase.den());
    }
    long pts = packet.pts();
    long end = pts + packet.duration();
    boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
    if (key || runs == 0) {
      if (runs == runStart.length) {
        runStart = Arrays.copyOf(runStart, runs * 2);
        runEnd = Arrays.copyOf(runEnd, runs * 2);
      }
      runStart[runs] = pts;
      runEnd[runs] = end;
      runs++;
    } else {
      runStart[runs - 1] = Math.min(runStart[runs - 1], pts);
      runEnd[runs - 1] = Math.max(runEnd[runs - 1], end);
    }
  }

  /**
   * Rewrites the {@code EXTINF} of every segment of the playlist in {@code directory} with its measured duration, and
   * raises {@code EXT-X-TARGETDURATION} if a duration now rounds above it (section 4.3.3.1); {@code videoTimed} says
   * whether the recorded packets are video (else they are the audio of an audio-only rendition).
   */
  void rewrite(Path directory, SegmentFormat format, boolean videoTimed) {
    Path file = directory.resolve(HlsSegmenter.PLAYLIST);
    MediaPlaylist playlist = MediaPlaylist.read(file);
    Fmp4Fragments.Track track = format == SegmentFormat.FMP4
        ? Fmp4Fragments.track(directory.resolve(HlsSegmenter.INIT_SEGMENT)) : null;
    List<Double> seconds = new ArrayList<>();
    int run = 0;
    for (MediaPlaylist.Segment segment : playlist.segments()) {
      Path media = directory.resolve(segment.uri());
      int keys = format == SegmentFormat.FMP4 ? syncSamples(media, track)
          : videoTimed ? KeyframeLocator.ts(media).size() : demuxedPackets(media);
      if (keys == 0 || run + keys > runs) {
        throw mismatch(file, segment.uri() + " holds " + keys + " key frames, " + (runs - run) + " remain");
      }
      long start = Long.MAX_VALUE;
      long end = Long.MIN_VALUE;
      for (int i = run; i < run + keys; i++) {
        start = Math.min(start, runStart[i]);
        end = Math.max(end, runEnd[i]);
      }
      run += keys;
      seconds.add((double) (end - start) * timeBase.num() / timeBase.den());
    }
    if (run != runs) {
      throw mismatch(file, "the segments hold " + run + " key frames of the " + runs + " written");
    }
    write(file, playlist.targetDuration(), seconds);
  }

  /** The packets libavformat reads from a segment: for an audio-only TS segment, its AAC frames. */
  private static int demuxedPackets(Path segment) {
    AVFormatContext context = new AVFormatContext(null);
    int ret = avformat_open_input(context, segment.toString(), null, null);
    if (ret < 0) {
      throw new TranscodeException("cannot read " + segment + " (FFmpeg: " + Ffmpeg.errorText(ret)
          + "); the segmenter's output is damaged, transcode the title again");
    }
    AVPacket packet = av_packet_alloc();
    try {
      int count = 0;
      while (av_read_frame(context, packet) >= 0) {
        count++;
        av_packet_unref(packet);
      }
      return count;
    } finally {
      av_packet_free(packet);
      avformat_close_input(context);
    }
  }

  private static int syncSamples(Path segment, Fmp4Fragments.Track track) {
    int count = 0;
    for (Fmp4Fragments.Fragment fragment : Fmp4Fragments.fragments(segment, track)) {
      count += (int) fragment.samples().stream().filter(Fmp4Fragments.Sample::sync).count();
    }
    return count;
  }

  private static void write(Path file, int targetDuration, List<Double> seconds) {
    int target = Math.max(targetDuration,
        (int) Math.round(seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
    StringBuilder out = new StringBuilder();
    int segment = 0;
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(EXTINF)) {
          int comma = line.indexOf(',');
          line = EXTINF + String.format(Locale.ROOT, "%.6f", seconds.get(segment++))
              + (comma < 0 ? "," : line.substring(comma));
        } else if (line.startsWith(TARGET_DURATION)) {
          line = TARGET_DURATION + target;
        }
        out.append(line).append('\n');
      }
      Files.writeString(file, out);
    } catch (IOException e) {
      throw new TranscodeException("cannot write the segment durations into " + file + ": " + e.getMessage(), e);
    }
  }

  private static TranscodeException mismatch(Path playlist, String what) {
    return new TranscodeException("cannot time the segments of " + playlist + ": " + what
        + "; the segmenter cut where this packager does not expect, transcode the title again");
  }
}
