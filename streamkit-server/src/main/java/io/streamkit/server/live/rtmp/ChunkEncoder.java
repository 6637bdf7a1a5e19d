package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes this side's messages as chunks (RTMP spec §5.3): a format 0 header for each message and format 3 headers for
 * its continuation chunks. Protocol control messages go on chunk stream 2 (§5.4), everything else on 3. What is sent
 * is a few small commands per connection, so the compression of formats 1 and 2 is not worth its state.
 *
 * <p>The outgoing chunk size changes after a Set Chunk Size message has itself been written at the old size.
 */
final class ChunkEncoder extends MessageToByteEncoder<RtmpMessage> {

  private static final int CONTROL_CHUNK_STREAM = 2;
  private static final int COMMAND_CHUNK_STREAM = 3;

  private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

  ChunkEncoder() {
    super(RtmpMessage.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, RtmpMessage message, ByteBuf out) {
    int csid = message.typeId <= RtmpMessage.SET_PEER_BANDWIDTH ? CONTROL_CHUNK_STREAM : COMMAND_CHUNK_STREAM;
    ByteBuf payload = message.payload;
    int length = payload.readableBytes();
    boolean extended = message.timestamp >= 0xFFFFFF;
    out.writeByte(csid);
    out.writeMedium(extended ? 0xFFFFFF : (int) message.timestamp);
    out.writeMedium(length);
    out.writeByte(message.typeId);
    out.writeIntLE(message.streamId);
    if (extended) {
      out.writeInt((int) message.timestamp);
    }
    int index = payload.readerIndex();
    int end = index + length;
    while (true) {
      int n = Math.min(chunkSize, end - index);
      out.writeBytes(payload, index, n);
      index += n;
      if (index >= end) {
        break;
      }
      out.writeByte(0xC0 | csid);
      if (extended) {
        out.writeInt((int) message.timestamp);
      }
    }
    if (message.typeId == RtmpMessage.SET_CHUNK_SIZE) {
      chunkSize = payload.getInt(payload.readerIndex());
    }
  }
}
