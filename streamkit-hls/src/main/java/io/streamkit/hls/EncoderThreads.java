package io.streamkit.hls;

import io.streamkit.abr.ladder.PlannedRendition;
import java.util.List;

/**
 * How many threads each rung's H.264 encoder runs, so that a ladder as a whole asks for about as many threads as the
 * machine has cores and no rung holds the others back.
 *
 * <p>Left to itself ({@code thread_count} 0), x264 starts one and a half frame threads per core for <em>every</em>
 * encoder, plus a look-ahead thread: a six-rung ladder on two cores ran 24 encoder threads besides the six rendition
 * workers, which already keep every core busy. Frame threads of different rungs then take turns on the same cores and
 * evict one another's reference frames from the caches; on two cores, one thread per rung cut the CPU time of a
 * transcode by 15–25 % for the same ladder (benchmarks/README.md, "Transcode vs the ffmpeg command line").
 *
 * <p>But the rungs advance together: one decoder feeds every rung through a bounded queue, so a transcode takes at
 * least as long as its busiest encoder needs for its share of the work on the threads it has. The default ladder's
 * top rung is half of its pixels; on one thread it kept one core busy while the other core ran out of work (the
 * process used 1.75 of 2 cores, the ffmpeg command line 1.9). So the cores are shared out in proportion to each
 * rung's pixel rate, the encoder's cost, with {@link #HEADROOM} to spare and at least one thread each: on two cores
 * the default ladder's 1080p rung gets two and every other rung one; on sixteen, 1080p ten and 720p five.
 *
 * <p>A rung on more than one thread is not reproducible byte for byte: with frames in flight on other threads, x264's
 * VBV plans each frame's size from how far those frames have got, which depends on timing. Debian's ffmpeg 5.1 does
 * the same (two runs of libx264 on two threads with VBV, same input, different bytes; on one thread, or in bitrate mode
 * without VBV, the same bytes); every one-thread rung and the audio are reproducible.
 *
 * <p>The source's video decoder is the one stage every rung waits on, yet it does a small share of the work: one
 * thread decoded the benchmark's 60 s 1080p30 H.264 sources of 4 Mbit/s at 190 (high motion) to 350 frames a second,
 * about seven times the pace at which the default ladder encodes them on two cores. Left to itself, FFmpeg decodes on
 * one frame thread per core and one more (three on two cores), frames in flight handed from thread to thread while
 * the encoders already keep every core busy: decoding alone took 13-15 % more CPU time that way than on one thread, and
 * a transcode's peak RSS was 15-25 MB higher (benchmarks/README.md, "One decoder thread"). So the decoder gets its
 * share of the cores as a rung does, by its pixel rate weighted by {@link #DECODE_WEIGHT}: one thread for a 1080p
 * source on up to four cores, more for a larger source or on more cores, so that it stays ahead of the encoders.
 *
 * <p>A live ladder ({@link io.streamkit.hls.live.LiveTranscoder}) shares the cores the same way. Its x264 runs
 * {@code tune=zerolatency}, whose threads are slices of one frame rather than frames in flight, and left to itself
 * each rung cut every frame into three slices on two cores: four 720p30 streams (twenty rungs) fell behind real time
 * at 1.94 CPU seconds per media second, and ran in real time at 1.59 with the threads shared out
 * (benchmarks/README.md, "Live: transcoder capacity").
 */
public final class EncoderThreads {

  /**
   * How much faster than the ladder as a whole each rung's threads could go: a rung whose share of the work just fills
   * its threads still waits on frame-thread hand-offs and on the decoder, and then holds every other rung back.
   */
  static final double HEADROOM = 1.25;

  /**
   * What decoding a source pixel costs against encoding a rung's pixel: 0.17-0.19 measured (the 1080p30 sources above,
   * one decoder thread against the default ladder's CPU time less the decoder's and the JVM's), doubled for sources
   * that cost more to decode: higher bitrates, HEVC, 10-bit.
   */
  static final double DECODE_WEIGHT = 0.4;

  private EncoderThreads() {}

  /**
   * The threads of the source's video decoder: its share of the cores, like a rung's, with {@link #HEADROOM}.
   *
   * @param plan the ladder's renditions, as planned for the source
   * @param sourcePixelRate the pixels per second the decoder makes: coded width x height x frame rate
   * @param cores the cores to share, usually {@link Runtime#availableProcessors()}
   * @return at least one
   */
  static int forDecoder(List<PlannedRendition> plan, double sourcePixelRate, int cores) {
    double decode = DECODE_WEIGHT * sourcePixelRate;
    double total = decode + plan.stream().mapToDouble(EncoderThreads::pixelRate).sum();
    return Math.max(1, (int) Math.ceil(HEADROOM * cores * decode / total));
  }

  /**
   * Shares a machine's cores among the encoders of a ladder.
   *
   * @param plan the ladder's renditions, as planned for the source
   * @param cores the cores to share, usually {@link Runtime#availableProcessors()}
   * @return the encoder threads of each rung of {@code plan}, in its order: at least one each
   */
  public static int[] forLadder(List<PlannedRendition> plan, int cores) {
    double total = plan.stream().mapToDouble(EncoderThreads::pixelRate).sum();
    int[] threads = new int[plan.size()];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = Math.max(1, (int) Math.ceil(HEADROOM * cores * pixelRate(plan.get(i)) / total));
    }
    return threads;
  }

  /** {@return the pixels per second {@code rendition} encodes, what its encoder's work grows with} */
  static double pixelRate(PlannedRendition rendition) {
    return (double) rendition.width() * rendition.height() * rendition.frameRate().fps();
  }
}
