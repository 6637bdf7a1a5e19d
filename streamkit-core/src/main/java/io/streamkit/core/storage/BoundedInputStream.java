package io.streamkit.core.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a stream after a number of bytes, as a {@link MediaStorage#read(String, long, long)} of a byte range does;
 * closing it closes the stream beneath. For storage implementations that read ranges of files.
 */
public final class BoundedInputStream extends FilterInputStream {

  private long remaining;

  /**
   * Reads at most {@code limit} bytes of {@code in}.
   *
   * @param in the stream to read, positioned at the range's first byte
   * @param limit how many bytes to give at most, at least 0
   */
  public BoundedInputStream(InputStream in, long limit) {
    super(in);
    this.remaining = limit;
  }

  @Override
  public int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(buffer, offset, (int) Math.min(length, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(Math.min(n, remaining));
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
