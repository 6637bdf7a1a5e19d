package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.protection.ContentKeyStore;
import io.streamkit.server.live.LiveEvents;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StreamKit origin: serves titles under {@code <data>/titles/<id>/}, or from a media storage such as S3 through
 * a bounded disk cache ({@link Builder#storage}), over HTTP/1.1 to players and CDNs, gated by playback tokens, with
 * session manifests, zero-copy segments and Prometheus metrics. See {@code docs/origin.md} for URLs, headers and
 * limits, {@code docs/storage.md} for titles in storage.
 *
 * <pre>{@code
 * try (OriginServer origin = OriginServer.builder()
 *     .dataDirectory(Path.of("/srv/streamkit"))
 *     .tokenVerifier(PlaybackTokenVerifier.builder().hs256(secret).build())
 *     .port(8080)
 *     .build()
 *     .start()) {
 *   origin.awaitClose();
 * }
 * }</pre>
 *
 * {@link #close()} stops accepting, lets responses in flight finish (up to the drain timeout), then stops. No request
 * is ever handled on the caller's thread: I/O runs on the server's event loops, blocking API work on its API
 * executor.
 */
public final class OriginServer implements AutoCloseable {

  /** TCP port unless {@link Builder#port} says otherwise. */
  public static final int DEFAULT_PORT = 8080;
  /** Open connections allowed at once unless {@link Builder#maxConnections} says otherwise. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Longest request URI, in bytes; like nginx's default {@code large_client_header_buffers} line limit. */
  public static final int DEFAULT_MAX_URI_LENGTH = 4096;
  /** Largest request header block, in bytes (16 KiB). */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  /** How long a keep-alive connection may wait for its next request (nginx: 75 s). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** How long a request head may take to arrive once it has started (nginx client_header_timeout: 60 s). */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);
  /** The longest a response may make no progress because the client stopped reading (nginx send_timeout: 60 s). */
  public static final Duration DEFAULT_WRITE_STALL_TIMEOUT = Duration.ofSeconds(60);
  /** How long {@link #close()} lets responses in flight finish before it closes what is still open. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /** Largest disk cache of a storage origin unless {@link Builder#cacheMaxBytes} says otherwise: 10 GiB. */
  public static final long DEFAULT_CACHE_MAX_BYTES = 10L * 1024 * 1024 * 1024;
  /** Smallest disk cache {@link Builder#cacheMaxBytes} accepts: 1 MiB. */
  public static final long MIN_CACHE_MAX_BYTES = 1024 * 1024;
  /** Largest disk cache {@link Builder#cacheMaxBytes} accepts: 1 PiB. */
  public static final long MAX_CACHE_MAX_BYTES = 1L << 50;
  /** The disk cache's directory under the data directory unless {@link Builder#cacheDirectory} says otherwise. */
  public static final String DEFAULT_CACHE_DIRECTORY = "storage-cache";
  /** The largest default stream limit per viewer accepted. */
  public static final int MAX_STREAMS_PER_VIEWER = 1000;
  /** How long a playback session lives without requests, unless set: 60 s. */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** The longest header name {@link Builder#viewerCountryHeader} accepts. */
  public static final int MAX_COUNTRY_HEADER_LENGTH = 64;
  /** The shortest stream idle timeout: a few of the intervals at which sessions are marked as playing. */
  public static final int MIN_STREAM_IDLE_SECONDS = 15;

  private static final Logger log = LoggerFactory.getLogger(OriginServer.class);

  /** What the pipeline needs from the configuration. */
  record Settings(OriginMetrics metrics, Duration idleTimeout, Duration requestHeadTimeout,
      Duration writeStallTimeout, int maxUriLength, int maxHeaderBytes, SslContext sslContext,
      TrustedProxies trustedProxies) {}

  private final Builder config;
  private final MeterRegistry registry;
  private final OriginMetrics metrics;
  private final ChannelGroup channels = new DefaultChannelGroup("streamkit-origin", GlobalEventExecutor.INSTANCE);
  private EventLoopGroup acceptors;
  private EventLoopGroup workers;
  private Channel serverChannel;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private ApiExecutor apiExecutor;
  private ViewerEndpoints viewerEndpoints;
  private StreamLimitHandler streamLimits;
  private CmcdRecorder cmcdRecorder;
  private TokenRevocations tokenRevocations;
  private StoredTitles storedTitles;
  /** The local titles, or {@code null} for a storage origin; set by {@link #newPipeline()}. */
  private MediaRoot mediaRoot;

  private OriginServer(Builder config) {
    this.config = config;
    this.registry = config.registry != null ? config.registry : newRegistryWithJvmMetrics();
    this.metrics = new OriginMetrics(registry);
  }

  /** Where the admin page sends direct uploads, when the management API's storage takes them; else null. */
  private static java.net.URI directUploadOrigin(ManagementApi api) {
    if (api == null || api.storage == null) {
      return null;
    }
    return api.storage.directUploads().map(io.streamkit.core.storage.DirectUploads::uploadOrigin).orElse(null);
  }

  /**
   * {@return a new builder; {@link Builder#dataDirectory} is required, and so is a choice about tokens:
   * {@link Builder#tokenVerifier} or {@link Builder#withoutTokens}}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving. Call once.
   *
   * @return this server, for try-with-resources
   * @throws IllegalArgumentException if the data directory does not exist or cannot be read; for a storage origin, if
   *     the cache directory holds files other than a StreamKit cache's or cannot be made
   * @throws IllegalStateException if the host and port cannot be bound (e.g. another process uses the port); for a
   *     storage origin, if the storage cannot be listed (unreachable, no such bucket, refused credentials) or another
   *     running origin uses the cache directory
   */
  public OriginServer start() {
    OriginPipeline pipeline = newPipeline();
    MediaRoot root = mediaRoot;
    boolean epoll = config.nativeTransport && Epoll.isAvailable();
    Class<? extends ServerChannel> channelType;
    if (epoll) {
      acceptors = new EpollEventLoopGroup(1);
      workers = new EpollEventLoopGroup(config.ioThreads);
      channelType = EpollServerSocketChannel.class;
    } else {
      acceptors = new NioEventLoopGroup(1);
      workers = new NioEventLoopGroup(config.ioThreads);
      channelType = NioServerSocketChannel.class;
    }
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptors, workers)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(pipeline);
    try {
      serverChannel = bootstrap.bind(new InetSocketAddress(config.host, config.port)).syncUninterruptibly().channel();
    } catch (Exception e) {
      // Netty rethrows the bind's IOException unchecked ("bind(..) failed: Address already in use").
      acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      closeApi();
      throw new IllegalStateException("cannot listen on " + config.host + ":" + config.port + ": " + e.getMessage()
          + "; choose another port, or stop the process using this one", e);
    }
    log.info("origin serving {} on {}:{} ({} transport, {} I/O threads, tokens {}{})",
        root != null ? root.root() : storedTitles.describe(), config.host,
        port(), epoll ? "epoll" : "nio", config.ioThreads, config.verifier == null ? "off" : "required",
        config.sslContext == null ? "" : ", TLS");
    log.info("rate limits: {}", config.rateLimits);
    return this;
  }

  /**
   * Makes the handlers every connection's pipeline is built from, and the executors and caches behind them: the first
   * half of {@link #start()}, apart so that a benchmark can drive the real pipeline without a socket.
   */
  OriginPipeline newPipeline() {
    PlaylistCache playlists = new PlaylistCache();
    MediaRoot root = null;
    if (config.storage == null) {
      root = new MediaRoot(config.dataDirectory);
    } else {
      storedTitles = StoredTitles.open(config.storage, config.cacheDirectory(), config.cacheMaxBytes, playlists,
          metrics);
    }
    MediaRoot localRoot = root;
    Settings settings = new Settings(metrics, config.idleTimeout, config.requestHeadTimeout,
        config.writeStallTimeout, config.maxUriLength, config.maxHeaderBytes, config.sslContext,
        config.trustedProxies);
    AdminKey adminKey = new AdminKey(config.adminKey);
    ManagementAccess managementAccess = new ManagementAccess(adminKey,
        config.store == null ? null : config.store.accounts(), config.oidc == null ? null : new OidcVerifier(config.oidc),
        config.managementApi != null && config.managementApi.editorsMayPublish);
    TitleVisibility visibility = null;
    TokenRevocations revocations = null;
    OriginPipeline.ApiHandlerFactory api = null;
    if (config.store != null || config.contentKeys != null) {
      apiExecutor = new ApiExecutor(config.apiThreads);
    }
    if (config.store != null) {
      visibility = new TitleVisibility(config.store.catalog(), config.store.profiles(), apiExecutor.executor(),
          Ticker.systemTicker(), Clock.systemUTC(), config.categoryAccess, config.viewerCountryHeader,
          config.requireViewerCountry);
      tokenRevocations = new TokenRevocations(config.store.revocations(), ManagementApi.MAX_TOKEN_TTL,
          Clock.systemUTC());
      revocations = tokenRevocations;
      streamLimits = new StreamLimitHandler(config.store.playbackSessions(), config.maxStreamsPerViewer,
          config.streamIdleTimeout, apiExecutor.executor(), metrics);
      if (config.clientData) {
        cmcdRecorder = new CmcdRecorder(config.store.events(), metrics);
      }
      viewerEndpoints = new ViewerEndpoints(config.store, config.verifier, managementAccess, visibility, revocations,
          streamLimits);
      AccessEndpoints access = new AccessEndpoints(config.store, config.verifier, managementAccess, revocations);
      List<ApiEndpoints> families = new ArrayList<>();
      if (config.managementApi != null) {
        StoredTitles stored = storedTitles;
        families.add(new ManagementEndpoints(config.managementApi, managementAccess, visibility,
            stored == null ? localRoot::titleChanged : stored::versionChanged));
        if (config.verifier != null) {
          families.add(new ViewerGrantEndpoints(config.managementApi, config.verifier, revocations, visibility));
        }
        if (config.live != null) {
          families.add(new LiveEndpoints(config.managementApi, config.live, managementAccess));
        }
      }
      families.add(viewerEndpoints);
      families.add(new AnalyticsEndpoints(config.store, managementAccess));
      families.add(access);
      families.add(new AccountEndpoints(config.store, managementAccess));
      families.add(new CatalogEndpoints(config.store, config.verifier, revocations, visibility));
      families.add(new ProfileEndpoints(config.store, config.verifier, revocations, visibility, config.managementApi));
      Duration bodyStall = config.managementApi == null ? ManagementApi.DEFAULT_BODY_STALL_TIMEOUT
          : config.managementApi.bodyStallTimeout;
      api = () -> new ApiHandler(families, apiExecutor, metrics, bodyStall);
    }
    PlaybackAccess access = new PlaybackAccess(config.verifier, root, storedTitles, playlists, metrics, visibility,
        revocations);
    ClientRateLimiter rateLimiter = new ClientRateLimiter(config.rateLimits);
    ConnectionLimiter connections = new ConnectionLimiter(config.maxConnections, channels, metrics);
    OriginPipeline pipeline = new OriginPipeline(new OriginPipeline.Parts(settings, connections,
        new TokenGate(access, metrics, rateLimiter), streamLimits,
        cmcdRecorder == null ? null : new CmcdHandler(cmcdRecorder, metrics),
        new EdgeAuthHandler(access, metrics, Clock.systemUTC()),
        new KeyHandler(config.contentKeys, apiExecutor == null ? null : apiExecutor.executor(), metrics),
        new ClearKeyLicenseHandler(config.contentKeys, apiExecutor == null ? null : apiExecutor.executor(), metrics),
        new AdminHandler(registry, adminKey, new AdminKey(config.metricsKey), metrics),
        new PlaylistHandler(root, storedTitles, playlists, config.variantOrder, config.verifier != null, metrics),
        new StoryboardHandler(root, storedTitles, playlists, config.verifier != null, metrics),
        new FileHandler(root, storedTitles, config.sslContext != null, metrics, connections::open),
        new PageHandler(metrics, directUploadOrigin(config.managementApi)), api,
        new RateLimitHandler(rateLimiter, config.verifier, metrics), config.live == null ? null : new LiveHandler(config.live, metrics)));
    if (config.live != null) {
      config.live.bindTo(registry);
    }
    mediaRoot = root;
    return pipeline;
  }

  /** {@return the TCP port actually bound (useful with port 0)} */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** {@return the store behind the platform API ({@code /api/...}), or {@code null} for a delivery-only origin} */
  public StreamkitStore store() {
    return config.store;
  }

  /** {@return the registry the origin's meters are in (behind {@code /metrics} when it is a Prometheus one)} */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Blocks until the server has been closed, by {@link #close()} on another thread or a shutdown hook.
   *
   * @throws InterruptedException if the waiting thread is interrupted; the server keeps running
   */
  public void awaitClose() throws InterruptedException {
    stopped.await();
  }

  /**
   * Graceful stop: no new connections; idle keep-alive connections close now; connections with a response in flight
   * close as soon as it is sent; whatever is still open after the drain timeout is closed. Then API work already
   * taken finishes and every progress heartbeat answered 202 is stored. Returns when all of that is done; calling it
   * again, or before {@link #start()}, does nothing.
   */
  @Override
  public void close() {
    if (closing || serverChannel == null) {
      return;
    }
    closing = true;
    serverChannel.close().syncUninterruptibly();
    for (Channel ch : channels) {
      ch.eventLoop().execute(() -> {
        ConnectionState state = ConnectionState.of(ch);
        state.draining = true;
        if (state.phase != ConnectionState.Phase.RESPONDING) {
          ch.close();
        }
      });
    }
    long deadline = System.nanoTime() + config.drainTimeout.toNanos();
    while (!channels.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!channels.isEmpty()) {
      log.warn("closing {} connections still busy after the {} drain timeout", channels.size(), config.drainTimeout);
      channels.close().awaitUninterruptibly();
    }
    acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    if (mediaRoot != null) {
      mediaRoot.closeFiles();
    }
    closeApi();
    stopped.countDown();
    log.info("origin stopped");
  }

  /**
   * API work already taken finishes, then every heartbeat answered 202 and every CMCD report queued is stored;
   * storage fetches stop.
   */
  private void closeApi() {
    if (apiExecutor != null) {
      apiExecutor.close();
    }
    if (streamLimits != null) {
      streamLimits.close();
    }
    if (cmcdRecorder != null) {
      cmcdRecorder.close();
    }
    if (tokenRevocations != null) {
      tokenRevocations.close();
    }
    if (viewerEndpoints != null) {
      viewerEndpoints.close();
    }
    if (storedTitles != null) {
      storedTitles.close();
    }
  }

  private static PrometheusMeterRegistry newRegistryWithJvmMetrics() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Configuration; every setter checks its value at once and names the limit it breaks, and {@link #build()} checks
   * that the settings fit together. Not thread-safe: configure it on one thread.
   */
  public static final class Builder {
    private Path dataDirectory;
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private PlaybackTokenVerifier verifier;
    private boolean tokensOff;
    private String adminKey;
    private String metricsKey;
    private OidcAuthentication oidc;
    private VariantOrder variantOrder = new PolicyVariantOrder();
    private MeterRegistry registry;
    private SslContext sslContext;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxUriLength = DEFAULT_MAX_URI_LENGTH;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
    private Duration writeStallTimeout = DEFAULT_WRITE_STALL_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private int apiThreads = ApiExecutor.DEFAULT_THREADS;
    private ContentKeyStore contentKeys;
    private LiveEvents live;
    private int maxStreamsPerViewer;
    private boolean categoryAccess;
    private String viewerCountryHeader;
    private boolean requireViewerCountry;
    private boolean clientData = true;
    private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
    private boolean nativeTransport = true;
    private StreamkitStore store;
    private ManagementApi managementApi;
    private TrustedProxies trustedProxies = TrustedProxies.NONE;
    private RateLimits rateLimits = RateLimits.none();
    private MediaStorage storage;
    private Path cacheDirectory;
    private long cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;
    private boolean cacheMaxBytesSet;

    private Builder() {}

    /**
     * The data directory (required, unless titles come from a {@link #storage} and {@link #cacheDirectory} is set);
     * titles are served from its {@code titles/<id>/} subdirectories. It must exist when the server starts.
     *
     * @param dataDirectory the directory, as {@code IngestWorkers} or {@code streamkit transcode} fill it
     * @return this builder
     * @throws NullPointerException if {@code dataDirectory} is null
     */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
      return this;
    }

    /**
     * The address to listen on.
     *
     * @param host an IP address or host name, resolved when the server starts; default {@code 0.0.0.0} (every IPv4
     *     interface), {@code 127.0.0.1} for this machine only
     * @return this builder
     * @throws NullPointerException if {@code host} is null
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * The TCP port.
     *
     * @param port 0 to 65535, 0 picking a free one (see {@link OriginServer#port()}); default
     *     {@value OriginServer#DEFAULT_PORT}
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
     * Requires a playback token on every title request; a missing or failing one is answered 403. Either this or
     * {@link #withoutTokens()} is required.
     *
     * @param verifier the verifier, holding every key tokens may be signed with
     * @return this builder
     * @throws NullPointerException if {@code verifier} is null
     */
    public Builder tokenVerifier(PlaybackTokenVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * Serves titles without tokens: only for an application that gates access in front of the origin. Excludes
     * {@link #tokenVerifier}.
     *
     * @return this builder
     */
    public Builder withoutTokens() {
      this.tokensOff = true;
      return this;
    }

    /**
     * The admin key, sent as {@code Authorization: Bearer <key>}: the bootstrap credential with the {@code admin}
     * role for the management API, the analytics and the account endpoints (where accounts get API keys with other
     * roles), and a key for {@code /metrics}; at least 16 characters. Without it and without a {@link #metricsKey}
     * {@code /metrics} is open; a management API needs it.
     *
     * @param adminKey at least 16 characters, e.g. {@code openssl rand -hex 16}; default {@code null}: no key
     * @return this builder
     * @throws IllegalArgumentException if {@code adminKey} is shorter than 16 characters
     */
    public Builder adminKey(String adminKey) {
      if (adminKey != null && adminKey.length() < 16) {
        throw new IllegalArgumentException("admin key must be at least 16 characters, got " + adminKey.length());
      }
      this.adminKey = adminKey;
      return this;
    }

    /**
     * A key that opens {@code /metrics} and nothing else, sent as {@code Authorization: Bearer <key>}: what a
     * Prometheus scraper is given instead of the admin key, which would also let it manage the platform. With it
     * {@code /metrics} needs this key or the {@link #adminKey}.
     *
     * @param metricsKey at least 16 characters, different from the admin key; default {@code null}: none
     * @return this builder
     * @throws IllegalArgumentException if {@code metricsKey} is shorter than 16 characters
     */
    public Builder metricsKey(String metricsKey) {
      if (metricsKey != null && metricsKey.length() < 16) {
        throw new IllegalArgumentException("metrics key must be at least 16 characters, got " + metricsKey.length());
      }
      this.metricsKey = metricsKey;
      return this;
    }

    /**
     * Decides the order of variants in each viewer's session manifest; players start with the first one listed.
     *
     * @param order default: a new {@link PolicyVariantOrder}, which assumes
     *     {@link PolicyVariantOrder#DEFAULT_START_THROUGHPUT_BPS} at session start
     * @return this builder
     * @throws NullPointerException if {@code order} is null
     */
    public Builder variantOrder(VariantOrder order) {
      this.variantOrder = Objects.requireNonNull(order, "variantOrder");
      return this;
    }

    /**
     * The proxies (a CDN edge, a load balancer) whose {@code X-Forwarded-For} the origin believes: for a request from
     * one of them, the client address that IP-bound tokens are checked against is the last address in that header
     * not itself a trusted proxy, instead of the proxy's own. Without any (the default) the header is ignored, so a
     * viewer cannot claim another address. See {@code docs/cdn-edge.md}.
     *
     * @param addressesOrRanges IP literals or CIDR ranges, e.g. {@code 10.0.0.5}, {@code 10.0.0.0/8},
     *     {@code fd00::/8}; none to trust no proxy; never host names (nothing is resolved)
     * @return this builder
     * @throws IllegalArgumentException naming the first entry that is not an IP literal or CIDR range
     */
    public Builder trustedProxies(String... addressesOrRanges) {
      this.trustedProxies = TrustedProxies.of(Arrays.asList(addressesOrRanges));
      return this;
    }

    /**
     * Limits how many API requests, key requests and failed token checks each client may make; beyond a limit the
     * client is answered {@code 429 Too Many Requests} with {@code Retry-After}, counted as
     * {@code rate_limited_<limit>}. Playlists and segments are not limited. The client is the viewer behind a
     * {@link #trustedProxies trusted proxy}, else the connection's peer, so behind an untrusted proxy all its viewers
     * share one allowance. See {@link RateLimits} and {@code docs/security.md}.
     *
     * <p>Off unless set here, unlike {@code streamkit serve}, which applies {@link RateLimits#defaults()}: an
     * application embedding the origin may sit behind its own gateway, which the origin cannot tell from a client,
     * or already limit requests itself, and turning limits on under it would answer its users 429 after an upgrade.
     *
     * @param limits e.g. {@link RateLimits#defaults()}; default {@link RateLimits#none()}
     * @return this builder
     * @throws NullPointerException if {@code limits} is null
     */
    public Builder rateLimits(RateLimits limits) {
      this.rateLimits = Objects.requireNonNull(limits, "rateLimits");
      return this;
    }

    /**
     * Publishes the origin's meters into the application's registry (any Micrometer {@link MeterRegistry}) instead of
     * a new Prometheus registry with JVM metrics bound; {@code /metrics} serves it only if it is a
     * {@link PrometheusMeterRegistry}, otherwise the application exports it its own way.
     *
     * @param registry default: a new {@link PrometheusMeterRegistry} with JVM memory, GC, thread, class loader and
     *     processor metrics
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Serves HTTPS; segments then go as chunks through the cipher instead of sendfile.
     *
     * @param sslContext a server context ({@code SslContextBuilder.forServer(cert, key).build()}); default
     *     {@code null}: plain HTTP
     * @return this builder
     * @throws IllegalArgumentException if {@code sslContext} is a client context
     */
    public Builder tls(SslContext sslContext) {
      if (sslContext != null && !sslContext.isServer()) {
        throw new IllegalArgumentException("the TLS context must be a server context (SslContextBuilder.forServer)");
      }
      this.sslContext = sslContext;
      return this;
    }

    /**
     * Open connections allowed at once; a connection beyond it is closed as soon as it is accepted (answering would
     * cost what the limit protects) and counted as {@code too_many_connections}.
     *
     * @param max 1 to 1,000,000; default {@value OriginServer#DEFAULT_MAX_CONNECTIONS}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is outside that range
     */
    public Builder maxConnections(int max) {
      this.maxConnections = within("max connections", max, 1, 1_000_000);
      return this;
    }

    /**
     * Longest request URI; a longer request line is answered 414 URI Too Long (RFC 9110 section 15.5.15) and the
     * connection closed.
     *
     * @param max bytes, 256 to 65,536; default {@value OriginServer#DEFAULT_MAX_URI_LENGTH}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is outside that range
     */
    public Builder maxUriLength(int max) {
      this.maxUriLength = within("max URI length", max, 256, 65_536);
      return this;
    }

    /**
     * Largest request header block; a larger one is answered 431 Request Header Fields Too Large (RFC 6585 section 5)
     * and the connection closed.
     *
     * @param max bytes, 1,024 to 1,048,576 (1 MiB); default {@value OriginServer#DEFAULT_MAX_HEADER_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is outside that range
     */
    public Builder maxHeaderBytes(int max) {
      this.maxHeaderBytes = within("max header bytes", max, 1024, 1024 * 1024);
      return this;
    }

    /**
     * How long a keep-alive connection may wait for its next request before it is closed.
     *
     * @param timeout positive; default {@link OriginServer#DEFAULT_IDLE_TIMEOUT} (60 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idle timeout", timeout);
      return this;
    }

    /**
     * How long a request head may take from its first byte to its last; the deadline is not extended by further
     * bytes, which is what stops slow-loris clients. A connection that misses it is closed.
     *
     * @param timeout positive; default {@link OriginServer#DEFAULT_REQUEST_HEAD_TIMEOUT} (10 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public Builder requestHeadTimeout(Duration timeout) {
      this.requestHeadTimeout = positive("request head timeout", timeout);
      return this;
    }

    /**
     * Closes a connection whose response has made no progress for this long (the client stopped reading). A slow
     * reader is fine; only a pause this long counts.
     *
     * @param timeout positive; default {@link OriginServer#DEFAULT_WRITE_STALL_TIMEOUT} (60 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public Builder writeStallTimeout(Duration timeout) {
      this.writeStallTimeout = positive("write stall timeout", timeout);
      return this;
    }

    /**
     * How long {@link OriginServer#close()} lets responses in flight finish before it closes what is still open.
     *
     * @param timeout positive; default {@link OriginServer#DEFAULT_DRAIN_TIMEOUT} (10 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = positive("drain timeout", timeout);
      return this;
    }

    /**
     * Event loop threads that move bytes; nothing on them waits for the database.
     *
     * @param threads 1 to 256; default one per available processor
     * @return this builder
     * @throws IllegalArgumentException if {@code threads} is outside that range
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = within("I/O threads", threads, 1, 256);
      return this;
    }

    /**
     * Threads for the API's blocking work (database calls, upload bodies, file moves), which never runs on the I/O
     * threads.
     *
     * @param threads 1 to 256; default {@value ApiExecutor#DEFAULT_THREADS}
     * @return this builder
     * @throws IllegalArgumentException if {@code threads} is outside that range
     */
    public Builder apiThreads(int threads) {
      this.apiThreads = within("API threads", threads, 1, 256);
      return this;
    }

    /**
     * Uses the epoll transport when the operating system has it (Linux), otherwise NIO. Both send files with
     * sendfile; epoll also corks the socket ({@code TCP_CORK}) so a response head travels with the first file bytes.
     *
     * @param enabled default {@code true}; {@code false} forces NIO
     * @return this builder
     */
    public Builder nativeTransport(boolean enabled) {
      this.nativeTransport = enabled;
      return this;
    }

    /**
     * The catalog, progress and event store behind the platform API; without one the origin only delivers media.
     * The caller owns the store and closes it after the server.
     *
     * @param store an open store; default none
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder store(StreamkitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Lets a token's {@code categories} claim limit what its viewer sees and plays: the catalog search lists only
     * titles in one of them, no playback token is signed for another title, and the origin refuses such titles. Off
     * by default, so tokens minted elsewhere with a {@code categories} claim change nothing until a deployment opts
     * in; needs a store.
     *
     * @param categoryAccess whether to enforce the claim
     * @return this builder
     */
    public Builder categoryAccess(boolean categoryAccess) {
      this.categoryAccess = categoryAccess;
      return this;
    }

    /**
     * Reads the viewer's country, for titles that list regions, from a request header that a CDN in front of the
     * origin sets from the client's address as well as from a token's {@code country} claim: Amazon CloudFront's
     * {@code CloudFront-Viewer-Country} (when its origin request policy forwards it), Cloudflare's
     * {@code CF-IPCountry}. Both must be listed when both are known. Off by default.
     *
     * <p>The origin trusts the header as it comes: turn this on only where every request reaches the origin through
     * that CDN, which sets the header itself and drops a client's own (CloudFront and Cloudflare both do); an origin
     * that clients can reach directly would take a country from any client. A token with a {@code country} claim is
     * safe either way: a forged header can only narrow what it opens.
     *
     * @param header the header's name, or {@code null} to read none
     * @return this builder
     * @throws IllegalArgumentException for a name that is not an HTTP field name (RFC 9110 §5.1: a token) or is
     *     longer than {@value #MAX_COUNTRY_HEADER_LENGTH} characters
     */
    public Builder viewerCountryHeader(String header) {
      if (header != null && (header.isEmpty() || header.length() > MAX_COUNTRY_HEADER_LENGTH
          || !header.chars().allMatch(c -> c < 128 && FramingCheckedRequestDecoder.isTokenCharacter((char) c)))) {
        throw new IllegalArgumentException("viewerCountryHeader '" + LogText.escape(header) + "' is not an HTTP"
            + " header name of 1 to " + MAX_COUNTRY_HEADER_LENGTH + " characters; use e.g. CloudFront-Viewer-Country"
            + " or CF-IPCountry");
      }
      this.viewerCountryHeader = header;
      return this;
    }

    /**
     * Refuses titles that list regions to viewers whose country is not known (no {@code country} claim and no
     * {@link #viewerCountryHeader} value): the catalog does not list them, no token is signed for them, and the
     * origin refuses them. Off by default: such a viewer sees every title, as nothing says where they are. Needs
     * {@link #store}.
     *
     * @param required whether a viewer's country is required for titles that list regions
     * @return this builder
     */
    public Builder requireViewerCountry(boolean required) {
      this.requireViewerCountry = required;
      return this;
    }

    /**
     * Reads the Common Media Client Data (CTA-5004) players send with their title requests, as headers or the
     * {@code CMCD} query parameter, into {@code cmcd} playback events for the analytics rollups. On by default; needs
     * a store.
     *
     * @param enabled whether to read it
     * @return this builder
     */
    public Builder clientData(boolean enabled) {
      this.clientData = enabled;
      return this;
    }

    /**
     * Limits how many streams one viewer watches at once, across every node on the same database: a title's master
     * playlist (or DASH manifest) opens a playback session, and a viewer's session beyond the limit is refused 403
     * {@code too_many_streams}. A token's {@code max_streams} claim (a plan) overrides this default. Needs
     * {@link #store}.
     *
     * @param max 1 to {@value #MAX_STREAMS_PER_VIEWER}; default 0: only tokens with {@code max_streams} are limited
     * @return this builder
     * @throws IllegalArgumentException outside 0 to {@value #MAX_STREAMS_PER_VIEWER}
     */
    public Builder maxStreamsPerViewer(int max) {
      this.maxStreamsPerViewer = within("max streams per viewer", max, 0, MAX_STREAMS_PER_VIEWER);
      return this;
    }

    /**
     * How long a playback session lives without requests before its slot is free again.
     *
     * @param timeout {@value #MIN_STREAM_IDLE_SECONDS} s to 1 h; default 60 s
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder streamIdleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "streamIdleTimeout");
      if (timeout.toSeconds() < MIN_STREAM_IDLE_SECONDS || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("stream idle timeout must be between " + MIN_STREAM_IDLE_SECONDS
            + " s and 1 h, got " + timeout);
      }
      this.streamIdleTimeout = timeout;
      return this;
    }

    /**
     * Answers the key URIs of encrypted titles ({@code /titles/<id>/keys/<key id>}) from this store, to requests
     * that pass the same token check as the title's segments, with {@code Cache-Control: no-store}. Without it, key
     * URIs are 404.
     *
     * @param keys the database's key store ({@code StreamkitStore.contentKeys}) or a
     *     {@link io.streamkit.core.protection.ContentKeyFile}; default none
     * @return this builder
     * @throws NullPointerException if {@code keys} is null
     */
    public Builder contentKeys(ContentKeyStore keys) {
      this.contentKeys = Objects.requireNonNull(keys, "contentKeys");
      return this;
    }

    /**
     * Serves these live streams under {@code /live/<id>/} (behind the same token gate as titles) and, with a
     * {@link #managementApi}, their endpoints under {@code /api/live}. The origin binds its meter registry to them;
     * their owner starts and closes them.
     *
     * @param live the live events; default none ({@code /live/...} is 404)
     * @return this builder
     * @throws NullPointerException if {@code live} is null
     */
    public Builder live(LiveEvents live) {
      this.live = Objects.requireNonNull(live, "live");
      return this;
    }

    /**
     * Also accepts OIDC access tokens for the management API, the analytics and the account endpoints, beside the
     * admin key and the API keys of accounts; the token's role claim decides what the caller may do.
     *
     * @param oidc the identity provider's settings; default {@code null}: no tokens accepted
     * @return this builder
     */
    public Builder oidc(OidcAuthentication oidc) {
      this.oidc = oidc;
      return this;
    }

    /**
     * Serves the management API ({@code /api/titles}, {@code /api/uploads}); needs {@link #store} and
     * {@link #adminKey}.
     *
     * @param api the built API; default none
     * @return this builder
     * @throws NullPointerException if {@code api} is null
     */
    public Builder managementApi(ManagementApi api) {
      this.managementApi = Objects.requireNonNull(api, "managementApi");
      return this;
    }

    /**
     * Serves titles from a media storage instead of the data directory: {@code /titles/<id>/<path>} is the object
     * {@code titles/<id>/<version>/<path>}, the version being the one the title's pointer names now (titles are
     * published there with {@link io.streamkit.core.storage.TitleVersions#publish}); a title without a pointer is
     * 404. Objects are fetched once into a bounded disk cache ({@link #cacheDirectory}, {@link #cacheMaxBytes}) and
     * served from it like local files, with the stored object's {@code ETag} and {@code Last-Modified}. A pointer is
     * re-read at most a second after it was last read, so a republication or unpublication shows within about a
     * second. When the storage fails or takes more than 15 s, the request is answered 503 with {@code Retry-After}.
     * The caller owns the storage and closes it after the server. A {@link #managementApi} must keep media in the
     * same storage ({@link ManagementApi.Builder#storage}), so its uploads become the titles this origin serves.
     *
     * @param storage e.g. an {@code S3Storage} from module {@code streamkit-storage-s3}; listed once at
     *     {@link OriginServer#start()} to check that it answers; default none: titles from the data directory
     * @return this builder
     * @throws NullPointerException if {@code storage} is null
     */
    public Builder storage(MediaStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * The disk cache of a {@link #storage} origin. It is emptied at every start, so it must be empty or a StreamKit
     * cache already (it holds a {@code .streamkit-cache} file); it is created if missing, and locked while
     * the origin runs, so each origin needs its own.
     *
     * @param directory default {@value OriginServer#DEFAULT_CACHE_DIRECTORY} in the data directory
     * @return this builder
     * @throws NullPointerException if {@code directory} is null
     */
    public Builder cacheDirectory(Path directory) {
      this.cacheDirectory = Objects.requireNonNull(directory, "cacheDirectory").toAbsolutePath();
      return this;
    }

    /**
     * The most bytes of stored objects the disk cache keeps; beyond it, the objects least likely to be asked for
     * again are deleted (W-TinyLFU). Fetches under way are not counted until they complete; an object larger than
     * the whole cache cannot be served (503).
     *
     * @param bytes {@value OriginServer#MIN_CACHE_MAX_BYTES} to {@value OriginServer#MAX_CACHE_MAX_BYTES}; default
     *     {@value OriginServer#DEFAULT_CACHE_MAX_BYTES} (10 GiB)
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is outside that range
     */
    public Builder cacheMaxBytes(long bytes) {
      if (bytes < MIN_CACHE_MAX_BYTES || bytes > MAX_CACHE_MAX_BYTES) {
        throw new IllegalArgumentException("cache max bytes must be between " + MIN_CACHE_MAX_BYTES + " (1 MiB) and "
            + MAX_CACHE_MAX_BYTES + " (1 PiB), got " + bytes);
      }
      this.cacheMaxBytes = bytes;
      this.cacheMaxBytesSet = true;
      return this;
    }

    private Path cacheDirectory() {
      return cacheDirectory != null ? cacheDirectory : dataDirectory.resolve(DEFAULT_CACHE_DIRECTORY);
    }

    /**
     * Checks that the settings fit together; nothing is bound until {@link OriginServer#start()}.
     *
     * @return the server, not yet started
     * @throws IllegalArgumentException naming the missing setting or the contradiction: no data directory (nor, for a
     *     storage origin, a cache directory), neither or both of a token verifier and {@code withoutTokens()}, a
     *     management API without store or admin key or on another storage, or cache settings without a storage
     */
    public OriginServer build() {
      if (dataDirectory == null && (storage == null || cacheDirectory == null)) {
        throw new IllegalArgumentException(storage == null
            ? "the origin needs a data directory: call dataDirectory(...)"
            : "the origin needs a directory for its disk cache: call cacheDirectory(...) or dataDirectory(...)");
      }
      if (storage == null && (cacheDirectory != null || cacheMaxBytesSet)) {
        throw new IllegalArgumentException("cacheDirectory(...) and cacheMaxBytes(...) apply only to titles from a"
            + " storage: call storage(...) too, or leave them out");
      }
      if (managementApi != null && managementApi.storage != storage) {
        throw new IllegalArgumentException(storage == null
            ? "the management API keeps media in a storage but the origin serves the data directory: call storage(...)"
                + " with the same storage"
            : "the origin serves titles from a storage but the management API does not keep media there: call"
                + " ManagementApi.Builder.storage(...) with the same storage");
      }
      if (verifier == null && !tokensOff) {
        throw new IllegalArgumentException(
            "the origin needs a token verifier: call tokenVerifier(...), or withoutTokens() to serve titles openly");
      }
      if ((viewerCountryHeader != null || requireViewerCountry) && store == null) {
        throw new IllegalArgumentException("viewerCountryHeader(...) and requireViewerCountry(...) check titles'"
            + " regions in the catalog: call store(...) too, or leave them out");
      }
      if (managementApi != null && store == null) {
        throw new IllegalArgumentException("the management API needs the store: call store(...) too");
      }
      if (managementApi != null && adminKey == null) {
        throw new IllegalArgumentException("the management API needs an admin key: call adminKey(...) with at least"
            + " 16 characters");
      }
      if (metricsKey != null && metricsKey.equals(adminKey)) {
        throw new IllegalArgumentException("the metrics key is the admin key: give /metrics a key of its own, or"
            + " leave metricsKey(...) out to scrape with the admin key");
      }
      if (verifier != null && tokensOff) {
        throw new IllegalArgumentException("cannot use tokenVerifier(...) and withoutTokens() together");
      }
      return new OriginServer(this);
    }

    private static int within(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
