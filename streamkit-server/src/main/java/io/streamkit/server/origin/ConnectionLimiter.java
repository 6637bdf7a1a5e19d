package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections, refuses new ones beyond the limit (closing them at once: answering would cost the very
 * resources the limit protects), and enrols accepted ones in the group that a graceful shutdown drains.
 */
@Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final ChannelGroup channels;
  private final OriginMetrics metrics;

  ConnectionLimiter(int maxConnections, ChannelGroup channels, OriginMetrics metrics) {
    this.maxConnections = maxConnections;
    this.channels = channels;
    this.metrics = metrics;
    metrics.gaugeOpenConnections(open);
  }

  /** {@return the client connections open now} */
  int open() {
    return open.get();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      metrics.rejected(OriginMetrics.TOO_MANY_CONNECTIONS);
      ctx.channel().config().setAutoRead(false);
      ctx.close();
      return;
    }
    channels.add(ctx.channel());
    ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
    ctx.fireChannelActive();
  }
}
