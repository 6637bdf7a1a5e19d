package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.account.DuplicateAccountNameException;
import io.streamkit.core.account.UnknownAccountException;
import io.streamkit.core.progress.ProgressWriterFullException;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.store.StoreException;
import io.streamkit.core.title.IllegalTransitionException;
import io.streamkit.core.title.UnknownTitleException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /api/...} on one connection: asks each {@link ApiEndpoints} family to claim the request, then runs the
 * claimed {@link ApiExchange} on the {@link ApiExecutor}: {@code begin}, each body chunk, {@code complete}, one at a
 * time and in order ({@link SerialExecutor}). Nothing an endpoint does blocks the event loop; answers are written back
 * on the connection's loop by Netty.
 *
 * <p>Bodies: a declared {@code Content-Length} over the exchange's limit is refused with 413 before anything is read;
 * chunks wait on the executor with at most {@link #MAX_QUEUED_BODY_BYTES} in memory per connection, beyond which
 * reading from the socket pauses until the exchange catches up. After an early answer (an error before the body was
 * complete) the rest of the body is read and dropped so the connection stays usable — unless the client asked
 * {@code Expect: 100-continue} and was never told to continue, in which case the connection closes after the answer.
 *
 * <p>Errors, in one place: {@link ApiException} as it says; {@link InvalidValueException} 400;
 * {@link UnknownTitleException} and {@link UnknownAccountException} 404; {@link IllegalTransitionException} and
 * {@link DuplicateAccountNameException} 409; {@link StoreException},
 * {@link StorageException} and a full progress writer 503 with {@code Retry-After}; anything else 500 with one log
 * line.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {

  /** A request without a body may still carry a small one, which is read and ignored. */
  static final int IGNORED_BODY_BYTES = 64 * 1024;
  static final int MAX_QUEUED_BODY_BYTES = 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final List<ApiEndpoints> families;
  private final ApiExecutor executor;
  private final OriginMetrics metrics;
  private final long bodyStallNanos;
  private Exchange current;
  private long lastBodyNanos;
  private ScheduledFuture<?> stallCheck;
  /** The rest of a refused request's body is read and dropped, so the connection stays usable. */
  private boolean discardingBody;

  ApiHandler(List<ApiEndpoints> families, ApiExecutor executor, OriginMetrics metrics, Duration bodyStallTimeout) {
    this.families = families;
    this.executor = executor;
    this.metrics = metrics;
    this.bodyStallNanos = bodyStallTimeout.toNanos();
  }

  /** One request from head to answer: the call, what serves it, and its steps' order. */
  private final class Exchange {
    final ApiCall call;
    final ApiExchange exchange;
    final SerialExecutor steps;
    final boolean expectsContinue;
    final AtomicLong queuedBytes = new AtomicLong();
    volatile boolean failed;
    volatile boolean continued;
    volatile boolean readingPaused;
    private boolean ended;

    Exchange(ApiCall call, ApiExchange exchange, boolean expectsContinue) {
      this.call = call;
      this.exchange = exchange;
      this.expectsContinue = expectsContinue;
      this.steps = new SerialExecutor(executor.executor());
    }

    /**
     * Runs one step on the executor unless an earlier one failed (a failure answers the call and abandons), then
     * {@code always}, whether the step ran or not.
     */
    void step(Step step, Runnable always) {
      steps.execute(() -> {
        try {
          if (!failed) {
            step.run();
          }
        } catch (Throwable e) {
          failed = true;
          answerFailure(this, e);
          abandon();
        } finally {
          if (always != null) {
            always.run();
          }
        }
      });
    }

    /** Ends the exchange: undo what is left, once, and give back its admission. */
    void end(boolean complete) {
      steps.execute(() -> {
        if (!complete && !failed) {
          abandon();
        }
        if (!ended) {
          ended = true;
          executor.release();
        }
      });
    }

    private void abandon() {
      try {
        exchange.abandon();
      } catch (RuntimeException e) {
        LOG.warn("cleaning up after {} failed: {}", call.describe(), LogText.escape(e.toString()));
      }
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof OriginRequest request && request.route == Route.API) {
      start(ctx, request);
    } else if (msg instanceof HttpContent content && current != null) {
      chunk(ctx, current, content);
    } else if (msg instanceof HttpContent content && discardingBody) {
      discardingBody = !(content instanceof LastHttpContent);
      ReferenceCountUtil.release(content);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, OriginRequest request) {
    ApiCall call = new ApiCall(ctx, metrics, request);
    boolean expectsContinue = HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(
        request.headers.get(HttpHeaderNames.EXPECT, ""));
    ApiExchange exchange;
    try {
      exchange = claim(call);
      long declared = contentLength(request.headers);
      if (declared > exchange.maxBodyBytes()) {
        throw exchange.tooLarge(call.describe(), declared);
      }
    } catch (RuntimeException e) {
      if (expectsContinue) {
        call.closeAfterAnswer();
      }
      answerFailure(call, e);
      discardingBody = request.hasBody;
      return;
    }
    if (!executor.admit()) {
      call.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded", "the origin has too many API calls in"
          + " progress; retry in a few seconds");
      discardingBody = request.hasBody;
      return;
    }
    Exchange ex = new Exchange(call, exchange, expectsContinue);
    ex.step(() -> {
      exchange.begin();
      if (expectsContinue && !call.answered()) {
        ex.continued = true;
        sendContinue(ctx);
      }
    }, null);
    if (request.hasBody) {
      current = ex;
      watchForStall(ctx);
    } else {
      finish(ex);
    }
  }

  /**
   * The origin's client timeouts cover request heads and responses, not bodies; this closes a connection whose body
   * stopped arriving (a vanished uploader), like nginx's {@code client_body_timeout}. A resumable upload keeps the
   * bytes that arrived, so the client resumes from there.
   */
  private void watchForStall(ChannelHandlerContext ctx) {
    lastBodyNanos = System.nanoTime();
    if (stallCheck != null) {
      return;
    }
    long period = Math.max(bodyStallNanos / 4, TimeUnit.MILLISECONDS.toNanos(10));
    stallCheck = ctx.executor().scheduleAtFixedRate(() -> {
      if (current != null && !current.readingPaused && System.nanoTime() - lastBodyNanos > bodyStallNanos) {
        LOG.info("closing the connection from {}: its {} body stalled for {} ms", ctx.channel().remoteAddress(),
            current.call.describe(), TimeUnit.NANOSECONDS.toMillis(bodyStallNanos));
        ctx.close();
      }
    }, period, period, TimeUnit.NANOSECONDS);
  }

  private ApiExchange claim(ApiCall call) {
    for (ApiEndpoints family : families) {
      ApiExchange exchange = family.open(call);
      if (exchange != null) {
        return exchange;
      }
    }
    throw ApiException.notFound("no API endpoint at " + call.describe() + "; see docs/openapi.yaml");
  }

  private void chunk(ChannelHandlerContext ctx, Exchange ex, HttpContent content) {
    lastBodyNanos = System.nanoTime();
    boolean last = content instanceof LastHttpContent;
    if (last) {
      current = null;
    }
    ByteBuf bytes = content.content();
    int size = bytes.readableBytes();
    if (ex.queuedBytes.addAndGet(size) > MAX_QUEUED_BODY_BYTES && !ex.readingPaused) {
      ex.readingPaused = true;
      ConnectionState.of(ctx.channel()).pauseReading(ctx.channel(), ConnectionState.ReadPause.BODY_BACKLOG);
    }
    ex.step(() -> {
      if (bytes.isReadable() && !ex.call.answered()) {
        ex.exchange.body(bytes);
      }
    }, () -> {
      ReferenceCountUtil.release(content);
      if (ex.queuedBytes.addAndGet(-size) <= MAX_QUEUED_BODY_BYTES / 4 && ex.readingPaused) {
        ex.readingPaused = false;
        Channel channel = ctx.channel();
        channel.eventLoop().execute(() ->
            ConnectionState.of(channel).resumeReading(channel, ConnectionState.ReadPause.BODY_BACKLOG));
      }
    });
    if (last) {
      if (ex.expectsContinue && !ex.continued && !ex.call.answered()) {
        ex.continued = true; // the client sent the body without waiting
      }
      finish(ex);
    }
  }

  private void finish(Exchange ex) {
    ex.step(() -> {
      if (ex.call.answered()) {
        return;
      }
      ex.exchange.complete();
      if (!ex.call.answered()) {
        throw new IllegalStateException(ex.call.describe() + " completed without an answer");
      }
    }, null);
    ex.end(true);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (stallCheck != null) {
      stallCheck.cancel(false);
    }
    Exchange ex = current;
    current = null;
    if (ex != null) {
      ex.end(false);
    }
    ctx.fireChannelInactive();
  }

  /**
   * Sends the interim {@code 100 Continue} (RFC 9110 §15.2.1) as raw bytes below the codec: as an HTTP response
   * object it would pass the request-cycle handler, which would take it for the start of the final response.
   */
  private static void sendContinue(ChannelHandlerContext ctx) {
    ChannelHandlerContext codec = ctx.pipeline().context(OriginPipeline.HTTP_CODEC);
    codec.writeAndFlush(Unpooled.wrappedBuffer("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  /** The declared {@code Content-Length}, or -1 when there is none (or it does not parse). */
  static long contentLength(HttpHeaders headers) {
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void answerFailure(Exchange ex, Throwable failure) {
    if (ex.expectsContinue && !ex.continued) {
      ex.call.closeAfterAnswer();
    }
    answerFailure(ex.call, failure);
  }

  /** Turns what an exchange threw into the answer; a call already answered is left as it is. */
  static void answerFailure(ApiCall call, Throwable failure) {
    if (call.answered()) {
      LOG.warn("{} failed after it was answered: {}", call.describe(), LogText.escape(failure.toString()));
      return;
    }
    if (failure instanceof ApiException e) {
      FullHttpResponse response = Responses.error(e.status, e.code, e.getMessage());
      if (e.allow != null) {
        response.headers().set(HttpHeaderNames.ALLOW, e.allow);
      }
      call.respond(response);
    } else if (failure instanceof InvalidValueException) {
      call.fail(HttpResponseStatus.BAD_REQUEST, "bad_request", call.describe() + ": " + failure.getMessage());
    } else if (failure instanceof UnknownTitleException || failure instanceof UnknownAccountException) {
      call.fail(HttpResponseStatus.NOT_FOUND, "not_found", failure.getMessage());
    } else if (failure instanceof DuplicateAccountNameException) {
      call.fail(HttpResponseStatus.CONFLICT, "duplicate_name", failure.getMessage());
    } else if (failure instanceof IllegalTransitionException) {
      call.fail(HttpResponseStatus.CONFLICT, "illegal_transition", failure.getMessage());
    } else if (failure instanceof ProgressWriterFullException) {
      call.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "progress_backlog", "too many progress heartbeats are"
          + " waiting to be written; send the next heartbeat as usual");
    } else if (failure instanceof StoreException) {
      LOG.warn("{}: database call failed: {}", call.describe(), LogText.escape(failure.getMessage()));
      call.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "store_unavailable", "the database did not complete the"
          + " request; retry, and check the origin's log if it persists");
    } else if (failure instanceof StorageException) {
      LOG.warn("{}: storage call failed: {}", call.describe(), LogText.escape(failure.getMessage()));
      call.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "storage_unavailable", "the media storage did not complete"
          + " the request; retry, and check the origin's log if it persists");
    } else if (failure instanceof RejectedExecutionException) {
      call.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "the origin is shutting down; retry on"
          + " another node or in a few seconds");
    } else {
      StackTraceElement[] frames = failure.getStackTrace();
      LOG.error("{} failed: {} (at {})", call.describe(), LogText.escape(failure.toString()),
          frames.length == 0 ? "unknown" : frames[0]);
      LOG.debug("stack trace of the failure above", failure);
      call.fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
          "the server could not complete the request; its log has the details");
    }
  }
}
