package io.streamkit.server.live.rtmp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One publisher connection's pipeline: one handler per concern, named here, in this order.
 *
 * <pre>
 *  socket
 *    │                                       (beyond the connection limit: closed here, nothing added)
 *  idle            IdleStateHandler          nothing read within the idle timeout → an event the session acts on
 *  handshake       HandshakeHandler          C0 C1 → S0 S1 S2, C2; deadline; leaves the pipeline when done
 *  chunk-encoder   ChunkEncoder              outgoing messages → chunks
 *  chunk-decoder   ChunkDecoder              chunks → messages; chunk size, abort, acknowledgements; size limits
 *  session         PublishSessionHandler     connect, createStream, publish...; media → FLV stream; real-time lead
 *  errors          ConnectionErrorHandler    anything thrown → one log line, close
 * </pre>
 */
final class RtmpPipeline extends ChannelInitializer<SocketChannel> {

  static final String IDLE = "idle";
  static final String HANDSHAKE = "handshake";
  static final String CHUNK_ENCODER = "chunk-encoder";
  static final String CHUNK_DECODER = "chunk-decoder";
  static final String SESSION = "session";
  static final String ERRORS = "errors";

  private final RtmpServer.Settings settings;
  private final ChannelGroup channels;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentMap<String, RtmpConnection> live = new ConcurrentHashMap<>();

  RtmpPipeline(RtmpServer.Settings settings, ChannelGroup channels) {
    this.settings = settings;
    this.channels = channels;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    RtmpConnection connection = new RtmpConnection(channel);
    channels.add(channel);
    int count = open.incrementAndGet();
    channel.closeFuture().addListener(f -> open.decrementAndGet());
    if (count > settings.maxConnections()) {
      connection.close("more than " + settings.maxConnections() + " connections open");
      return;
    }
    channel.pipeline()
        .addLast(IDLE, new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast(HANDSHAKE, new HandshakeHandler(settings.handshakeTimeout()))
        .addLast(CHUNK_ENCODER, new ChunkEncoder())
        .addLast(CHUNK_DECODER, new ChunkDecoder(settings.maxMessageBytes(), PublishSessionHandler.WINDOW,
            connection.bytesReceived))
        .addLast(SESSION, new PublishSessionHandler(connection, settings.publishers(), live,
            settings.maxLeadAheadOfRealTime().toMillis(), System::nanoTime))
        .addLast(ERRORS, new ConnectionErrorHandler(connection));
  }
}
