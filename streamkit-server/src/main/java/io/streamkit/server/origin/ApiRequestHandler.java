package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Base of the handlers that answer JSON API requests under {@code /api/}. Each connection gets its own instance: the
 * handler claims a request by its method and path ({@link #claims}), collects its body up to {@link #maxBodyBytes()}
 * (a larger one is read to its end without being kept, so the connection stays usable, and answered 413), and hands
 * the whole {@link ApiCall} to {@link #handle}. Requests it does not claim, with their bodies, go on to the next
 * handler.
 */
public abstract class ApiRequestHandler extends ChannelInboundHandlerAdapter {

  private OriginMetrics metrics;
  private OriginRequest current;
  private CompositeByteBuf body;
  private boolean tooLarge;

  /** Whether this handler answers {@code method} on {@code /api/<segments>}; {@code apiPath} excludes {@code api}. */
  protected abstract boolean claims(HttpMethod method, ApiPath apiPath);

  /** The largest body this handler reads into memory. */
  protected abstract int maxBodyBytes();

  /** Answers the call, now or later, from any thread. Called on the event loop: do not block here. */
  protected abstract void handle(ApiCall call);

  /** Set by the pipeline so API responses are counted with every other response. */
  ApiRequestHandler metrics(OriginMetrics originMetrics) {
    this.metrics = originMetrics;
    return this;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof OriginRequest request) {
      if (request.route == Route.API && claims(request.method, new ApiPath(request.path))) {
        start(ctx, request);
      } else {
        ctx.fireChannelRead(msg);
      }
    } else if (msg instanceof HttpContent content && current != null) {
      collect(ctx, content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, OriginRequest request) {
    current = request;
    tooLarge = false;
    String length = request.headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null && parses(length) > maxBodyBytes()) {
      tooLarge = true;
    } else {
      body = ctx.alloc().compositeBuffer();
    }
    if (!ConnectionState.of(ctx.channel()).forwardingBody) {
      finish(ctx);
    }
  }

  private void collect(ChannelHandlerContext ctx, HttpContent content) {
    try {
      if (!tooLarge) {
        ByteBuf chunk = content.content();
        if (body.readableBytes() + chunk.readableBytes() > maxBodyBytes()) {
          tooLarge = true;
          body.release();
          body = null;
        } else if (chunk.isReadable()) {
          body.addComponent(true, chunk.retain());
        }
      }
    } finally {
      ReferenceCountUtil.release(content);
    }
    if (content instanceof LastHttpContent) {
      finish(ctx);
    }
  }

  private void finish(ChannelHandlerContext ctx) {
    OriginRequest request = current;
    current = null;
    if (tooLarge) {
      new ApiCall(ctx, metrics, request, new byte[0]).fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "body_too_large", "the request body of " + request.method + " /" + request.path.join(0) + " is larger than "
              + maxBodyBytes() + " bytes; send less per request");
      return;
    }
    byte[] bytes = ByteBufUtil.getBytes(body);
    body.release();
    body = null;
    handle(new ApiCall(ctx, metrics, request, bytes));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (body != null) {
      body.release();
      body = null;
    }
    current = null;
    ctx.fireChannelInactive();
  }

  private static long parses(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The path of an API request after {@code /api}, for {@link #claims}. */
  public static final class ApiPath {
    private final RequestPath path;

    ApiPath(RequestPath path) {
      this.path = path;
    }

    public int size() {
      return path.size() - 1;
    }

    public String segment(int i) {
      return path.segment(i + 1);
    }
  }
}
