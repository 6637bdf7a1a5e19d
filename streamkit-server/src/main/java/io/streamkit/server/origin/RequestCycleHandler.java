package io.streamkit.server.origin;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Marks where each connection is in its request/response cycle ({@link ConnectionState}) and keeps pipelined
 * requests in order.
 *
 * <p>A decoded request head starts a response, the last byte of the response written ends it. Sitting next to the
 * codec it sees every request and every response, including the ones other handlers answer on their own (CORS
 * preflights, decoder errors), so the client timeouts, the shutdown drain and the final error handler always know
 * whether a connection is busy and whether its response has begun.
 *
 * <p>For the same reason it is where a response to HEAD loses any content a handler gave it (RFC 9110 §9.3.2).
 *
 * <p>HTTP/1.1 pipelining (RFC 9112 §9.3.2): responses must go out in the order the requests came. Handlers that
 * answer later, from another thread (the API's executor, a catalog lookup), could otherwise let a later request
 * overtake an earlier one. So while a response is outstanding, a newly arrived request and everything after it is
 * held here, reading from the socket pauses, and the held messages go down the pipeline one request at a time as
 * each response completes.
 */
final class RequestCycleHandler extends ChannelDuplexHandler {

  /** This connection's state, looked up once: the handler sees every message, both ways. */
  private ConnectionState state;
  private ChannelFutureListener responseFinished;
  /** Whether TLS is below: its handler holds bytes of its own, so the outbound buffer alone cannot say a write is done. */
  private boolean tls;
  /** Whether a last message went out with the void promise and the flush that confirms it has not come yet. */
  private boolean endUnconfirmed;

  /** One per connection. */
  RequestCycleHandler() {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    state = ConnectionState.of(ctx.channel());
    responseFinished = f -> responseFinished(ctx, f.isSuccess());
    tls = ctx.pipeline().get(OriginPipeline.TLS) != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state.held != null) {
      state.held.add(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (state.outstanding > 0) {
        state.held = new ArrayDeque<>();
        state.held.add(msg);
        state.pauseReading(ctx.channel(), ConnectionState.ReadPause.PIPELINED);
        return;
      }
      state.requestStarted(request);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response && !response.status().equals(HttpResponseStatus.CONTINUE)) {
      state.responseStarted = true;
    }
    if (state.answeringHead && msg instanceof HttpContent content && content.content().isReadable()) {
      msg = withoutContent(content);
    }
    if (msg instanceof LastHttpContent && promise.isVoid() && !tls) {
      endUnconfirmed = true;
      ctx.write(msg, promise);
    } else if (msg instanceof LastHttpContent) {
      ChannelPromise done = promise.unvoid();
      done.addListener(responseFinished);
      ctx.write(msg, done);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
    if (endUnconfirmed) {
      endUnconfirmed = false;
      confirmEnd(ctx);
    }
  }

  /**
   * A last message written with the void promise has no future to say when it is written; right after the flush,
   * the transport's outbound buffer says it. Empty: everything was written, the last byte included (the usual case
   * for a small response, whose head and body leave in one {@code writev}), and the response ends now, as a promise's
   * listener would have run. Not empty (a full socket buffer, a slow client): an empty buffer goes behind it, whose
   * promise completes when everything before it is written (Netty's HTTP encoder passes
   * {@link Unpooled#EMPTY_BUFFER} through as it is). Gone: the connection closed and the write failed.
   */
  private void confirmEnd(ChannelHandlerContext ctx) {
    ChannelOutboundBuffer unwritten = ctx.channel().unsafe().outboundBuffer();
    if (unwritten == null || !ctx.channel().isActive()) {
      responseFinished(ctx, false);
    } else if (unwritten.isEmpty()) {
      responseFinished(ctx, true);
    } else {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(responseFinished);
    }
  }

  /**
   * RFC 9110 §9.3.2: the answer to HEAD has the headers (Content-Length included) and never the content, whichever
   * handler wrote it; a body there would be read by a keep-alive client as the start of its next response.
   */
  private static HttpContent withoutContent(HttpContent content) {
    HttpContent empty = content.replace(Unpooled.EMPTY_BUFFER);
    content.release();
    return empty;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state.held != null) {
      state.held.forEach(ReferenceCountUtil::release);
      state.held = null;
    }
    ctx.fireChannelInactive();
  }

  /**
   * One response is complete ({@code written}: its last byte was written, else the write failed): it is counted, and
   * the connection is idle, or closes when draining, or takes its next held request.
   */
  private void responseFinished(ChannelHandlerContext ctx, boolean written) {
    if (state.accounting != null) {
      state.accounting.responseEnded(written);
    }
    Channel channel = ctx.channel();
    if (state.outstanding > 0) {
      state.outstanding--;
    }
    state.responseStarted = false;
    state.responseFinished();
    if (state.outstanding > 0) {
      return;
    }
    state.enter(ConnectionState.Phase.IDLE);
    if (state.draining) {
      channel.close();
    } else if (state.held != null) {
      // Later, not from inside this write's listener, which a synchronous answer to the next request would re-enter.
      ctx.executor().execute(() -> releaseHeld(ctx));
    }
  }

  /** Passes down the next held request with the messages that follow it, up to the request after it. */
  private void releaseHeld(ChannelHandlerContext ctx) {
    ArrayDeque<Object> held = state.held;
    if (held == null || state.outstanding > 0 || !ctx.channel().isActive()) {
      return;
    }
    boolean first = true;
    while (!held.isEmpty() && (first || !(held.peek() instanceof HttpRequest))) {
      Object msg = held.poll();
      if (msg instanceof HttpRequest request) {
        state.requestStarted(request);
        first = false;
      }
      ctx.fireChannelRead(msg);
    }
    if (held.isEmpty()) {
      state.held = null;
      state.resumeReading(ctx.channel(), ConnectionState.ReadPause.PIPELINED);
    }
  }
}
