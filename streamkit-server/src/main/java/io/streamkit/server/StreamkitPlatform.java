package io.streamkit.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.protection.ContentKeyFile;
import io.streamkit.core.protection.KeyWrapper;
import io.streamkit.core.recommend.Recommender;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.SegmentEncryption;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.live.LiveEvents;
import io.streamkit.server.origin.ManagementApi;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The whole platform in one process: the store (catalog, progress, events, job queue), ingest workers, the origin
 * with its management and viewer APIs and pages. What {@code streamkit serve} runs, for an application to embed.
 *
 * <pre>{@code
 * try (StreamkitPlatform platform = StreamkitPlatform.builder()
 *     .dataDirectory(Path.of("/srv/streamkit"))
 *     .dataSource(applicationPool)           // or jdbcUrl(...), or nothing for H2 in the data directory
 *     .meterRegistry(applicationRegistry)    // any Micrometer registry
 *     .adminKey(adminKey)                    // bootstrap admin: management API, accounts, analytics, /metrics
 *     .hs256Secret(secret)                   // signs and checks playback tokens
 *     .workers(2)
 *     .origin(origin -> origin.port(8080))
 *     .build()
 *     .start()) {
 *   platform.awaitClose();
 * }
 * }</pre>
 *
 * <p>With {@link Builder#storage} sources and titles live in S3 (or a compatible storage) instead of the data
 * directory: uploads are copied there, workers publish titles there as versions, and the origin serves them through
 * its disk cache, so several platforms on one database and one bucket share everything without a shared disk
 * ({@code docs/deployment.md}).
 *
 * <p>{@link #close()} stops the parts in reverse order: the origin drains its connections and stores every progress
 * heartbeat it answered, the workers hand their running jobs back to the queue, then the store closes — last, since
 * everything before it still writes. A store or data source the application passed in stays open: its owner closes
 * it.
 *
 * <p>Threads: {@link #start()} and {@link #close()} are meant for the thread that owns the platform;
 * {@link #awaitClose()} may wait on any other.
 */
public final class StreamkitPlatform implements AutoCloseable {

  /** Keeps a data directory's node id across restarts, so the queue can hand back what it held at a crash. */
  public static final String NODE_ID_FILE = "node-id";
  /** Where live events are recorded while they run, in the data directory. */
  public static final String LIVE_DIRECTORY = "live";
  /** By default the recommendations are recomputed every 15 minutes (by one of the servers sharing a database). */
  public static final Duration DEFAULT_RECOMMENDATION_PERIOD = Duration.ofMinutes(15);
  /** The shortest recomputation period accepted. */
  public static final Duration MIN_RECOMMENDATION_PERIOD = Duration.ofSeconds(1);
  /** The longest recomputation period accepted. */
  public static final Duration MAX_RECOMMENDATION_PERIOD = Duration.ofDays(7);

  /** By default new playback events are folded into the analytics rollups every minute. */
  public static final Duration DEFAULT_ANALYTICS_FOLD_PERIOD = Duration.ofMinutes(1);
  /** The shortest fold period accepted. */
  public static final Duration MIN_ANALYTICS_FOLD_PERIOD = Duration.ofSeconds(1);
  /** The longest fold period accepted. */
  public static final Duration MAX_ANALYTICS_FOLD_PERIOD = Duration.ofDays(1);

  private final Builder config;
  private StreamkitStore store;
  private IngestJobQueue queue;
  private boolean ownsStore;
  private IngestWorkers workers;
  private OriginServer origin;
  private LiveEvents live;
  private ClaimedSchedule recommendations;
  private ClaimedSchedule analyticsFold;

  private StreamkitPlatform(Builder config) {
    this.config = config;
  }

  /**
   * {@return a new builder; {@link Builder#dataDirectory} is required, and so is a choice about tokens:
   * {@link Builder#hs256Secret}, {@link Builder#tokenVerifier} or {@link Builder#withoutTokens}}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the store (unless one was given), starts the ingest workers and the origin. If any part fails, the parts
   * already started are stopped again before the failure is thrown. Call once.
   *
   * @return this platform, for try-with-resources
   * @throws io.streamkit.core.store.StoreException if the database cannot be reached or migrated
   * @throws IllegalArgumentException if a setting checked only here is invalid: the JDBC URL, the preset, the node
   *     id, the public base URL, one made in {@link Builder#origin} or {@link Builder#managementApi}, or a data
   *     directory that does not exist when only the origin uses it
   * @throws IllegalStateException if the origin cannot listen on its host and port (e.g. the port is in use)
   * @throws java.io.UncheckedIOException if the data directory or its {@code titles/}, {@code uploads/} or node id
   *     file cannot be created
   */
  public StreamkitPlatform start() {
    try {
      if (config.store != null) {
        store = config.store;
      } else {
        StreamkitStore.Builder b = StreamkitStore.builder();
        if (config.dataSource != null) {
          b.dataSource(config.dataSource);
        } else if (config.jdbcUrl != null) {
          b.jdbcUrl(config.jdbcUrl);
        } else {
          b.dataDirectory(config.dataDirectory);
        }
        store = b.build();
        ownsStore = true;
      }
      queue = IngestJobQueue.in(store);
      int workerCount = config.workers;
      if (workerCount > 0) {
        IngestWorkers.Builder w = IngestWorkers.builder().store(store).queue(queue).dataDirectory(config.dataDirectory)
            .workers(workerCount).node(config.nodeId != null ? config.nodeId : nodeId(config.dataDirectory));
        if (config.ladder != null) {
          w.ladder(config.ladder);
        }
        if (config.preset != null) {
          w.preset(config.preset);
        }
        if (config.maxSourceDuration != null) {
          w.maxSourceDuration(config.maxSourceDuration);
        }
        if (config.storage != null) {
          w.storage(config.storage);
        }
        if (config.jobLease != null) {
          w.lease(config.jobLease);
        }
        if (config.encryption != null) {
          w.encryption(config.encryption, store.contentKeys(config.masterKeys));
        }
        workers = w.build().start();
      }
      OriginServer.Builder o = OriginServer.builder().dataDirectory(config.dataDirectory).store(store);
      if (config.storage != null) {
        o.storage(config.storage);
      }
      if (config.verifier != null) {
        o.tokenVerifier(config.verifier);
      } else {
        o.withoutTokens();
      }
      if (config.meterRegistry != null) {
        o.meterRegistry(config.meterRegistry);
      }
      if (config.masterKeys != null) {
        o.contentKeys(store.contentKeys(config.masterKeys));
      } else if (config.keyFile != null) {
        o.contentKeys(ContentKeyFile.at(config.keyFile));
      }
      if (config.adminKey != null) {
        o.adminKey(config.adminKey);
      }
      if (config.adminKey != null) {
        ManagementApi.Builder api = ManagementApi.builder().store(store).queue(queue).workers(workers)
            .dataDirectory(config.dataDirectory).maxUploadBytes(config.maxUploadBytes).tokenSigner(config.signer)
            .publicBaseUrl(config.publicBaseUrl);
        if (config.storage != null) {
          api.storage(config.storage);
        }
        config.managementApi.accept(api);
        ManagementApi built = api.build();
        o.managementApi(built);
        if (config.liveSettings != null) {
          LiveEvents.Builder l = LiveEvents.builder().streams(store.liveStreams())
              .workDirectory(config.dataDirectory.resolve(LIVE_DIRECTORY))
              .recordings((file, name) -> built.ingest(file, name, "").id());
          if (config.ladder != null) {
            l.ladder(config.ladder);
          }
          config.liveSettings.accept(l);
          live = l.build().start();
          o.live(live);
        }
      }
      config.origin.accept(o);
      origin = o.build().start();
      String node = config.nodeId != null ? config.nodeId : nodeId(config.dataDirectory);
      recommendations = RecommendationRefresh.start(Recommender.builder(store).build(), node,
          config.recommendationPeriod);
      analyticsFold = AnalyticsFold.start(AnalyticsRollups.builder(store).build(), node, config.analyticsFoldPeriod);
      return this;
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** {@return the store behind the catalog, progress, events and job queue; {@code null} before {@link #start()}} */
  public StreamkitStore store() {
    return store;
  }

  /**
   * {@return the ingest job queue the workers and the management API share; {@code null} before {@link #start()}} A
   * job queued through it starts at once on an idle worker of this platform; one queued through another
   * {@link IngestJobQueue} object waits for the workers' next poll ({@link IngestWorkers#DEFAULT_POLL_INTERVAL}).
   */
  public IngestJobQueue ingestQueue() {
    return queue;
  }

  /** {@return the running origin (its port, meter registry and graceful stop); {@code null} before {@link #start()}} */
  public OriginServer origin() {
    return origin;
  }

  /** {@return the live events when {@link Builder#live} turned them on, else {@code null}} */
  public LiveEvents live() {
    return live;
  }

  /** {@return the TCP port the origin listens on (the one chosen when {@code port(0)} was asked for)} */
  public int port() {
    return origin.port();
  }

  /**
   * Blocks until the platform has been closed, by {@link #close()} on another thread or a shutdown hook.
   *
   * @throws InterruptedException if the waiting thread is interrupted; the platform keeps running
   */
  public void awaitClose() throws InterruptedException {
    origin.awaitClose();
  }

  /**
   * Ends live events (their recordings become titles), stops the origin, then the workers, then the store (unless
   * the application passed it in). Idempotent.
   */
  @Override
  public void close() {
    try {
      if (recommendations != null) {
        recommendations.close();
        recommendations = null;
      }
      if (analyticsFold != null) {
        analyticsFold.close();
        analyticsFold = null;
      }
      if (live != null) {
        live.close();
        live = null;
      }
      if (origin != null) {
        origin.close();
      }
    } finally {
      try {
        if (workers != null) {
          workers.close();
        }
      } finally {
        if (store != null && ownsStore) {
          store.close();
          ownsStore = false;
        }
      }
    }
  }

  /** This data directory's node id, made and kept in {@value #NODE_ID_FILE} on first use. */
  static String nodeId(Path data) {
    Path file = data.resolve(NODE_ID_FILE);
    try {
      if (Files.isRegularFile(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!id.isEmpty()) {
          return id;
        }
      }
      Files.createDirectories(data);
      String id = "node-" + UUID.randomUUID();
      Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the node id in " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * What to start. Setters check what they can at once and name the limit a value breaks; {@link #build()} checks
   * that the settings fit together; values handed on to a part (JDBC URL, preset, node id, public base URL) are
   * checked by {@link StreamkitPlatform#start()} when that part is made. Not thread-safe: configure it on one thread.
   */
  public static final class Builder {
    private Path dataDirectory;
    private StreamkitStore store;
    private DataSource dataSource;
    private String jdbcUrl;
    private MeterRegistry meterRegistry;
    private String adminKey;
    private PlaybackTokenSigner signer;
    private PlaybackTokenVerifier verifier;
    private boolean tokensOff;
    private int workers = IngestWorkers.DEFAULT_WORKERS;
    private Ladder ladder;
    private String preset;
    private Duration maxSourceDuration;
    private String nodeId;
    private long maxUploadBytes = ManagementApi.DEFAULT_MAX_UPLOAD_BYTES;
    private String publicBaseUrl;
    private Consumer<OriginServer.Builder> origin = o -> { };
    private Consumer<ManagementApi.Builder> managementApi = a -> { };
    private MediaStorage storage;
    private Duration jobLease;
    private Duration recommendationPeriod = DEFAULT_RECOMMENDATION_PERIOD;
    private Duration analyticsFoldPeriod = DEFAULT_ANALYTICS_FOLD_PERIOD;
    private KeyWrapper masterKeys;
    private SegmentEncryption encryption;
    private Path keyFile;
    private Consumer<LiveEvents.Builder> liveSettings;

    private Builder() {}

    /**
     * Turns live streaming on: streams in the store ({@code /api/live}), RTMP publishers in, Low-Latency HLS out under
     * {@code /live/<id>/}, recordings admitted as titles when an event ends. Needs an {@link #adminKey} (the live
     * endpoints and recordings go through the management API). The platform sets the streams, the work directory
     * ({@code live/} in the data directory) and where recordings go; {@code settings} sets the rest, usually
     * {@link LiveEvents.Builder#rtmp} and the segment, window and reconnect settings.
     *
     * @param settings called once with the live events' builder
     * @return this builder
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder live(Consumer<LiveEvents.Builder> settings) {
      this.liveSettings = Objects.requireNonNull(settings, "live");
      return this;
    }

    /**
     * Keeps the content keys of encrypted titles in the database, wrapped under these master keys (envelope
     * encryption), and answers the titles' key URIs from there. Every node of a deployment needs the same keys.
     *
     * @param masterKeys {@link io.streamkit.core.protection.MasterKeys} or a KMS behind the same port
     * @return this builder
     * @throws NullPointerException if {@code masterKeys} is null
     */
    public Builder masterKeys(KeyWrapper masterKeys) {
      this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
      return this;
    }

    /**
     * Encrypts every title the ingest workers transcode from now on; needs {@link #masterKeys}. Titles transcoded
     * before stay clear.
     *
     * @param encryption e.g. {@link SegmentEncryption#aes128(int)}; default none
     * @return this builder
     * @throws NullPointerException if {@code encryption} is null
     */
    public Builder encryption(SegmentEncryption encryption) {
      this.encryption = Objects.requireNonNull(encryption, "encryption");
      return this;
    }

    /**
     * Answers key URIs from a key file written by {@code streamkit transcode --encrypt} (titles made apart and copied
     * into the data directory); excludes {@link #masterKeys}.
     *
     * @param keyFile a {@link io.streamkit.core.protection.ContentKeyFile}'s path
     * @return this builder
     * @throws NullPointerException if {@code keyFile} is null
     */
    public Builder keyFile(Path keyFile) {
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile").toAbsolutePath();
      return this;
    }

    /**
     * The data directory (required): titles, uploads, the node id and, by default, the embedded H2 database live
     * here. The parts that write to it (the embedded database, the workers, the management API) create it if
     * missing; an origin that only serves needs it to exist. Nodes sharing a database must share it, mounted at the
     * same path.
     *
     * @param dataDirectory a directory path, made absolute here
     * @return this builder
     * @throws NullPointerException if {@code dataDirectory} is null
     */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath();
      return this;
    }

    /**
     * The application's own store; the platform uses it and leaves it open. Excludes {@link #dataSource} and
     * {@link #jdbcUrl}; default: the platform opens its own.
     *
     * @param store an open store, closed by the application after the platform
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder store(StreamkitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The application's own connection pool; the platform migrates its tables into the pool's default schema and
     * never closes it. Excludes {@link #store} and {@link #jdbcUrl}; default: an H2 database in the data directory.
     *
     * @param dataSource a PostgreSQL or H2 pool
     * @return this builder
     * @throws NullPointerException if {@code dataSource} is null
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * A database by URL; the platform opens and closes its pool. Excludes {@link #store} and {@link #dataSource};
     * default: an H2 database in the data directory.
     *
     * @param jdbcUrl {@code jdbc:postgresql:...} or {@code jdbc:h2:...}
     * @return this builder
     * @throws IllegalArgumentException if {@code jdbcUrl} is missing or names another database
     */
    public Builder jdbcUrl(String jdbcUrl) {
      StreamkitStore.builder().jdbcUrl(jdbcUrl);
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /**
     * The registry the origin's meters go to; see {@link OriginServer.Builder#meterRegistry}.
     *
     * @param registry any Micrometer registry; default: a new Prometheus registry with JVM metrics, served at
     *     {@code /metrics}
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * The admin key, sent as {@code Authorization: Bearer <key>}: the bootstrap credential with the {@code admin}
     * role for the management API, the analytics and the account endpoints, and the key for {@code /metrics}.
     * Default: none, and then the management API is off and {@code /metrics} is open.
     *
     * @param adminKey at least 16 characters; a random one, e.g. {@code openssl rand -hex 16}
     * @return this builder
     * @throws IllegalArgumentException if {@code adminKey} is null or shorter than 16 characters
     */
    public Builder adminKey(String adminKey) {
      if (adminKey == null || adminKey.length() < 16) {
        throw new IllegalArgumentException("admin key must be at least 16 characters, got "
            + (adminKey == null ? "none" : adminKey.length()));
      }
      this.adminKey = adminKey;
      return this;
    }

    /**
     * Signs and checks playback tokens with one HS256 secret: sets both {@link #tokenSigner} and
     * {@link #tokenVerifier}.
     *
     * @param secret at least {@value PlaybackTokenSigner#MIN_HS256_SECRET_BYTES} random bytes, shared with whatever
     *     else mints tokens
     * @return this builder
     * @throws IllegalArgumentException if {@code secret} is shorter than that
     */
    public Builder hs256Secret(byte[] secret) {
      return tokenSigner(PlaybackTokenSigner.hs256(secret))
          .tokenVerifier(PlaybackTokenVerifier.builder().hs256(secret).build());
    }

    /**
     * Signs the tokens {@code POST /api/titles/{id}/playback} hands out. Default: none, and then that endpoint
     * answers 501.
     *
     * @param signer the signer, e.g. {@code PlaybackTokenSigner.hs256(secret)}
     * @return this builder
     * @throws NullPointerException if {@code signer} is null
     */
    public Builder tokenSigner(PlaybackTokenSigner signer) {
      this.signer = Objects.requireNonNull(signer, "tokenSigner");
      return this;
    }

    /**
     * Checks playback tokens on every title request and viewer call. Either this (or {@link #hs256Secret}) or
     * {@link #withoutTokens()} is required.
     *
     * @param verifier the verifier, holding every key tokens may be signed with
     * @return this builder
     * @throws NullPointerException if {@code verifier} is null
     */
    public Builder tokenVerifier(PlaybackTokenVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "tokenVerifier");
      return this;
    }

    /**
     * Serves titles without tokens: only for an application that gates access in front of the origin. Excludes
     * {@link #tokenVerifier} and {@link #hs256Secret}.
     *
     * @return this builder
     */
    public Builder withoutTokens() {
      this.tokensOff = true;
      return this;
    }

    /**
     * How many transcodes run at once on this node; 0 leaves transcoding to other nodes sharing the database.
     *
     * @param workers 0 to {@value IngestWorkers#MAX_WORKERS}; default {@value IngestWorkers#DEFAULT_WORKERS}
     * @return this builder
     * @throws IllegalArgumentException if {@code workers} is outside that range
     */
    public Builder workers(int workers) {
      if (workers < 0 || workers > IngestWorkers.MAX_WORKERS) {
        throw new IllegalArgumentException("workers must be between 0 and " + IngestWorkers.MAX_WORKERS + ", got "
            + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * The ladder the workers plan renditions from.
     *
     * @param ladder default {@link Ladder#apple()}
     * @return this builder
     * @throws NullPointerException if {@code ladder} is null
     */
    public Builder ladder(Ladder ladder) {
      this.ladder = Objects.requireNonNull(ladder, "ladder");
      return this;
    }

    /**
     * The x264 speed preset the workers encode with.
     *
     * @param preset one of {@link io.streamkit.hls.Transcoder#PRESETS}; default
     *     {@value io.streamkit.hls.Transcoder#DEFAULT_PRESET}
     * @return this builder
     * @throws IllegalArgumentException if {@code preset} is not one of them
     */
    public Builder preset(String preset) {
      IngestWorkers.builder().preset(preset);
      this.preset = preset;
      return this;
    }

    /**
     * The longest upload the workers transcode; a longer one becomes a failed title saying so.
     *
     * @param maxSourceDuration positive; default {@link io.streamkit.hls.Transcoder#DEFAULT_MAX_SOURCE_DURATION}
     *     (12 hours)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxSourceDuration} is zero or negative
     * @throws NullPointerException if {@code maxSourceDuration} is null
     */
    public Builder maxSourceDuration(Duration maxSourceDuration) {
      IngestWorkers.builder().maxSourceDuration(maxSourceDuration);
      this.maxSourceDuration = maxSourceDuration;
      return this;
    }

    /**
     * This node's id in the shared job queue. It must stay the same across the node's restarts and differ between
     * nodes.
     *
     * @param nodeId 1 to {@value IngestJobQueue#MAX_NODE_ID_LENGTH} characters; default: {@code node-<random UUID>},
     *     made once and kept in the data directory's {@value StreamkitPlatform#NODE_ID_FILE} file
     * @return this builder
     * @throws IllegalArgumentException if {@code nodeId} is missing, blank or too long
     */
    public Builder nodeId(String nodeId) {
      IngestWorkers.builder().node(nodeId);
      this.nodeId = nodeId;
      return this;
    }

    /**
     * The largest upload the management API takes; larger ones are answered 413.
     *
     * @param maxUploadBytes 1 to {@link ManagementApi#MAX_UPLOAD_BYTES} (1 PiB); default
     *     {@link ManagementApi#DEFAULT_MAX_UPLOAD_BYTES} (10 GiB)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxUploadBytes} is outside that range
     */
    public Builder maxUploadBytes(long maxUploadBytes) {
      ManagementApi.builder().maxUploadBytes(maxUploadBytes);
      this.maxUploadBytes = maxUploadBytes;
      return this;
    }

    /**
     * Makes the URLs in playback responses absolute; see {@link ManagementApi.Builder#publicBaseUrl}.
     *
     * @param url {@code http(s)://host[:port][/path]}, e.g. {@code https://video.example.com}; default {@code null}:
     *     relative URLs
     * @return this builder
     * @throws IllegalArgumentException if {@code url} does not look like that
     */
    public Builder publicBaseUrl(String url) {
      ManagementApi.builder().publicBaseUrl(url);
      this.publicBaseUrl = url;
      return this;
    }

    /**
     * Further origin settings: host, port, TLS, limits, timeouts, I/O threads. They are applied by
     * {@link StreamkitPlatform#start()} after the platform's own (data directory, store, tokens, registry, admin key,
     * management API), so a value that breaks a limit fails {@code start()}.
     *
     * @param settings called once with the origin's builder; default: the {@link OriginServer.Builder} defaults
     * @return this builder
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder origin(Consumer<OriginServer.Builder> settings) {
      this.origin = Objects.requireNonNull(settings, "origin");
      return this;
    }

    /**
     * Further management API settings: body stall timeout, unfinished upload retention. Applied by
     * {@link StreamkitPlatform#start()}, and only when an {@link #adminKey} turns the management API on.
     *
     * @param settings called once with the management API's builder; default: the {@link ManagementApi.Builder}
     *     defaults
     * @return this builder
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder managementApi(Consumer<ManagementApi.Builder> settings) {
      this.managementApi = Objects.requireNonNull(settings, "managementApi");
      return this;
    }

    /**
     * How long a claimed ingest job stays this node's without a renewal; after a crash, another node takes the job
     * over once it runs out. See {@link IngestWorkers.Builder#lease}.
     *
     * @param lease 1 s to 1 h; default 60 s
     * @return this builder
     * @throws IllegalArgumentException if {@code lease} is null or outside that range
     */
    public Builder jobLease(Duration lease) {
      IngestWorkers.builder().lease(lease);
      this.jobLease = lease;
      return this;
    }

    /**
     * How often the recommendations ({@code GET /api/recommendations}, {@link Recommender}) are recomputed from the
     * watch progress. Of several platforms sharing a database, one recomputes per period; each asks every quarter
     * period, the first time at start.
     *
     * @param period {@link #MIN_RECOMMENDATION_PERIOD} to {@link #MAX_RECOMMENDATION_PERIOD}; default
     *     {@link #DEFAULT_RECOMMENDATION_PERIOD}
     * @return this builder
     * @throws io.streamkit.core.InvalidValueException if {@code period} is null or outside that range
     */
    public Builder recommendationPeriod(Duration period) {
      this.recommendationPeriod = InvalidValueException.requireRange("recommendationPeriod", period,
          MIN_RECOMMENDATION_PERIOD, MAX_RECOMMENDATION_PERIOD);
      return this;
    }

    /**
     * How often new playback events are folded into the analytics rollups that every analytics endpoint reads
     * ({@code GET /api/analytics} and its series, top titles and devices, {@code GET /api/titles/{id}/analytics};
     * {@link AnalyticsRollups}). Of several platforms sharing a database, one folds per period; each asks every
     * quarter period, the first time at start. The reports lag the events by this period plus
     * {@link AnalyticsRollups#DEFAULT_SETTLE_LAG}.
     *
     * @param period {@link #MIN_ANALYTICS_FOLD_PERIOD} to {@link #MAX_ANALYTICS_FOLD_PERIOD}; default
     *     {@link #DEFAULT_ANALYTICS_FOLD_PERIOD}
     * @return this builder
     * @throws io.streamkit.core.InvalidValueException if {@code period} is null or outside that range
     */
    public Builder analyticsFoldPeriod(Duration period) {
      this.analyticsFoldPeriod = InvalidValueException.requireRange("analyticsFoldPeriod", period,
          MIN_ANALYTICS_FOLD_PERIOD, MAX_ANALYTICS_FOLD_PERIOD);
      return this;
    }

    /**
     * Keeps sources and titles in a media storage (S3 or compatible) instead of the data directory: finished uploads
     * are copied to it ({@link ManagementApi.Builder#storage}), workers download sources from it and publish titles
     * to it as versions ({@link IngestWorkers.Builder#storage}), and the origin serves them through its disk cache
     * ({@link OriginServer.Builder#storage}; {@link OriginServer.Builder#cacheDirectory} and
     * {@link OriginServer.Builder#cacheMaxBytes}, set through {@link #origin}). Platforms on one database and one
     * storage then share every title without a shared disk. The application owns the storage and closes it after
     * the platform.
     *
     * @param storage e.g. an {@code S3Storage} from module {@code streamkit-storage-s3}; default none: titles from the
     *     data directory
     * @return this builder
     * @throws NullPointerException if {@code storage} is null
     */
    public Builder storage(MediaStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Checks that the settings fit together; nothing is opened until {@link StreamkitPlatform#start()}.
     *
     * @return the platform, not yet started
     * @throws IllegalArgumentException naming the contradiction or the missing setting: no data directory, more
     *     than one of store, data source and JDBC URL, no token choice or two, or an upload limit out of range
     */
    public StreamkitPlatform build() {
      if (dataDirectory == null) {
        throw new IllegalArgumentException("the platform needs a data directory: call dataDirectory(...)");
      }
      int locations = (store != null ? 1 : 0) + (dataSource != null ? 1 : 0) + (jdbcUrl != null ? 1 : 0);
      if (locations > 1) {
        throw new IllegalArgumentException("cannot use store(...), dataSource(...) and jdbcUrl(...) together; choose"
            + " one, or none for the embedded H2 database in the data directory");
      }
      if (verifier == null && !tokensOff) {
        throw new IllegalArgumentException("the platform needs playback tokens: call hs256Secret(...) or"
            + " tokenVerifier(...), or withoutTokens() to serve titles openly");
      }
      if (verifier != null && tokensOff) {
        throw new IllegalArgumentException("cannot use tokenVerifier(...) and withoutTokens() together");
      }
      if (encryption != null && masterKeys == null) {
        throw new IllegalArgumentException("encrypted titles need master keys to wrap their content keys: call"
            + " masterKeys(...) too");
      }
      if (liveSettings != null && adminKey == null) {
        throw new IllegalArgumentException("live streaming needs the management API for its streams and recordings:"
            + " set adminKey(...) too");
      }
      if (masterKeys != null && keyFile != null) {
        throw new IllegalArgumentException("cannot use masterKeys(...) and keyFile(...) together: keys come either from"
            + " the database or from one key file");
      }
      return new StreamkitPlatform(this);
    }
  }
}
