package io.streamkit.abr.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * The record of one simulated session: one row per chunk, and the summary figures of the study.
 * Scores sum chunks 2..n: the first chunk's quality is fixed by the player, not chosen by the rule,
 * so the study's plots leave it out. Immutable.
 */
public final class SessionResult {

  private final String traceName;
  private final int[] ladderKbps;
  private final double[] timeSeconds;
  private final int[] quality;
  private final double[] bufferSeconds;
  private final double[] rebufferSeconds;
  private final long[] chunkBytes;
  private final double[] downloadMs;

  SessionResult(
      String traceName,
      int[] ladderKbps,
      double[] timeSeconds,
      int[] quality,
      double[] bufferSeconds,
      double[] rebufferSeconds,
      long[] chunkBytes,
      double[] downloadMs) {
    this.traceName = traceName;
    this.ladderKbps = ladderKbps;
    this.timeSeconds = timeSeconds;
    this.quality = quality;
    this.bufferSeconds = bufferSeconds;
    this.rebufferSeconds = rebufferSeconds;
    this.chunkBytes = chunkBytes;
    this.downloadMs = downloadMs;
  }

  /** {@return the name of the trace the session was played over} */
  public String traceName() {
    return traceName;
  }

  /** {@return the number of chunks played} */
  public int chunks() {
    return quality.length;
  }

  /**
   * {@return the rung (0 = lowest) a chunk was fetched at}
   *
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public int quality(int chunk) {
    return quality[chunk];
  }

  /**
   * {@return the nominal bitrate in kbit/s of the rung a chunk was fetched at}
   *
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public int bitrateKbps(int chunk) {
    return ladderKbps[quality[chunk]];
  }

  /**
   * {@return the buffer in seconds after a chunk arrived (and after any sleep at the buffer cap)}
   *
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public double bufferSeconds(int chunk) {
    return bufferSeconds[chunk];
  }

  /**
   * {@return the seconds playback stalled while a chunk downloaded; for the first chunk, the start-up wait}
   *
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public double rebufferSeconds(int chunk) {
    return rebufferSeconds[chunk];
  }

  /**
   * {@return the size of a chunk in bytes}
   *
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public long chunkBytes(int chunk) {
    return chunkBytes[chunk];
  }

  /**
   * {@return a chunk's download time in milliseconds, the round trip included}
   *
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public double downloadMs(int chunk) {
    return downloadMs[chunk];
  }

  /**
   * {@return the reward of one chunk under a metric} The first chunk is compared with itself (no switch).
   *
   * @param qoe the metric
   * @param chunk the chunk, {@code 0} to {@code chunks() - 1}
   */
  public double reward(Qoe qoe, int chunk) {
    int previous = quality[chunk == 0 ? 0 : chunk - 1];
    return qoe.reward(ladderKbps, quality[chunk], previous, rebufferSeconds[chunk]);
  }

  /**
   * {@return the session's score under a metric: the sum of rewards over chunks 2..n}
   *
   * @param qoe the metric
   */
  public double qoe(Qoe qoe) {
    double sum = 0;
    for (int chunk = 1; chunk < quality.length; chunk++) {
      sum += reward(qoe, chunk);
    }
    return sum;
  }

  /** {@return the mean nominal bitrate over chunks 2..n in kbit/s (the first chunk's, for a one-chunk session)} */
  public double meanBitrateKbps() {
    double sum = 0;
    for (int chunk = 1; chunk < quality.length; chunk++) {
      sum += ladderKbps[quality[chunk]];
    }
    return quality.length > 1 ? sum / (quality.length - 1) : ladderKbps[quality[0]];
  }

  /** {@return the seconds stalled over the whole session, the first chunk's start-up wait included} */
  public double totalRebufferSeconds() {
    double sum = 0;
    for (double r : rebufferSeconds) {
      sum += r;
    }
    return sum;
  }

  /** {@return the number of quality changes between consecutive chunks} */
  public int switches() {
    int count = 0;
    for (int chunk = 1; chunk < quality.length; chunk++) {
      if (quality[chunk] != quality[chunk - 1]) {
        count++;
      }
    }
    return count;
  }

  /**
   * Writes the study's log format, one line per chunk: {@code time_s bitrate_kbps buffer_s rebuffer_s
   * chunk_bytes download_ms reward}, tab separated.
   *
   * @param out where the lines go; it is neither flushed nor closed
   * @param qoe the metric of the reward column
   * @throws java.io.UncheckedIOException if writing fails
   */
  public void writeLog(Writer out, Qoe qoe) {
    try {
      for (int chunk = 0; chunk < quality.length; chunk++) {
        out.write(
            timeSeconds[chunk] + "\t" + ladderKbps[quality[chunk]] + "\t" + bufferSeconds[chunk] + "\t"
                + rebufferSeconds[chunk] + "\t" + chunkBytes[chunk] + "\t" + downloadMs[chunk] + "\t"
                + reward(qoe, chunk) + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the session log of " + traceName + ": " + e.getMessage(), e);
    }
  }
}
