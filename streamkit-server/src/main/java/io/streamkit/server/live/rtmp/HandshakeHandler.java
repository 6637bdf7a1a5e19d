package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the RTMP handshake (RTMP spec §5.2): reads C0 and C1, answers S0, S1 and S2 at once, reads C2,
 * then leaves the pipeline, passing on whatever bytes followed C2.
 *
 * <p>This is the plain handshake of the spec. Flash-era clients (librtmp in OBS, FFmpeg) put an HMAC digest in C1
 * and verify one in S1 only when S1's version field is non-zero; S1 here carries zeros there, so they fall back to the
 * plain form, and S2 echoes C1 byte for byte, which both forms accept. C2 is read but not checked: the handshake
 * proves nothing about the client that a publish-time authorisation does not decide better.
 *
 * <p>A peer that does not finish within the handshake timeout is closed, so a half-open connection cannot hold a
 * slot; a version byte other than 3 (for example 6, RTMPE) is refused at once.
 */
final class HandshakeHandler extends ByteToMessageDecoder {

  static final int VERSION = 3;
  static final int PACKET_BYTES = 1536;

  private final Duration timeout;
  private ScheduledFuture<?> deadline;
  private boolean answered;

  HandshakeHandler(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> {
      ctx.fireExceptionCaught(new CorruptedFrameException(
          "handshake not finished within " + timeout.toMillis() + " ms"));
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    deadline.cancel(false);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!answered) {
      if (!in.isReadable()) {
        return;
      }
      int version = in.getUnsignedByte(in.readerIndex());
      if (version != VERSION) {
        throw new CorruptedFrameException("handshake version byte " + version + ", expected " + VERSION
            + " (plain RTMP; RTMPE and other protocols are not served)");
      }
      if (in.readableBytes() < 1 + PACKET_BYTES) {
        return;
      }
      in.skipBytes(1);
      ByteBuf c1 = in.readSlice(PACKET_BYTES);
      ByteBuf reply = ctx.alloc().buffer(1 + 2 * PACKET_BYTES);
      reply.writeByte(VERSION);
      reply.writeInt(0).writeInt(0); // S1: time 0; zero version field, so no digest is expected (see above)
      byte[] random = new byte[PACKET_BYTES - 8];
      ThreadLocalRandom.current().nextBytes(random);
      reply.writeBytes(random);
      reply.writeBytes(c1); // S2 echoes C1
      ctx.writeAndFlush(reply);
      answered = true;
    }
    if (in.readableBytes() < PACKET_BYTES) {
      return;
    }
    in.skipBytes(PACKET_BYTES); // C2
    ctx.pipeline().remove(this);
  }
}
