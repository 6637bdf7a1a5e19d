package io.streamkit.server.origin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Marks where each connection is in its request/response cycle ({@link ConnectionState}): a decoded request head
 * starts a response, the last byte of the response written ends it. Sitting next to the codec it sees every request
 * and every response, including the ones other handlers answer on their own (CORS preflights, decoder errors), so
 * the client timeouts and the shutdown drain always know whether a connection is busy.
 */
@Sharable
final class RequestCycleHandler extends ChannelDuplexHandler {

  static final RequestCycleHandler INSTANCE = new RequestCycleHandler();

  private RequestCycleHandler() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      ConnectionState.of(ctx.channel()).requestStarted();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      ChannelPromise done = promise.unvoid();
      done.addListener((ChannelFutureListener) f -> ConnectionState.responseFinished(f.channel()));
      ctx.write(msg, done);
    } else {
      ctx.write(msg, promise);
    }
  }
}
