package io.streamkit.hls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a media file in writes of up to {@value #WRITE_BYTES} bytes, so that the kernel's page cache holds it in
 * large pieces, which makes every later {@code sendfile} of it cheaper for whichever server sends it.
 *
 * <p>Linux's page cache keeps a file in folios (Linux 5.16's memory folios; large folios for buffered writes on ext4
 * from Linux 6.16, XFS earlier), and a buffered write allocates folios about as large as the write, up to the page
 * table's 2 MiB. {@code Files.write} writes 8 KiB at a time ({@code java.nio.file.Files}'s copy buffer), leaving a
 * 4 MiB segment in 512 folios that every {@code sendfile} of it then looks up and references one by one
 * ({@code filemap_get_read_batch}, about a fifth of a file server's CPU at 4 MiB). Three titles' 3 MB segments
 * written in 1 MiB writes cost nginx and the origin 2-16 % less CPU per response (median 10 %) than the same bytes
 * written 8 KiB at a time, and writes of 64 KiB already took most of that (benchmarks/README.md, "Segments written in
 * large writes"). The pieces are slices of the caller's array: the JDK copies each through a temporary direct buffer
 * of its size, which it keeps for the thread, so a slice bounds that buffer too.
 */
final class LargeFolioWrite {

  /** The largest single write: large enough for 1 MiB folios, small enough for the JDK's per-thread buffer. */
  static final int WRITE_BYTES = 1 << 20;

  private LargeFolioWrite() {}

  /** Creates or truncates {@code file} and writes {@code bytes} to it. */
  static void write(Path file, byte[] bytes) throws IOException {
    try (FileChannel channel = create(file)) {
      writeFully(channel, bytes, bytes.length);
    }
  }

  private static FileChannel create(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void writeFully(FileChannel channel, byte[] bytes, int length) throws IOException {
    for (int offset = 0; offset < length; ) {
      offset += channel.write(ByteBuffer.wrap(bytes, offset, Math.min(WRITE_BYTES, length - offset)));
    }
  }

  /**
   * Writes files made of pieces (headers, slices of a larger array) in the same large writes, gathered in one buffer
   * of {@value #WRITE_BYTES} bytes that serves every file it writes: the file is never assembled in memory first.
   * Used from one thread only.
   */
  static final class Gathered {

    private final byte[] buffer = new byte[WRITE_BYTES];
    private FileChannel channel;
    private int filled;

    /** Creates or truncates {@code file}, to be written by {@link #put} and ended by {@link #finish}. */
    void start(Path file) throws IOException {
      abandon();
      channel = create(file);
      filled = 0;
    }

    void put(byte[] bytes) throws IOException {
      put(bytes, 0, bytes.length);
    }

    void put(byte[] bytes, int offset, int length) throws IOException {
      while (length > 0) {
        int taken = Math.min(length, buffer.length - filled);
        System.arraycopy(bytes, offset, buffer, filled, taken);
        filled += taken;
        offset += taken;
        length -= taken;
        if (filled == buffer.length) {
          writeFully(channel, buffer, filled);
          filled = 0;
        }
      }
    }

    /** Writes what is left and closes the file. */
    void finish() throws IOException {
      try (FileChannel written = channel) {
        channel = null;
        writeFully(written, buffer, filled);
      }
    }

    /** Closes a file that was started and not finished, as it stands; nothing when there is none. */
    void abandon() throws IOException {
      if (channel != null) {
        FileChannel open = channel;
        channel = null;
        open.close();
      }
    }
  }
}
