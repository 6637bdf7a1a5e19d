package io.streamkit.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.origin.ManagementApi;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *     .adminKey(adminKey)                    // the one key for the management API, analytics and /metrics
 *     .hs256Secret(secret)                   // signs and checks playback tokens
 *     .workers(2)
 *     .origin(origin -> origin.port(8080))
 *     .build()
 *     .start()) {
 *   platform.awaitClose();
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops the parts in reverse order: the origin drains its connections and stores every progress
 * heartbeat it answered, the workers hand their running jobs back to the queue, then the store closes — last, since
 * everything before it still writes. A store or data source the application passed in stays open: its owner closes
 * it.
 */
public final class StreamkitPlatform implements AutoCloseable {

  /** Keeps a data directory's node id across restarts, so the queue can hand back what it held at a crash. */
  public static final String NODE_ID_FILE = "node-id";

  private final Builder config;
  private StreamkitStore store;
  private boolean ownsStore;
  private IngestWorkers workers;
  private OriginServer origin;

  private StreamkitPlatform(Builder config) {
    this.config = config;
  }

  /** A new builder; {@link Builder#dataDirectory} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the store (unless one was given), starts the ingest workers and the origin. If any part fails, the parts
   * already started are stopped again before the failure is thrown.
   *
   * @return this platform, for try-with-resources
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
      IngestJobQueue queue = IngestJobQueue.in(store);
      if (config.workers > 0) {
        IngestWorkers.Builder w = IngestWorkers.builder().store(store).queue(queue).dataDirectory(config.dataDirectory)
            .workers(config.workers).node(config.nodeId != null ? config.nodeId : nodeId(config.dataDirectory));
        if (config.ladder != null) {
          w.ladder(config.ladder);
        }
        if (config.preset != null) {
          w.preset(config.preset);
        }
        workers = w.build().start();
      }
      OriginServer.Builder o = OriginServer.builder().dataDirectory(config.dataDirectory).store(store);
      if (config.verifier != null) {
        o.tokenVerifier(config.verifier);
      } else {
        o.withoutTokens();
      }
      if (config.meterRegistry != null) {
        o.meterRegistry(config.meterRegistry);
      }
      if (config.adminKey != null) {
        o.adminKey(config.adminKey);
        ManagementApi.Builder api = ManagementApi.builder().store(store).queue(queue).workers(workers)
            .dataDirectory(config.dataDirectory).maxUploadBytes(config.maxUploadBytes).tokenSigner(config.signer)
            .publicBaseUrl(config.publicBaseUrl);
        config.managementApi.accept(api);
        o.managementApi(api.build());
      }
      config.origin.accept(o);
      origin = o.build().start();
      return this;
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** The store behind the catalog, progress, events and job queue. */
  public StreamkitStore store() {
    return store;
  }

  /** The origin: its port, meter registry and graceful stop. */
  public OriginServer origin() {
    return origin;
  }

  /** The port the origin listens on (the one chosen when {@code port(0)} was asked for). */
  public int port() {
    return origin.port();
  }

  /** Blocks until the platform has been closed. */
  public void awaitClose() throws InterruptedException {
    origin.awaitClose();
  }

  /** Stops the origin, then the workers, then the store (unless the application passed it in). Idempotent. */
  @Override
  public void close() {
    try {
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

  /** What to start; every setter checks its value at once and names the limit it breaks. */
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
    private String nodeId;
    private long maxUploadBytes = ManagementApi.DEFAULT_MAX_UPLOAD_BYTES;
    private String publicBaseUrl;
    private Consumer<OriginServer.Builder> origin = o -> { };
    private Consumer<ManagementApi.Builder> managementApi = a -> { };

    private Builder() {}

    /** Titles, uploads, the node id and, by default, the embedded H2 database live here (created if missing). */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath();
      return this;
    }

    /** The application's own store; the platform uses it and leaves it open. Excludes dataSource and jdbcUrl. */
    public Builder store(StreamkitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The application's own connection pool (PostgreSQL or H2); the platform migrates its tables, never closes it. */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** A database by URL ({@code jdbc:postgresql:...}); the platform opens and closes its pool. */
    public Builder jdbcUrl(String jdbcUrl) {
      this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      return this;
    }

    /** The application's Micrometer registry for the origin's meters (default: a Prometheus one at /metrics). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /**
     * The admin key (at least 16 characters): the one credential for the management API, the analytics endpoints
     * and {@code /metrics}. Without it the management API is off.
     */
    public Builder adminKey(String adminKey) {
      if (adminKey == null || adminKey.length() < 16) {
        throw new IllegalArgumentException("admin key must be at least 16 characters, got "
            + (adminKey == null ? "none" : adminKey.length()));
      }
      this.adminKey = adminKey;
      return this;
    }

    /** Signs and checks playback tokens with one HS256 secret of at least 32 bytes. */
    public Builder hs256Secret(byte[] secret) {
      return tokenSigner(PlaybackTokenSigner.hs256(secret))
          .tokenVerifier(PlaybackTokenVerifier.builder().hs256(secret).build());
    }

    /** Signs the tokens {@code POST /api/titles/{id}/playback} hands out; without it that endpoint answers 501. */
    public Builder tokenSigner(PlaybackTokenSigner signer) {
      this.signer = Objects.requireNonNull(signer, "tokenSigner");
      return this;
    }

    /** Checks playback tokens on every title request and viewer call. */
    public Builder tokenVerifier(PlaybackTokenVerifier verifier) {
      this.verifier = Objects.requireNonNull(verifier, "tokenVerifier");
      return this;
    }

    /** Serves titles without tokens: only for an application that gates access in front of the origin. */
    public Builder withoutTokens() {
      this.tokensOff = true;
      return this;
    }

    /** Ingest workers on this node, 0 to {@value IngestWorkers#MAX_WORKERS}; 0 leaves transcoding to other nodes. */
    public Builder workers(int workers) {
      if (workers < 0 || workers > IngestWorkers.MAX_WORKERS) {
        throw new IllegalArgumentException("workers must be between 0 and " + IngestWorkers.MAX_WORKERS + ", got "
            + workers);
      }
      this.workers = workers;
      return this;
    }

    /** The ladder the workers plan renditions from (default: the ingest workers' default). */
    public Builder ladder(Ladder ladder) {
      this.ladder = Objects.requireNonNull(ladder, "ladder");
      return this;
    }

    /** The x264 preset the workers encode with (default: the ingest workers' default). */
    public Builder preset(String preset) {
      this.preset = Objects.requireNonNull(preset, "preset");
      return this;
    }

    /** This node's id in the shared job queue (default: made once and kept in the data directory). */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /** The largest upload the management API takes; see {@link ManagementApi.Builder#maxUploadBytes}. */
    public Builder maxUploadBytes(long maxUploadBytes) {
      this.maxUploadBytes = maxUploadBytes;
      return this;
    }

    /** Makes the URLs in playback responses absolute, e.g. {@code https://video.example.com}. */
    public Builder publicBaseUrl(String url) {
      this.publicBaseUrl = url;
      return this;
    }

    /** Further origin settings: host, port, TLS, limits, timeouts, I/O threads. */
    public Builder origin(Consumer<OriginServer.Builder> settings) {
      this.origin = Objects.requireNonNull(settings, "origin");
      return this;
    }

    /** Further management API settings: body stall timeout, unfinished upload retention. */
    public Builder managementApi(Consumer<ManagementApi.Builder> settings) {
      this.managementApi = Objects.requireNonNull(settings, "managementApi");
      return this;
    }

    /**
     * Checks that the settings fit together.
     *
     * @throws IllegalArgumentException naming the contradiction or the missing setting
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
      if (maxUploadBytes < 1 || maxUploadBytes > ManagementApi.MAX_UPLOAD_BYTES) {
        throw new IllegalArgumentException("max upload bytes must be between 1 and " + ManagementApi.MAX_UPLOAD_BYTES
            + ", got " + maxUploadBytes);
      }
      return new StreamkitPlatform(this);
    }
  }
}
