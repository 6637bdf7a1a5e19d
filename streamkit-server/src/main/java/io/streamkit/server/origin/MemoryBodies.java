package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small files' bytes held in memory, so that {@link FileHandler} sends them with their response head in one
 * {@code writev} instead of corking the socket, writing the head, {@code sendfile}-ing the file and uncorking: four
 * system calls become one. Measured on loopback under wrk (benchmarks/README.md, "Small objects: from memory, and
 * uncorked"), that is the faster way up to 64 KiB at 64 and at 1,000 connections (at 128 KiB it is faster at 64
 * connections and slower at 1,000, where the copies pile up in the socket buffers); above {@link #MAX_FILE_BYTES}
 * files stay zero-copy.
 *
 * <p>A body belongs to one {@link OpenFile}, i.e. one version of the file, and is read the first time a response
 * wants it; it goes when that open file does. The bytes held in all bodies together stay within a limit: a file that
 * would pass it is sent with {@code sendfile} until other bodies have gone.
 */
final class MemoryBodies {

  /** Files larger than this are never held in memory. */
  static final int MAX_FILE_BYTES = 64 * 1024;
  /** The bytes held in all bodies together at most. */
  static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;

  private final long maxTotalBytes;
  private final AtomicLong heldBytes = new AtomicLong();

  MemoryBodies() {
    this(MAX_TOTAL_BYTES);
  }

  MemoryBodies(long maxTotalBytes) {
    this.maxTotalBytes = maxTotalBytes;
  }

  /** Whether a file of {@code size} bytes is one to hold in memory at all (not empty, not above the limit). */
  static boolean fits(long size) {
    return size > 0 && size <= MAX_FILE_BYTES;
  }

  /**
   * {@code size} bytes of {@code channel} from its start, in a buffer from {@code alloc}; {@code null} when the file is
   * too large, the limit would be passed, or it cannot be read (the caller then sends it from the descriptor, which
   * reports the failure as sending it always has). The bytes are held until {@link #released} is called with the
   * same size.
   */
  ByteBuf read(ByteBufAllocator alloc, FileChannel channel, long size) {
    if (!fits(size)) {
      return null;
    }
    if (heldBytes.addAndGet(size) > maxTotalBytes) {
      heldBytes.addAndGet(-size);
      return null;
    }
    ByteBuf body = alloc.directBuffer((int) size, (int) size);
    try {
      while (body.isWritable()) {
        if (body.writeBytes(channel, body.writerIndex(), body.writableBytes()) < 0) {
          throw new IOException("the file ended early");
        }
      }
      return body;
    } catch (IOException e) {
      body.release();
      heldBytes.addAndGet(-size);
      return null;
    }
  }

  /** Gives back the room of a body of {@code size} bytes that has been released. */
  void released(long size) {
    heldBytes.addAndGet(-size);
  }

  /** {@return the bytes held in bodies now} */
  long heldBytes() {
    return heldBytes.get();
  }
}
