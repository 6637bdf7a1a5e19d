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
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int offset = 0; offset < bytes.length; ) {
        offset += channel.write(ByteBuffer.wrap(bytes, offset, Math.min(WRITE_BYTES, bytes.length - offset)));
      }
    }
  }
}
