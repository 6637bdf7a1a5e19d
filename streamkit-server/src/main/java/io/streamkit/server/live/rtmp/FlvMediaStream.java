package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A publication's media as an FLV byte stream (Adobe "Video File Format Specification" v10.1, Annex E): the FLV header
 * and PreviousTagSize0, then one tag per audio, video and script message, each followed by its PreviousTagSize. RTMP
 * message payloads are FLV tag bodies already (RTMP spec §7.1.4, §7.1.5), so a tag is an 11-byte header around the
 * payload, with the message timestamp split into its lower 24 bits and upper 8 (E.4.1).
 *
 * <p>The event loop appends; the consumer reads on its own thread and blocks while nothing is buffered. Backpressure
 * is the socket's: past {@link #HIGH_WATERMARK} unread bytes the channel stops reading ({@code autoRead=false}), so
 * TCP flow control slows the publisher, and reading resumes once the consumer has brought it under
 * {@link #LOW_WATERMARK}. Memory per publication is thus bounded by the high watermark plus what one socket read
 * delivers.
 *
 * <p>The end of a publication is the end of the stream once buffered bytes are read; a connection lost before that
 * is an {@link IOException} as soon as the buffered bytes are read. Closing this stream from the consumer side before
 * its end closes the connection.
 */
final class FlvMediaStream extends InputStream {

  /** Unread bytes past which the socket is no longer read. */
  static final int HIGH_WATERMARK = 4 * 1024 * 1024;
  /** Unread bytes under which a paused socket is read again. */
  static final int LOW_WATERMARK = 1024 * 1024;

  private static final int TAG_HEADER_BYTES = 11;
  private static final byte[] HEADER = {
    'F', 'L', 'V', 1,
    0x05, // audio and video present: which ones are is known only as tags arrive, and readers rely on the tags
    0, 0, 0, 9, // header size
    0, 0, 0, 0 // PreviousTagSize0
  };

  private final Channel channel;
  private final RtmpConnection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private int headOffset;
  private long unread;
  private boolean paused;
  private boolean ended;
  private String failure;
  private boolean closed;

  /** @param connection the publisher's connection, paused and resumed for backpressure, closed with this stream */
  FlvMediaStream(RtmpConnection connection) {
    this.connection = connection;
    this.channel = connection.channel;
    append(HEADER.clone());
  }

  /** Appends a tag of {@code type} (8 audio, 9 video, 18 script data) with the message body; event loop only. */
  void tag(int type, long timestamp, ByteBuf body) {
    int size = body.readableBytes();
    byte[] tag = new byte[TAG_HEADER_BYTES + size + 4];
    tag[0] = (byte) type;
    putMedium(tag, 1, size);
    putMedium(tag, 4, (int) timestamp);
    tag[7] = (byte) (timestamp >>> 24);
    // bytes 8..10: stream id, always 0
    body.getBytes(body.readerIndex(), tag, TAG_HEADER_BYTES, size);
    int previousTagSize = TAG_HEADER_BYTES + size;
    int at = TAG_HEADER_BYTES + size;
    tag[at] = (byte) (previousTagSize >>> 24);
    putMedium(tag, at + 1, previousTagSize);
    append(tag);
  }

  private static void putMedium(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 16);
    bytes[at + 1] = (byte) (value >>> 8);
    bytes[at + 2] = (byte) value;
  }

  private void append(byte[] bytes) {
    lock.lock();
    try {
      if (closed || ended || failure != null) {
        return;
      }
      chunks.add(bytes);
      unread += bytes.length;
      if (!paused && unread > HIGH_WATERMARK) {
        paused = true;
        channel.config().setAutoRead(false);
      }
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The publication ended normally: the reader gets the end of the stream after the buffered bytes. */
  void finish() {
    lock.lock();
    try {
      ended = true;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The connection was lost or closed by this server: the reader gets an {@link IOException} with the reason. */
  void fail(String reason) {
    lock.lock();
    try {
      if (!ended && failure == null) {
        failure = reason;
      }
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    lock.lock();
    try {
      while (chunks.isEmpty()) {
        if (closed) {
          throw new IOException("media stream closed");
        }
        if (failure != null) {
          throw new IOException(failure);
        }
        if (ended) {
          return -1;
        }
        readable.awaitUninterruptibly();
      }
      int copied = 0;
      while (copied < len && !chunks.isEmpty()) {
        byte[] head = chunks.peek();
        int n = Math.min(len - copied, head.length - headOffset);
        System.arraycopy(head, headOffset, b, off + copied, n);
        copied += n;
        headOffset += n;
        if (headOffset == head.length) {
          chunks.poll();
          headOffset = 0;
        }
      }
      unread -= copied;
      if (paused && unread < LOW_WATERMARK) {
        paused = false;
        channel.config().setAutoRead(true);
      }
      return copied;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int available() {
    lock.lock();
    try {
      return (int) Math.min(Integer.MAX_VALUE, unread);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    boolean over;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      over = ended || failure != null;
      chunks.clear();
      unread = 0;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
    // After the end, the publisher is finishing its own goodbye (FCUnpublish, then deleteStream) and closes the
    // connection itself; closing it under that would break the publisher's last writes.
    if (!over) {
      connection.close("the media reader closed its stream");
    }
  }
}
