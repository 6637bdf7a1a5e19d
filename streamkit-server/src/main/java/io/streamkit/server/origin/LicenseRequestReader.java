package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;

/**
 * Reads the body of a Clear Key licence request ({@link Route#LICENSE}) whole before the request goes on, so that the
 * rate limit, the token gate and the licence handler after it see one complete request: a licence request is a small
 * JSON document (W3C EME §9.1.3), and the gate may decide off the event loop, while body chunks would run ahead of
 * it. One per connection; other requests and their bodies pass through untouched.
 *
 * <p>A body over {@value #MAX_BODY_BYTES} bytes, declared or sent, is answered 413 and the rest of it dropped, so the
 * connection stays usable.
 */
final class LicenseRequestReader extends ChannelInboundHandlerAdapter {

  /** Room for the key ids of a title with a key for each of several thousand segments. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  private final OriginMetrics metrics;
  private OriginRequest pending;
  private ByteArrayOutputStream body;
  private boolean discarding;

  LicenseRequestReader(OriginMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof OriginRequest request && request.route == Route.LICENSE && request.hasBody) {
      if (request.headers.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) > MAX_BODY_BYTES) {
        tooLarge(ctx, request);
        discarding = true;
        return;
      }
      pending = request;
      body = new ByteArrayOutputStream();
    } else if (msg instanceof HttpContent content && (pending != null || discarding)) {
      try {
        boolean last = content instanceof LastHttpContent;
        if (pending != null) {
          read(ctx, content.content(), last);
        } else {
          discarding = !last;
        }
      } finally {
        ReferenceCountUtil.release(content);
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void read(ChannelHandlerContext ctx, ByteBuf chunk, boolean last) {
    if (body.size() + chunk.readableBytes() > MAX_BODY_BYTES) {
      tooLarge(ctx, pending);
      pending = null;
      body = null;
      discarding = !last;
      return;
    }
    body.writeBytes(ByteBufUtil.getBytes(chunk));
    if (last) {
      OriginRequest request = pending;
      request.body = body.toByteArray();
      pending = null;
      body = null;
      ctx.fireChannelRead(request);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    pending = null;
    body = null;
    ctx.fireChannelInactive();
  }

  private void tooLarge(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, Route.LICENSE, request.keepAlive,
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", "a licence request takes at most " + MAX_BODY_BYTES
            + " bytes; ask for fewer key ids at once");
  }
}
