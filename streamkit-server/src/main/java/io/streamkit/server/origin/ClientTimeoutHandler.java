package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Drops clients that hold a connection without making progress.
 *
 * <p>Three clocks, one per phase of {@link ConnectionState}: a keep-alive connection may sit idle between requests
 * for the idle timeout; once the first byte of a request arrives, the whole request head must arrive within the
 * request-head timeout; while a response is being written, the client must keep accepting bytes, with no pause
 * longer than the write-stall timeout. The second clock is what defeats slow-loris clients, which trickle a header
 * byte every few seconds and so never trip a plain read-idle timeout (Netty's {@code ReadTimeoutHandler} resets on
 * every byte); its deadline is not extended by further bytes. The third is nginx's {@code send_timeout}: a slow
 * player is fine, a reader that stops reading (a slow-read attack, or a vanished client) is not. Write progress is
 * read from the channel's outbound buffer, which counts {@code sendfile} progress too, as Netty's
 * {@code IdleStateHandler} does with {@code observeOutput}.
 *
 * <p>One scheduled task per connection, re-armed for the time remaining, rather than a task per request.
 */
final class ClientTimeoutHandler extends ChannelDuplexHandler {

  private final long idleNanos;
  private final long headNanos;
  private final long writeStallNanos;
  private final OriginMetrics metrics;
  /** This connection's state, looked up once (every read passes here). */
  private ConnectionState state;
  private ScheduledFuture<?> check;
  private Object lastMessage;
  private long lastProgress;
  private long lastPending;
  private long lastWriteProgressNanos;

  ClientTimeoutHandler(Duration idleTimeout, Duration requestHeadTimeout, Duration writeStallTimeout,
      OriginMetrics metrics) {
    this.idleNanos = idleTimeout.toNanos();
    this.headNanos = requestHeadTimeout.toNanos();
    this.writeStallNanos = writeStallTimeout.toNanos();
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    state = ConnectionState.of(ctx.channel());
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      schedule(ctx, shortestClock());
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    state.enter(ConnectionState.Phase.IDLE);
    if (check == null) {
      schedule(ctx, shortestClock());
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
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

  private long shortestClock() {
    return Math.min(writeStallNanos, Math.min(idleNanos, headNanos));
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    check = ctx.executor().schedule(() -> expire(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void expire(ChannelHandlerContext ctx) {
    if (!ctx.channel().isOpen()) {
      return;
    }
    ConnectionState state = ConnectionState.of(ctx.channel());
    long now = System.nanoTime();
    long elapsed;
    long limit;
    String reason;
    switch (state.phase) {
      case IDLE -> {
        elapsed = now - state.phaseStartedNanos;
        limit = idleNanos;
        reason = null;
      }
      case RECEIVING_HEAD -> {
        elapsed = now - state.phaseStartedNanos;
        limit = headNanos;
        reason = OriginMetrics.REQUEST_HEAD_TIMEOUT;
      }
      default -> {
        elapsed = now - lastWriteProgress(ctx, state, now);
        limit = writeStallNanos;
        reason = OriginMetrics.WRITE_STALLED;
      }
    }
    if (elapsed >= limit) {
      if (reason != null) {
        metrics.rejected(reason);
      }
      ctx.channel().close();
      return;
    }
    schedule(ctx, Math.max(Math.min(limit - elapsed, shortestClock()), TimeUnit.MILLISECONDS.toNanos(1)));
  }

  /** When the response last made progress: a new message, more of the current one, or fewer bytes pending. */
  private long lastWriteProgress(ChannelHandlerContext ctx, ConnectionState state, long now) {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    if (out == null) {
      return now;
    }
    Object message = out.current();
    long progress = out.currentProgress();
    long pending = out.totalPendingWriteBytes();
    if (message != lastMessage || progress != lastProgress || pending != lastPending
        || lastWriteProgressNanos < state.phaseStartedNanos) {
      lastMessage = message;
      lastProgress = progress;
      lastPending = pending;
      lastWriteProgressNanos = now;
    }
    return message == null ? now : lastWriteProgressNanos;
  }
}
