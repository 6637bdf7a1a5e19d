package io.streamkit.server.live.rtmp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RTMP ingest server: publishers (FFmpeg's {@code -f flv rtmp://host:port/app/KEY}, OBS) connect and publish, and
 * each accepted publication reaches {@link RtmpPublishers#publishing} with its media as an FLV stream.
 *
 * <p>Follows Adobe's "Real-Time Messaging Protocol (RTMP) specification" 1.0 (December 2012) for the handshake, the
 * chunk stream and the commands a publisher sends, AMF0 for command values, and the FLV specification v10.1 for the
 * media stream. It ingests only: play requests are refused. Each connection is bounded in time (handshake and idle
 * timeouts, a limit on how far media may run ahead of real time) and memory (message size, buffered media), and a
 * connection that breaks a rule is closed with one log line, disturbing no other.
 *
 * <pre>{@code
 * try (RtmpServer server = RtmpServer.builder().port(1935).publishers(myPublishers).build().start()) {
 *   ...
 * }
 * }</pre>
 */
public final class RtmpServer implements AutoCloseable {

  /** The default port, RTMP's registered one. */
  public static final int DEFAULT_PORT = 1935;
  /** The default time a client has to finish the handshake. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** The default time a publisher may send nothing before it is closed. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** The default for how far media timestamps may run ahead of the wall clock since publish. */
  public static final Duration DEFAULT_MAX_LEAD_AHEAD_OF_REAL_TIME = Duration.ofSeconds(10);
  /** The default longest RTMP message: room for a keyframe of high-bitrate 4K video. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
  /** The default most connections open at once. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  /** The shortest timeout accepted for the handshake and idle timeouts. */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  /** The longest timeout accepted for the handshake and idle timeouts. */
  public static final Duration MAX_TIMEOUT = Duration.ofHours(1);
  /** The smallest lead ahead of real time accepted: less would close publishers over ordinary jitter. */
  public static final Duration MIN_LEAD_AHEAD_OF_REAL_TIME = Duration.ofSeconds(1);
  /** The largest lead ahead of real time accepted. */
  public static final Duration MAX_LEAD_AHEAD_OF_REAL_TIME = Duration.ofHours(1);
  /** The smallest message limit accepted: an H.264 keyframe of even small video is tens of kilobytes. */
  public static final int MIN_MAX_MESSAGE_BYTES = 64 * 1024;
  /** The largest message limit accepted: an RTMP message length has 24 bits (RTMP spec §5.3.1.2.1). */
  public static final int MAX_MAX_MESSAGE_BYTES = 0xFFFFFF;
  /** The largest connection limit accepted. */
  public static final int MAX_MAX_CONNECTIONS = 1_000_000;

  private static final Logger log = LoggerFactory.getLogger(RtmpServer.class);

  /** A built server's configuration. */
  record Settings(String bindAddress, int port, RtmpPublishers publishers, Duration handshakeTimeout,
      Duration idleTimeout, Duration maxLeadAheadOfRealTime, int maxMessageBytes, int maxConnections) {}

  private final Settings settings;
  private EventLoopGroup acceptors;
  private EventLoopGroup workers;
  private ChannelGroup channels;
  private Channel serverChannel;
  private boolean closed;

  private RtmpServer(Settings settings) {
    this.settings = settings;
  }

  /** {@return a builder; {@link Builder#publishers} is required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts accepting publishers.
   *
   * @return this server
   * @throws IllegalStateException if the server was started before, or the address cannot be bound (the port is
   *     taken, or the address is not this machine's)
   */
  public synchronized RtmpServer start() {
    if (serverChannel != null) {
      throw new IllegalStateException("RTMP server already started on port " + port());
    }
    acceptors = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup();
    channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptors, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new RtmpPipeline(settings, channels));
    try {
      serverChannel = bootstrap.bind(new InetSocketAddress(settings.bindAddress(), settings.port()))
          .syncUninterruptibly().channel();
    } catch (Exception e) {
      // Netty rethrows the bind's IOException unchecked ("bind(..) failed: Address already in use").
      shutDownLoops();
      throw new IllegalStateException("RTMP server cannot listen on " + settings.bindAddress() + ":" + settings.port()
          + ": " + e.getMessage() + "; choose another port, or stop the process using this one", e);
    }
    log.info("rtmp ingest listening on {}:{} (handshake timeout {} ms, idle timeout {} ms, max lead {} ms)",
        settings.bindAddress(), port(), settings.handshakeTimeout().toMillis(), settings.idleTimeout().toMillis(),
        settings.maxLeadAheadOfRealTime().toMillis());
    return this;
  }

  /**
   * {@return the TCP port bound, useful with port 0}
   *
   * @throws IllegalStateException if the server is not started
   */
  public int port() {
    if (serverChannel == null) {
      throw new IllegalStateException("RTMP server not started");
    }
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Stops accepting and closes every connection; the readers of open publications get an
   * {@link java.io.IOException} saying the server is closing. Does nothing if the server is not started or already
   * closed.
   */
  @Override
  public synchronized void close() {
    if (serverChannel == null || closed) {
      return;
    }
    closed = true;
    serverChannel.close().syncUninterruptibly();
    channels.forEach(channel -> {
      RtmpConnection connection = channel.attr(RtmpConnection.KEY).get();
      if (connection != null) {
        connection.close("the server is closing");
      }
    });
    channels.close().awaitUninterruptibly();
    shutDownLoops();
  }

  private void shutDownLoops() {
    acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  /** Configures an {@link RtmpServer}; every setter checks its value at once. */
  public static final class Builder {
    private String bindAddress = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private RtmpPublishers publishers;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration maxLeadAheadOfRealTime = DEFAULT_MAX_LEAD_AHEAD_OF_REAL_TIME;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;

    private Builder() {}

    /**
     * The TCP port.
     *
     * @param port 0 to 65535, 0 picking a free one (see {@link RtmpServer#port()}); default {@value #DEFAULT_PORT}
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is outside that range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The address to listen on.
     *
     * @param bindAddress an IP address or host name; default {@code 0.0.0.0} (every IPv4 interface),
     *     {@code 127.0.0.1} for this machine only
     * @return this builder
     * @throws NullPointerException if {@code bindAddress} is null
     */
    public Builder bindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /**
     * Who may publish, and where accepted publications go (required).
     *
     * @param publishers the application's decision and consumer
     * @return this builder
     * @throws NullPointerException if {@code publishers} is null
     */
    public Builder publishers(RtmpPublishers publishers) {
      this.publishers = Objects.requireNonNull(publishers, "publishers");
      return this;
    }

    /**
     * The time a client has, from connecting, to finish the handshake.
     *
     * @param timeout between {@link #MIN_TIMEOUT} and {@link #MAX_TIMEOUT}; default 10 s
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is outside that range
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = timeout("handshakeTimeout", timeout);
      return this;
    }

    /**
     * The time a publisher may send nothing before it is closed (a publisher this server has paused for
     * backpressure is not idle).
     *
     * @param timeout between {@link #MIN_TIMEOUT} and {@link #MAX_TIMEOUT}; default 30 s
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is outside that range
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout("idleTimeout", timeout);
      return this;
    }

    /**
     * How far a publisher's media timestamps may run ahead of the wall clock since it started publishing before it
     * is closed as faster than real time.
     *
     * @param lead between {@link #MIN_LEAD_AHEAD_OF_REAL_TIME} and {@link #MAX_LEAD_AHEAD_OF_REAL_TIME}; default
     *     10 s
     * @return this builder
     * @throws IllegalArgumentException if {@code lead} is outside that range
     */
    public Builder maxLeadAheadOfRealTime(Duration lead) {
      Objects.requireNonNull(lead, "maxLeadAheadOfRealTime");
      if (lead.compareTo(MIN_LEAD_AHEAD_OF_REAL_TIME) < 0 || lead.compareTo(MAX_LEAD_AHEAD_OF_REAL_TIME) > 0) {
        throw new IllegalArgumentException("maxLeadAheadOfRealTime must be between "
            + MIN_LEAD_AHEAD_OF_REAL_TIME.toMillis() + " ms and " + MAX_LEAD_AHEAD_OF_REAL_TIME.toMillis()
            + " ms, got " + lead.toMillis() + " ms");
      }
      this.maxLeadAheadOfRealTime = lead;
      return this;
    }

    /**
     * The longest RTMP message accepted; a publisher sending a longer one is closed.
     *
     * @param bytes between {@value #MIN_MAX_MESSAGE_BYTES} and {@value #MAX_MAX_MESSAGE_BYTES}; default
     *     {@value #DEFAULT_MAX_MESSAGE_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is outside that range
     */
    public Builder maxMessageBytes(int bytes) {
      if (bytes < MIN_MAX_MESSAGE_BYTES || bytes > MAX_MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException("maxMessageBytes must be between " + MIN_MAX_MESSAGE_BYTES + " and "
            + MAX_MAX_MESSAGE_BYTES + ", got " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * The most connections open at once; a connection beyond it is closed as it arrives.
     *
     * @param connections between 1 and {@value #MAX_MAX_CONNECTIONS}; default {@value #DEFAULT_MAX_CONNECTIONS}
     * @return this builder
     * @throws IllegalArgumentException if {@code connections} is outside that range
     */
    public Builder maxConnections(int connections) {
      if (connections < 1 || connections > MAX_MAX_CONNECTIONS) {
        throw new IllegalArgumentException("maxConnections must be between 1 and " + MAX_MAX_CONNECTIONS + ", got "
            + connections);
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * {@return the server, not yet started}
     *
     * @throws IllegalStateException if {@link #publishers} was not set
     */
    public RtmpServer build() {
      if (publishers == null) {
        throw new IllegalStateException("publishers is required: an RtmpPublishers deciding who may publish and "
            + "receiving each publication");
      }
      return new RtmpServer(new Settings(bindAddress, port, publishers, handshakeTimeout, idleTimeout,
          maxLeadAheadOfRealTime, maxMessageBytes, maxConnections));
    }

    private static Duration timeout(String name, Duration timeout) {
      Objects.requireNonNull(timeout, name);
      if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(name + " must be between " + MIN_TIMEOUT.toMillis() + " ms and "
            + MAX_TIMEOUT.toMillis() + " ms, got " + timeout.toMillis() + " ms");
      }
      return timeout;
    }
  }
}
