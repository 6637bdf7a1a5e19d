package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every pipeline: whatever a handler throws is answered here, so no request is ever left without a
 * response on an open connection. As in Netty's {@code HttpStaticFileServerHandler.exceptionCaught}: when no response
 * has started, the client gets {@code 500} with the JSON error body and the connection closes (the handler that
 * failed may have left the exchange half done); when one has started, its bytes cannot be taken back, so the
 * connection closes. The failure is counted ({@code streamkit_origin_requests_total{status="500"}} and the
 * {@code internal_error} rejection) and logged as one line that names the client and the exception, never the
 * request target, whose query may hold a token.
 *
 * <p>A client that goes away mid-response ({@code Connection reset by peer}, a broken pipe) is normal: players
 * abort segment downloads when they seek or switch variants. Those I/O errors close the connection and are logged at
 * DEBUG only.
 */
@Sharable
final class UncaughtErrorHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(UncaughtErrorHandler.class);

  private final OriginMetrics metrics;

  UncaughtErrorHandler(OriginMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Every request is answered before here; what arrives is a body part nobody wanted.
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("connection from {} ended: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
      return;
    }
    metrics.rejected(OriginMetrics.INTERNAL_ERROR);
    ConnectionState state = ConnectionState.of(ctx.channel());
    boolean answer = ctx.channel().isActive() && state.outstanding > 0 && !state.responseStarted;
    StackTraceElement[] frames = cause.getStackTrace();
    LOG.error("request from {} failed{}: {} (at {})", ctx.channel().remoteAddress(),
        answer ? "; answered 500" : "; connection closed", LogText.escape(cause.toString()),
        frames.length == 0 ? "unknown" : frames[0]);
    LOG.debug("stack trace of the failure above", cause);
    if (answer) {
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
          "the origin failed to answer this request; its log has the details");
    } else {
      ctx.close();
    }
  }
}
