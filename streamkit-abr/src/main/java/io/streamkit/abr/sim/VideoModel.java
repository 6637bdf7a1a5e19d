package io.streamkit.abr.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The video a simulated session plays: a ladder of nominal bitrates and the measured size of every
 * chunk at every rung (variable bit rate, so sizes differ chunk to chunk). Immutable.
 *
 * <p>The study's model is video only. A title with an audio rendition loads an audio segment beside
 * every video segment over the same link ({@link #withAudio}): a chunk's download then carries both,
 * and the bitrate rule's look-ahead must count both, or it predicts downloads too short and, measuring
 * video bytes alone, the link too slow.
 */
public final class VideoModel {

  /** The Pensieve study's six-rung ladder in kbit/s (its test video, "Envivio"). */
  private static final int[] STUDY_LADDER_KBPS = {300, 750, 1200, 1850, 2850, 4300};

  /** The study's chunk duration in seconds. */
  public static final double STUDY_CHUNK_SECONDS = 4.0;

  private final int[] bitratesKbps;
  private final long[][] chunkBytes;
  private final double chunkSeconds;

  private VideoModel(int[] bitratesKbps, long[][] chunkBytes, double chunkSeconds) {
    this.bitratesKbps = bitratesKbps;
    this.chunkBytes = chunkBytes;
    this.chunkSeconds = chunkSeconds;
  }

  /** {@return a copy of the study's six-rung ladder in kbit/s: 300, 750, 1200, 1850, 2850, 4300} */
  public static int[] studyLadderKbps() {
    return STUDY_LADDER_KBPS.clone();
  }

  /**
   * Builds a model from sizes indexed {@code [quality][chunk]}; the arrays are copied.
   *
   * @param bitratesKbps nominal bitrate of each rung in kbit/s, positive and ascending
   * @param chunkBytes chunk sizes in bytes, one array per rung, all of the same non-zero length
   * @param chunkSeconds media duration of every chunk, in seconds, positive
   * @return the model
   * @throws IllegalArgumentException when rungs do not ascend, a rung's chunk count differs, a size is not positive or
   *     the chunk duration is not
   */
  public static VideoModel of(int[] bitratesKbps, long[][] chunkBytes, double chunkSeconds) {
    if (bitratesKbps.length < 1 || bitratesKbps.length != chunkBytes.length) {
      throw new IllegalArgumentException(
          "video model: " + bitratesKbps.length + " bitrates but " + chunkBytes.length + " size lists");
    }
    if (!(chunkSeconds > 0)) {
      throw new IllegalArgumentException("video model: chunkSeconds must be positive, was " + chunkSeconds);
    }
    long[][] copy = new long[chunkBytes.length][];
    for (int q = 0; q < bitratesKbps.length; q++) {
      if (bitratesKbps[q] <= 0 || (q > 0 && bitratesKbps[q] <= bitratesKbps[q - 1])) {
        throw new IllegalArgumentException("video model: bitrates must be positive and ascend, rung " + q + " is " + bitratesKbps[q]);
      }
      if (chunkBytes[q].length != chunkBytes[0].length || chunkBytes[q].length == 0) {
        throw new IllegalArgumentException(
            "video model: rung " + q + " has " + chunkBytes[q].length + " chunks but rung 0 has " + chunkBytes[0].length);
      }
      for (int c = 0; c < chunkBytes[q].length; c++) {
        if (chunkBytes[q][c] <= 0) {
          throw new IllegalArgumentException("video model: chunk " + c + " of rung " + q + " has size " + chunkBytes[q][c]);
        }
      }
      copy[q] = chunkBytes[q].clone();
    }
    return new VideoModel(bitratesKbps.clone(), copy, chunkSeconds);
  }

  /**
   * Reads the study's layout: one file {@code video_size_Q} per rung Q of {@link #studyLadderKbps()},
   * one chunk size in bytes per line, blank lines skipped; chunks last {@link #STUDY_CHUNK_SECONDS}.
   *
   * @param directory the directory holding {@code video_size_0} to {@code video_size_5}
   * @return the model
   * @throws java.io.UncheckedIOException if a file cannot be read
   * @throws IllegalArgumentException naming the file and line of a malformed size, or of the first
   *     line where the files' chunk counts disagree
   */
  public static VideoModel readStudyLayout(Path directory) {
    long[][] sizes = new long[STUDY_LADDER_KBPS.length][];
    for (int q = 0; q < sizes.length; q++) {
      Path file = directory.resolve("video_size_" + q);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            file + ": missing; --video-sizes must hold video_size_0 .. video_size_" + (sizes.length - 1));
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      long[] rung = new long[lines.size()];
      int count = 0;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        try {
          rung[count] = Long.parseLong(line);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected a chunk size in bytes, found '" + line + "'");
        }
        if (rung[count] <= 0) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": chunk size must be positive, found " + line);
        }
        count++;
      }
      if (count == 0) {
        throw new IllegalArgumentException(file + ":1: no chunk sizes; expected one size in bytes per line");
      }
      sizes[q] = Arrays.copyOf(rung, count);
      if (q > 0 && sizes[q].length != sizes[0].length) {
        int line = Math.min(sizes[q].length, sizes[0].length) + 1;
        throw new IllegalArgumentException(
            file + ":" + line + ": has " + sizes[q].length + " chunks but video_size_0 has " + sizes[0].length
                + "; every rung must list the same chunks");
      }
    }
    return of(STUDY_LADDER_KBPS, sizes, STUDY_CHUNK_SECONDS);
  }

  /**
   * The same video with an audio segment loaded beside each chunk: every chunk's size at every rung
   * grows by that chunk's audio bytes, as one download carries both (the ladder's bitrates stay as
   * given; a variant's {@code BANDWIDTH} already covers its audio, RFC 8216 section 4.3.4.2).
   *
   * @param audioBytes audio bytes of each chunk, one per chunk, each at least 0
   * @return the model with audio
   * @throws IllegalArgumentException when the count differs from {@link #chunkCount()} or a size is negative
   */
  public VideoModel withAudio(long[] audioBytes) {
    if (audioBytes.length != chunkCount()) {
      throw new IllegalArgumentException(
          "video model: " + audioBytes.length + " audio sizes but " + chunkCount() + " chunks; give one per chunk");
    }
    long[][] sizes = new long[chunkBytes.length][chunkCount()];
    for (int c = 0; c < audioBytes.length; c++) {
      if (audioBytes[c] < 0) {
        throw new IllegalArgumentException("video model: audio of chunk " + c + " has size " + audioBytes[c]);
      }
      for (int q = 0; q < sizes.length; q++) {
        sizes[q][c] = chunkBytes[q][c] + audioBytes[c];
      }
    }
    return new VideoModel(bitratesKbps, sizes, chunkSeconds);
  }

  /** {@return the number of rungs} */
  public int qualityCount() {
    return bitratesKbps.length;
  }

  /** {@return the number of chunks, the same at every rung} */
  public int chunkCount() {
    return chunkBytes[0].length;
  }

  /**
   * {@return the nominal bitrate of a rung in kbit/s}
   *
   * @param quality the rung, {@code 0} to {@code qualityCount() - 1}
   */
  public int bitrateKbps(int quality) {
    return bitratesKbps[quality];
  }

  /**
   * {@return the size of one chunk in bytes, its audio included for a model {@link #withAudio with audio}}
   *
   * @param quality the rung, {@code 0} to {@code qualityCount() - 1}
   * @param chunk the chunk, {@code 0} to {@code chunkCount() - 1}
   */
  public long chunkBytes(int quality, int chunk) {
    return chunkBytes[quality][chunk];
  }

  /** {@return the media duration of every chunk, in seconds} */
  public double chunkSeconds() {
    return chunkSeconds;
  }
}
