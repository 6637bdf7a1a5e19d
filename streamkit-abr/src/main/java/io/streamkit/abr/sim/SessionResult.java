package io.streamkit.abr.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * The record of one simulated session: one row per chunk, and the summary figures of the study.
 * Scores sum chunks 2..n: the first chunk's quality is fixed by the player, not chosen by the rule,
 * so the study's plots leave it out.
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

  public String traceName() {
    return traceName;
  }

  public int chunks() {
    return quality.length;
  }

  public int quality(int chunk) {
    return quality[chunk];
  }

  public int bitrateKbps(int chunk) {
    return ladderKbps[quality[chunk]];
  }

  public double bufferSeconds(int chunk) {
    return bufferSeconds[chunk];
  }

  public double rebufferSeconds(int chunk) {
    return rebufferSeconds[chunk];
  }

  public long chunkBytes(int chunk) {
    return chunkBytes[chunk];
  }

  public double downloadMs(int chunk) {
    return downloadMs[chunk];
  }

  /** Reward of one chunk; the first chunk is compared with itself (no switch). */
  public double reward(Qoe qoe, int chunk) {
    int previous = quality[chunk == 0 ? 0 : chunk - 1];
    return qoe.reward(ladderKbps, quality[chunk], previous, rebufferSeconds[chunk]);
  }

  /** The session's score: the sum of rewards over chunks 2..n. */
  public double qoe(Qoe qoe) {
    double sum = 0;
    for (int chunk = 1; chunk < quality.length; chunk++) {
      sum += reward(qoe, chunk);
    }
    return sum;
  }

  /** Mean nominal bitrate over chunks 2..n in kbit/s. */
  public double meanBitrateKbps() {
    double sum = 0;
    for (int chunk = 1; chunk < quality.length; chunk++) {
      sum += ladderKbps[quality[chunk]];
    }
    return quality.length > 1 ? sum / (quality.length - 1) : ladderKbps[quality[0]];
  }

  /** Seconds stalled over the whole session, the first chunk's start-up wait included. */
  public double totalRebufferSeconds() {
    double sum = 0;
    for (double r : rebufferSeconds) {
      sum += r;
    }
    return sum;
  }

  /** Number of quality changes between consecutive chunks. */
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
