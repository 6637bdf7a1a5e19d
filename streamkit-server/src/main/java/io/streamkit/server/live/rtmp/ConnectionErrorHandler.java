package io.streamkit.server.live.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;

/**
 * The end of every RTMP pipeline: whatever a handler threw (bad bytes, a limit passed, a socket error) closes the
 * connection with one log line, and nothing else on the server notices.
 */
final class ConnectionErrorHandler extends ChannelInboundHandlerAdapter {

  private final RtmpConnection connection;

  ConnectionErrorHandler(RtmpConnection connection) {
    this.connection = connection;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (reason instanceof IOException && !ctx.channel().isActive()) {
      connection.closeQuietly();
      return;
    }
    String message = reason.getMessage() == null ? reason.getClass().getName() : reason.getMessage();
    connection.close(reason instanceof IOException || reason instanceof Amf0.MalformedException
        || cause instanceof DecoderException ? message : reason.getClass().getSimpleName() + ": " + message);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    io.netty.util.ReferenceCountUtil.release(msg);
  }
}
