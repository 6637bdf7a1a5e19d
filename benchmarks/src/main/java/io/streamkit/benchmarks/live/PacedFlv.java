package io.streamkit.benchmarks.live;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * An FLV file read as a publisher sends it: the header at once, then each tag (Adobe FLV specification 10.1,
 * annex E) when the wall clock since the first read reaches the tag's timestamp, as {@code ffmpeg -re} paces its
 * output. Several streams may share one file's bytes.
 */
final class PacedFlv extends InputStream {

  private static final int HEADER_BYTES = 9 + 4;
  private static final int TAG_HEADER_BYTES = 11;

  private final byte[] flv;
  /** End offset (exclusive, after the trailing previous-tag-size) of each tag, and its timestamp in ms. */
  private final int[] tagEnds;
  private final long[] tagMillis;
  private final boolean paced;
  private long startNanos = -1;
  private int position;
  private int nextTag;

  /** Parses the tags of {@code flv}; {@code paced} false reads it as fast as it is asked for. */
  PacedFlv(byte[] flv, boolean paced) {
    this.flv = flv;
    this.paced = paced;
    int[] ends = new int[1024];
    long[] millis = new long[1024];
    int count = 0;
    int offset = HEADER_BYTES;
    while (offset + TAG_HEADER_BYTES <= flv.length) {
      int dataSize = ((flv[offset + 1] & 0xff) << 16) | ((flv[offset + 2] & 0xff) << 8) | (flv[offset + 3] & 0xff);
      long timestamp = ((flv[offset + 7] & 0xffL) << 24) | ((flv[offset + 4] & 0xffL) << 16)
          | ((flv[offset + 5] & 0xffL) << 8) | (flv[offset + 6] & 0xffL);
      int end = Math.min(flv.length, offset + TAG_HEADER_BYTES + dataSize + 4);
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
        millis = Arrays.copyOf(millis, count * 2);
      }
      ends[count] = end;
      millis[count] = timestamp;
      count++;
      offset = end;
    }
    this.tagEnds = Arrays.copyOf(ends, count);
    this.tagMillis = Arrays.copyOf(millis, count);
  }

  /** {@return the media duration of the file: the last tag's timestamp, in seconds} */
  double mediaSeconds() {
    return tagMillis.length == 0 ? 0 : tagMillis[tagMillis.length - 1] / 1000.0;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (startNanos < 0) {
      startNanos = System.nanoTime();
    }
    if (position >= flv.length) {
      return -1;
    }
    int released = position < HEADER_BYTES ? HEADER_BYTES : releasedUpTo();
    while (released <= position) {
      if (nextTag == tagEnds.length) {
        return -1;
      }
      long dueNanos = startNanos + tagMillis[nextTag] * 1_000_000L;
      long wait = dueNanos - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while pacing the input", e);
        }
      }
      released = releasedUpTo();
    }
    int count = Math.min(length, released - position);
    System.arraycopy(flv, position, buffer, offset, count);
    position += count;
    return count;
  }

  /** The end of the last tag due by now (every tag when not paced). */
  private int releasedUpTo() {
    long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000L;
    while (nextTag < tagEnds.length && (!paced || tagMillis[nextTag] <= elapsedMillis)) {
      nextTag++;
    }
    return nextTag == 0 ? HEADER_BYTES : Math.max(HEADER_BYTES, tagEnds[nextTag - 1]);
  }
}
