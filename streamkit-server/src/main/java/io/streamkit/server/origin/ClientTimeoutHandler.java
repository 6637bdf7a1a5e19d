package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Drops clients that hold a connection without making progress.
 *
 * <p>Two clocks: a keep-alive connection may sit idle between requests for the idle timeout; once the first byte of a
 * request arrives, the whole request head must arrive within the request-head timeout. The second is what defeats
 * slow-loris clients, which trickle a header byte every few seconds and so never trip a plain read-idle timeout
 * (Netty's {@code ReadTimeoutHandler} resets on every byte). The deadline is not extended by further bytes. While a
 * response is being written neither clock runs: a large segment to a slow player is not a stalled client.
 *
 * <p>One scheduled task per connection, re-armed lazily for the time remaining (the {@code IdleStateHandler}
 * approach), rather than a task per request.
 */
final class ClientTimeoutHandler extends ChannelDuplexHandler {

  private final long idleNanos;
  private final long headNanos;
  private final OriginMetrics metrics;
  private ScheduledFuture<?> check;

  ClientTimeoutHandler(Duration idleTimeout, Duration requestHeadTimeout, OriginMetrics metrics) {
    this.idleNanos = idleTimeout.toNanos();
    this.headNanos = requestHeadTimeout.toNanos();
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      schedule(ctx, Math.min(idleNanos, headNanos));
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ConnectionState.of(ctx.channel()).enter(ConnectionState.Phase.IDLE);
    if (check == null) {
      schedule(ctx, Math.min(idleNanos, headNanos));
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ConnectionState state = ConnectionState.of(ctx.channel());
    if (state.phase == ConnectionState.Phase.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
      state.enter(ConnectionState.Phase.RECEIVING_HEAD);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (check != null) {
      check.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    check = ctx.executor().schedule(() -> expire(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void expire(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) {
      return;
    }
    ConnectionState state = ConnectionState.of(ctx.channel());
    long elapsed = System.nanoTime() - state.phaseStartedNanos;
    long limit = switch (state.phase) {
      case IDLE -> idleNanos;
      case RECEIVING_HEAD -> headNanos;
      case RESPONDING -> Long.MAX_VALUE;
    };
    if (elapsed >= limit) {
      if (state.phase == ConnectionState.Phase.RECEIVING_HEAD) {
        metrics.rejected(OriginMetrics.REQUEST_HEAD_TIMEOUT);
      }
      ctx.channel().close();
      return;
    }
    long next = state.phase == ConnectionState.Phase.RESPONDING ? Math.min(idleNanos, headNanos) : limit - elapsed;
    schedule(ctx, Math.max(next, TimeUnit.MILLISECONDS.toNanos(1)));
  }
}
