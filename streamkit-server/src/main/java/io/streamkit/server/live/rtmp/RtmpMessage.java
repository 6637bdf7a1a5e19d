package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One RTMP message (RTMP spec §6.1): its type id, message stream id, 32-bit timestamp in milliseconds and payload.
 * The payload is reference counted; whoever handles the message last releases it.
 */
final class RtmpMessage extends AbstractReferenceCounted {

  static final int SET_CHUNK_SIZE = 1;
  static final int ABORT = 2;
  static final int ACKNOWLEDGEMENT = 3;
  static final int USER_CONTROL = 4;
  static final int WINDOW_ACK_SIZE = 5;
  static final int SET_PEER_BANDWIDTH = 6;
  static final int AUDIO = 8;
  static final int VIDEO = 9;
  static final int DATA_AMF3 = 15;
  static final int COMMAND_AMF3 = 17;
  static final int DATA_AMF0 = 18;
  static final int COMMAND_AMF0 = 20;

  final int typeId;
  final int streamId;
  final long timestamp;
  final ByteBuf payload;

  RtmpMessage(int typeId, int streamId, long timestamp, ByteBuf payload) {
    this.typeId = typeId;
    this.streamId = streamId;
    this.timestamp = timestamp;
    this.payload = payload;
  }

  @Override
  protected void deallocate() {
    payload.release();
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    return "RtmpMessage(type " + typeId + ", stream " + streamId + ", ts " + timestamp + ", "
        + payload.readableBytes() + " bytes)";
  }
}
