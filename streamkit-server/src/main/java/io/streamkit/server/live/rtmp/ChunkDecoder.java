package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reassembles RTMP messages from the chunk stream (RTMP spec §5.3) and keeps the chunk layer's own protocol control
 * messages (§5.4) here, where they take effect.
 *
 * <p>Each chunk is a basic header (§5.3.1.1: format and chunk stream id, in 1, 2 or 3 bytes), a message header of
 * 11, 7, 3 or 0 bytes by format (§5.3.1.2), an extended timestamp when the 24-bit field holds 0xFFFFFF (§5.3.1.3),
 * and up to the peer's chunk size of payload. A chunk is consumed only once all of it has arrived, so no state
 * changes on a partial read. Timestamps follow the reading FFmpeg and nginx-rtmp share: format 0 gives the absolute
 * time, formats 1 and 2 a delta, and a format 3 chunk that starts a new message repeats the last timestamp field as a
 * delta; a format 3 chunk carries an extended timestamp if the last header on its chunk stream did.
 *
 * <p>Handled here: Set Chunk Size (§5.4.1, bounded by {@link #MAX_CHUNK_SIZE}), Abort (§5.4.2, drops the partial
 * message), Window Acknowledgement Size (§5.4.4, the peer's window), and the Acknowledgement (§5.4.3) this side owes
 * once the bytes received pass the window since the last one. Acknowledgement, User Control and Set Peer Bandwidth
 * from a publisher carry nothing an ingest needs and are dropped. Every other message goes on as an
 * {@link RtmpMessage}.
 *
 * <p>Untrusted sizes are bounded: a message longer than the configured maximum, partial messages declaring more than
 * twice that in all, or more than {@link #MAX_CHUNK_STREAMS} chunk streams close the connection.
 */
final class ChunkDecoder extends ByteToMessageDecoder {

  /** The chunk size before the peer sets one (§5.4.1). */
  static final int DEFAULT_CHUNK_SIZE = 128;
  /** The largest chunk size accepted: a message length is 24 bits, so a larger chunk never fills. */
  static final int MAX_CHUNK_SIZE = 0xFFFFFF;
  /** The most chunk streams one connection may use; publishers use a handful. */
  static final int MAX_CHUNK_STREAMS = 64;

  private static final int EXTENDED = 0xFFFFFF;
  /** Message header bytes by chunk format 0 to 3 (§5.3.1.2). */
  private static final int[] MESSAGE_HEADER_BYTES = {11, 7, 3, 0};

  private final int maxMessageBytes;
  private final int ownWindow;
  private final AtomicLong bytesReceived;
  private final Map<Integer, ChunkStream> streams = new HashMap<>();
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private long pendingDeclared;
  private long peerWindow;
  private long acknowledged;

  /** What the last header on one chunk stream said, and the message being reassembled on it. */
  private static final class ChunkStream {
    long timestamp;
    long timestampField;
    int length;
    int typeId;
    int streamId;
    boolean extended;
    ByteBuf partial;
  }

  /**
   * @param maxMessageBytes the longest message accepted
   * @param ownWindow the window this side announced, used until the peer announces its own
   * @param bytesReceived counts every byte read from the socket after the handshake
   */
  ChunkDecoder(int maxMessageBytes, int ownWindow, AtomicLong bytesReceived) {
    this.maxMessageBytes = maxMessageBytes;
    this.ownWindow = ownWindow;
    this.bytesReceived = bytesReceived;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf) {
      long total = bytesReceived.addAndGet(buf.readableBytes());
      long window = peerWindow > 0 ? peerWindow : ownWindow;
      if (total - acknowledged >= window) {
        acknowledged = total;
        ByteBuf ack = ctx.alloc().buffer(4).writeInt((int) total); // sequence number wraps at 32 bits (§5.4.3)
        ctx.writeAndFlush(new RtmpMessage(RtmpMessage.ACKNOWLEDGEMENT, 0, 0, ack));
      }
    }
    super.channelRead(ctx, msg);
  }

  /**
   * Reads chunks until one completes a message: the caller hands each message on before asking for the next, so a
   * message that closes the connection is the last one read, and the bytes after it are dropped unread.
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!ctx.channel().isOpen()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    while (in.isReadable() && out.isEmpty() && chunk(in, out)) {
      // one whole chunk consumed; a message it completed is in out
    }
  }

  /** Reads one chunk if all of it has arrived, adding the message it completes to {@code out}. */
  private boolean chunk(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int first = in.getUnsignedByte(start);
    int format = first >>> 6;
    int basicHeader = switch (first & 0x3F) {
      case 0 -> 2;
      case 1 -> 3;
      default -> 1;
    };
    if (in.readableBytes() < basicHeader) {
      return false;
    }
    int csid = switch (basicHeader) {
      case 2 -> 64 + in.getUnsignedByte(start + 1);
      case 3 -> 64 + in.getUnsignedByte(start + 1) + 256 * in.getUnsignedByte(start + 2);
      default -> first & 0x3F;
    };
    ChunkStream stream = streams.get(csid);
    int header = basicHeader + MESSAGE_HEADER_BYTES[format];
    if (in.readableBytes() < header) {
      return false;
    }
    boolean extended = format <= 2
        ? in.getUnsignedMedium(start + basicHeader) == EXTENDED
        : stream != null && stream.extended;
    if (in.readableBytes() < header + (extended ? 4 : 0)) {
      return false;
    }
    in.skipBytes(basicHeader);
    if (stream == null) {
      if (format != 0) {
        throw new CorruptedFrameException("chunk stream " + csid + " starts with a format " + format
            + " header; its first chunk must be format 0 (RTMP spec §5.3.1.2.1)");
      }
      if (streams.size() >= MAX_CHUNK_STREAMS) {
        throw new CorruptedFrameException("more than " + MAX_CHUNK_STREAMS + " chunk streams on one connection");
      }
    }
    long timestampField = stream == null ? 0 : stream.timestampField;
    int length = stream == null ? 0 : stream.length;
    int typeId = stream == null ? 0 : stream.typeId;
    int streamId = stream == null ? 0 : stream.streamId;
    if (format <= 2) {
      timestampField = in.readUnsignedMedium();
    }
    if (format <= 1) {
      length = in.readUnsignedMedium();
      typeId = in.readUnsignedByte();
    }
    if (format == 0) {
      streamId = in.readIntLE(); // the one little-endian field (§5.3.1.2.1)
    }
    if (extended) {
      long value = in.readUnsignedInt();
      if (format <= 2) {
        timestampField = value;
      }
    }
    boolean continuing = stream != null && stream.partial != null;
    if (continuing && format != 3) {
      throw new CorruptedFrameException("chunk stream " + csid + " sent a new format " + format
          + " header in the middle of a message");
    }
    int remaining = continuing ? stream.length - stream.partial.writerIndex() : length;
    if (!continuing && length > maxMessageBytes) {
      throw new TooLongFrameException("message of " + length + " bytes on chunk stream " + csid
          + ", more than the limit of " + maxMessageBytes);
    }
    int payload = Math.min(chunkSize, remaining);
    if (in.readableBytes() < payload) {
      in.readerIndex(start);
      return false;
    }
    // The whole chunk is here: commit.
    if (stream == null) {
      stream = new ChunkStream();
      streams.put(csid, stream);
    }
    if (!continuing) {
      stream.timestamp = format == 0 ? timestampField : (stream.timestamp + timestampField) & 0xFFFFFFFFL;
      stream.timestampField = timestampField;
      stream.length = length;
      stream.typeId = typeId;
      stream.streamId = streamId;
      stream.extended = extended;
      if (pendingDeclared + length > 2L * maxMessageBytes) {
        throw new TooLongFrameException("partial messages over " + (2L * maxMessageBytes) + " bytes in all");
      }
      pendingDeclared += length;
      stream.partial = in.alloc().buffer(length, length);
    }
    stream.partial.writeBytes(in, payload);
    if (stream.partial.writerIndex() == stream.length) {
      RtmpMessage message = new RtmpMessage(stream.typeId, stream.streamId, stream.timestamp, stream.partial);
      stream.partial = null;
      pendingDeclared -= stream.length;
      if (!control(message)) {
        out.add(message);
      }
    }
    return true;
  }

  /** Applies a chunk-layer control message; {@code true} if it was one (and is consumed). */
  private boolean control(RtmpMessage message) {
    switch (message.typeId) {
      case RtmpMessage.SET_CHUNK_SIZE -> {
        long size = readUint32(message);
        if (size < 1 || size > MAX_CHUNK_SIZE) {
          message.release();
          throw new CorruptedFrameException("Set Chunk Size " + size + " outside 1.." + MAX_CHUNK_SIZE);
        }
        chunkSize = (int) size;
      }
      case RtmpMessage.ABORT -> {
        ChunkStream aborted = streams.get((int) readUint32(message));
        if (aborted != null && aborted.partial != null) {
          pendingDeclared -= aborted.length;
          aborted.partial.release();
          aborted.partial = null;
        }
      }
      case RtmpMessage.WINDOW_ACK_SIZE -> {
        long size = readUint32(message);
        if (size > 0) {
          peerWindow = size;
        }
      }
      case RtmpMessage.ACKNOWLEDGEMENT, RtmpMessage.USER_CONTROL, RtmpMessage.SET_PEER_BANDWIDTH -> { }
      default -> {
        return false;
      }
    }
    message.release();
    return true;
  }

  private static long readUint32(RtmpMessage message) {
    if (message.payload.readableBytes() < 4) {
      message.release();
      throw new CorruptedFrameException("control message type " + message.typeId + " of "
          + message.payload.readableBytes() + " bytes, expected 4");
    }
    return message.payload.getUnsignedInt(message.payload.readerIndex());
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    for (ChunkStream stream : streams.values()) {
      if (stream.partial != null) {
        stream.partial.release();
        stream.partial = null;
      }
    }
  }
}
