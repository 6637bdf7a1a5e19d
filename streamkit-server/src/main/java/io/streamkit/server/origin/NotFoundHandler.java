package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The last of the route handlers: a request no handler before it answered (a route this origin is not set up for,
 * such as the API without a store or a live path without live streaming) is answered {@code 404}.
 */
@Sharable
final class NotFoundHandler extends SimpleChannelInboundHandler<OriginRequest> {

  private final OriginMetrics metrics;

  NotFoundHandler(OriginMetrics metrics) {
    super(false);
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.NOT_FOUND, "not_found",
        "nothing is served at this path on this origin");
  }
}
