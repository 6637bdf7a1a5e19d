package io.streamkit.hls;

import io.streamkit.abr.ladder.PlannedRendition;
import java.util.List;

/**
 * How many threads each rung's H.264 encoder runs, so that a ladder as a whole asks for about as many threads as the
 * machine has cores.
 *
 * <p>Left to itself ({@code thread_count} 0), x264 starts one and a half frame threads per core for <em>every</em>
 * encoder, plus a look-ahead thread: a six-rung ladder on two cores ran 24 encoder threads besides the six rendition
 * workers, which already keep every core busy. Frame threads of different rungs then take turns on the same cores and
 * evict one another's reference frames from the caches; on two cores, one thread per rung cut the CPU time of a
 * transcode by 15–25 % for the same ladder (benchmarks/README.md, "Transcode vs the ffmpeg command line"). So the
 * cores are shared out in proportion to each rung's pixel rate, the encoder's cost, with at least one thread each: on
 * two cores every rung gets one; on sixteen, the default ladder's 1080p rung gets eight and its 720p rung four.
 */
final class EncoderThreads {

  private EncoderThreads() {}

  /** {@return the encoder threads of each rung of {@code plan}, in its order, for a machine of {@code cores}} */
  static int[] forLadder(List<PlannedRendition> plan, int cores) {
    double total = plan.stream().mapToDouble(EncoderThreads::pixelRate).sum();
    int[] threads = new int[plan.size()];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = Math.max(1, (int) Math.round(cores * pixelRate(plan.get(i)) / total));
    }
    return threads;
  }

  private static double pixelRate(PlannedRendition rendition) {
    return (double) rendition.width() * rendition.height() * rendition.frameRate().fps();
  }
}
