package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A media file held open for more than one response, as nginx's {@code open_file_cache} holds descriptors: the
 * {@link MediaRoot}'s cache owns one reference, and each response that sends from it owns one more, taken with
 * {@link #tryRetain()} and handed to its body ({@link #region}, {@link #chunks}), which gives it back when the body has
 * been written or dropped. The descriptor closes when the last reference goes, so a file evicted or replaced in the
 * cache stays open for the responses still sending it and no longer.
 *
 * <p>What the file was when it was opened ({@link #size()}, {@link #modifiedMillis()}, its identity) is what the
 * {@link MediaRoot} compares against the path when it checks the file again.
 */
final class OpenFile extends AbstractReferenceCounted {

  private final FileChannel channel;
  private final long size;
  private final long modifiedMillis;
  /** The file system's identity of the file (device and inode on Unix), or {@code null} where it has none. */
  private final Object identity;
  /** The response headers of this file, made by the first response that sends it. */
  private volatile FileHandler.FileHead head;
  /** The whole file in memory ({@link MemoryBodies}), once a response asked for it; {@code null} before or if not. */
  private volatile ByteBuf body;
  /** Where {@link #body} was held, to give its room back. */
  private MemoryBodies bodies;
  /** When the path was last checked to still name this file, from the cache's ticker. */
  private volatile long checkedNanos;
  /** A response ended before its body did: the path is checked again at the next request. */
  private volatile boolean cutShort;

  OpenFile(FileChannel channel, long size, long modifiedMillis, Object identity, long checkedNanos) {
    this.channel = channel;
    this.size = size;
    this.modifiedMillis = modifiedMillis;
    this.identity = identity;
    this.checkedNanos = checkedNanos;
  }

  /** A file opened for one response only (not cached): its one reference is the response's. */
  static OpenFile single(FileChannel channel, long modifiedMillis) throws IOException {
    return new OpenFile(channel, channel.size(), modifiedMillis, null, 0);
  }

  FileChannel channel() {
    return channel;
  }

  long size() {
    return size;
  }

  long modifiedMillis() {
    return modifiedMillis;
  }

  FileHandler.FileHead head() {
    return head;
  }

  void head(FileHandler.FileHead head) {
    this.head = head;
  }

  /**
   * Whether a request at {@code now} may be served from this descriptor without a look at the path: checked less than
   * {@code windowNanos} ago, and no response from it has ended short since.
   */
  boolean trusted(long now, long windowNanos) {
    return !cutShort && now - checkedNanos < windowNanos;
  }

  void checked(long nanos) {
    checkedNanos = nanos;
    cutShort = false;
  }

  /**
   * A response stopped before the bytes it promised: its client went away, or the file is shorter than when it was
   * opened (rewritten in place). Telling which needs a look at the file, which the next request takes.
   */
  private void cutShort() {
    cutShort = true;
  }

  /** Whether the file the path names now, as read by {@code lstat}, is the one held open here, unchanged. */
  boolean isSame(Object identity, long size, long modifiedMillis) {
    return this.identity != null && this.identity.equals(identity) && this.size == size
        && this.modifiedMillis == modifiedMillis;
  }

  /**
   * This file's bytes in memory, read now if no response has asked before and {@code bodies} has room; {@code null}
   * when it has none (too large, no room, unreadable). The caller holds a reference to this file. The buffer stays
   * this file's: a response sends a retained slice of it.
   */
  ByteBuf body(MemoryBodies bodies, ByteBufAllocator alloc) {
    ByteBuf held = body;
    if (held != null || !MemoryBodies.fits(size)) {
      return held;
    }
    synchronized (this) {
      if (body == null) {
        body = bodies.read(alloc, channel, size);
        if (body != null) {
          this.bodies = bodies;
        }
      }
      return body;
    }
  }

  /** Whether this file's bytes are in memory: its responses no longer read the descriptor. */
  boolean inMemory() {
    return body != null;
  }

  /**
   * Takes a reference for a response, unless the last one is already gone (the cache dropped the file on another
   * event loop meanwhile).
   *
   * @return whether the reference was taken; if so it must be released
   */
  boolean tryRetain() {
    try {
      retain();
      return true;
    } catch (IllegalReferenceCountException e) {
      return false;
    }
  }

  /** The body of a response sent with {@code sendfile}: owns one reference, released once it has been written. */
  DefaultFileRegion region(long position, long count) {
    return new Region(this, position, count);
  }

  /** The body of a response sent in chunks (TLS): owns one reference, released when the chunks are closed. */
  ChunkedNioFile chunks(long position, long count, int chunkBytes) throws IOException {
    return new Chunks(this, position, count, chunkBytes);
  }

  @Override
  protected void deallocate() {
    synchronized (this) {
      if (body != null) {
        body.release();
        bodies.released(size);
        body = null;
      }
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a read-only descriptor loses nothing; there is nobody left to tell.
    }
  }

  @Override
  public OpenFile touch(Object hint) {
    return this;
  }

  /**
   * A {@link DefaultFileRegion} (the class the epoll transport hands to {@code sendfile(2)}) that gives its reference
   * back instead of closing the shared descriptor.
   */
  private static final class Region extends DefaultFileRegion {
    private final OpenFile file;

    Region(OpenFile file, long position, long count) {
      super(file.channel, position, count);
      this.file = file;
    }

    @Override
    protected void deallocate() {
      if (transferred() < count()) {
        file.cutShort();
      }
      file.release();
    }
  }

  /** Chunks read at their own positions (the descriptor's position is shared), giving the reference back on close. */
  private static final class Chunks extends ChunkedNioFile {
    private final OpenFile file;
    private boolean closed;

    Chunks(OpenFile file, long position, long count, int chunkBytes) throws IOException {
      super(file.channel, position, count, chunkBytes);
      this.file = file;
    }

    /** As the superclass, but a file that ends early fails the response instead of yielding empty chunks forever. */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
      ByteBuf chunk = super.readChunk(allocator);
      if (chunk != null && !chunk.isReadable()) {
        chunk.release();
        throw new IOException("file ended at byte " + currentOffset() + " of the " + endOffset()
            + " the response promised: it was shortened while being sent");
      }
      return chunk;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (currentOffset() < endOffset()) {
          file.cutShort();
        }
        file.release();
      }
    }
  }
}
