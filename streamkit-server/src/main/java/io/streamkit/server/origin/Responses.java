package io.streamkit.server.origin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Writing responses: common headers, JSON bodies and JSON errors ({@code {"error","status","message"}}: a short code,
 * the status and one sentence a person can act on, never an exception's stack trace), and the accounting every
 * response gets when its last byte is written.
 */
final class Responses {

  /** The one JSON mapper of the origin's handlers; configured here once, then only used. */
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String NO_STORE = "no-store";
  /** What a 503 asks the client to wait before trying again. */
  static final int RETRY_AFTER_SECONDS = 2;
  static final CharSequence JSON = "application/json; charset=utf-8";
  static final long LINGER_MILLIS = 2_000;

  private Responses() {}

  /** Sends a JSON error; the connection stays open when the request allows keep-alive. */
  static void error(ChannelHandlerContext ctx, OriginMetrics metrics, Route route, boolean keepAlive,
      HttpResponseStatus status, String code, String message) {
    FullHttpResponse response = error(status, code, message);
    if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
    }
    send(ctx, metrics, route, response, keepAlive, false);
  }

  /** A JSON error response, not yet sent. */
  static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
    FullHttpResponse response = json(status, MAPPER.createObjectNode().put("error", code).put("status", status.code())
        .put("message", message));
    if (status.equals(HttpResponseStatus.SERVICE_UNAVAILABLE)) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    return response;
  }

  /** {@code value} as a JSON response with {@code Cache-Control: no-store}, not yet sent; ends with a newline. */
  static FullHttpResponse json(HttpResponseStatus status, Object value) {
    try {
      byte[] json = MAPPER.writeValueAsBytes(value);
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return full(status, line, JSON, NO_STORE);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /**
   * Answers a request the codec could not parse and closes the connection gracefully: the response bypasses the
   * keep-alive handler (which would close at once), then the write side is shut and the rest of the unread request
   * is discarded for up to {@link #LINGER_MILLIS} before closing. Closing a socket with unread input makes the
   * kernel send RST, which can destroy the response before the client reads it (the reason for nginx's
   * {@code lingering_close}).
   */
  static void errorAndClose(ChannelHandlerContext ctx, OriginMetrics metrics, HttpResponseStatus status, String code,
      String message) {
    FullHttpResponse response = error(status, code, message);
    int bodyBytes = response.content().readableBytes();
    prepare(response, false);
    ChannelHandlerContext afterCodec = ctx.pipeline().context(OriginPipeline.KEEP_ALIVE);
    (afterCodec != null ? afterCodec : ctx).writeAndFlush(response).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        metrics.responded(Route.OTHER, status.code(), bodyBytes);
      }
      Channel ch = f.channel();
      if (ch instanceof DuplexChannel duplex && ch.isActive()) {
        duplex.shutdownOutput().addListener(done ->
            ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
      } else {
        ch.close();
      }
    });
  }

  static FullHttpResponse full(HttpResponseStatus status, byte[] body, CharSequence contentType, String cacheControl) {
    ByteBuf content = Unpooled.wrappedBuffer(body);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
    return response;
  }

  /** Writes a complete response; a HEAD answer keeps its headers (with the GET length) and drops the body. */
  static void send(ChannelHandlerContext ctx, OriginMetrics metrics, Route route, FullHttpResponse response,
      boolean keepAlive, boolean head) {
    long bodyBytes = head ? 0 : response.content().readableBytes();
    if (head) {
      response.content().clear();
    }
    prepare(response, keepAlive);
    ctx.writeAndFlush(response, lastWrite(ctx, metrics, route, response.status().code(), bodyBytes));
  }

  static void prepare(HttpResponse response, boolean keepAlive) {
    response.headers().set(HttpHeaderNames.DATE, HttpDates.now());
    HttpUtil.setKeepAlive(response, keepAlive);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  /**
   * The promise to write a response's last message with; the response is counted once that message is written. A
   * connection answers one request at a time ({@link RequestCycleHandler}), so on its event loop the connection's one
   * {@link Accounting}, refilled per response, holds what to count, {@link RequestCycleHandler} ends it with the
   * response, and the promise is the void one: no object per request. Anything else (another thread, a second
   * response in flight) gets a new promise with its own listener.
   */
  static ChannelPromise lastWrite(ChannelHandlerContext ctx, OriginMetrics metrics, Route route, int status,
      long bodyBytes) {
    if (ctx.executor().inEventLoop()) {
      ConnectionState state = ConnectionState.of(ctx.channel());
      if (state.accounting == null) {
        state.accounting = new Accounting();
      }
      if (!state.accounting.pending) {
        state.accounting.arm(metrics, route, status, bodyBytes);
        return ctx.voidPromise();
      }
    }
    ChannelPromise promise = ctx.newPromise();
    promise.addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        metrics.responded(route, status, bodyBytes);
      }
    });
    return promise;
  }

  /**
   * What one response is counted as once its last byte is written; used on the connection's event loop only, ended
   * by {@link RequestCycleHandler} when the response is.
   */
  static final class Accounting {
    private boolean pending;
    private OriginMetrics metrics;
    private Route route;
    private int status;
    private long bodyBytes;

    void arm(OriginMetrics metrics, Route route, int status, long bodyBytes) {
      this.pending = true;
      this.metrics = metrics;
      this.route = route;
      this.status = status;
      this.bodyBytes = bodyBytes;
    }

    /** The response ended: counted if its last byte was written; does nothing when no response is armed. */
    void responseEnded(boolean written) {
      if (pending) {
        pending = false;
        if (written) {
          metrics.responded(route, status, bodyBytes);
        }
      }
    }
  }
}
