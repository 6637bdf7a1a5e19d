package io.streamkit.server.origin;

import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.title.Title;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.hls.ingest.IngestWorkers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's management API: uploads (whole-body and tus 1.0 resumable), titles, moderation and playback tokens,
 * under {@code /api/titles} and {@code /api/uploads}, for callers with a role that allows each endpoint: the origin's
 * admin key ({@link OriginServer.Builder#adminKey}, the {@code admin} role), an account's API key, or an OIDC access
 * token ({@link OriginServer.Builder#oidc}). See {@code docs/openapi.yaml}.
 *
 * <p>Give it to {@link OriginServer.Builder#managementApi}; the origin serves it beside the viewer API, running
 * every database call and file operation on its API executor. Immutable once built.
 */
public final class ManagementApi {

  /** Largest upload, in bytes, unless {@link Builder#maxUploadBytes} says otherwise: 10 GiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L << 30;
  /** One pebibyte: far beyond any video, small enough that byte counts never overflow. */
  public static final long MAX_UPLOAD_BYTES = 1L << 50;
  /** Lifetime of a token from {@code POST /api/titles/{id}/playback} when the request gives no {@code ttlSeconds}. */
  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
  /** Longest {@code ttlSeconds} a playback request may ask for; a longer one is answered 400. */
  public static final Duration MAX_TOKEN_TTL = Duration.ofDays(7);
  /** JSON request bodies (reject reasons, playback requests) are small; anything larger is answered 413. */
  public static final int MAX_JSON_BODY_BYTES = 64 * 1024;
  static final String INCOMING_PREFIX = ".incoming-";
  static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);
  /** How long an unfinished resumable upload is kept after its last byte arrived (tus expiration extension). */
  public static final Duration DEFAULT_UNFINISHED_UPLOAD_RETENTION = Duration.ofHours(24);
  /** How long an upload body may go without a byte before the connection is closed (nginx client_body_timeout). */
  public static final Duration DEFAULT_BODY_STALL_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);

  final StreamkitStore store;
  final IngestJobQueue queue;
  final IngestWorkers workers;
  final Path dataDirectory;
  final MediaStorage storage;
  final Path uploads;
  final TusUploads tus;
  final long maxUploadBytes;
  final PlaybackTokenSigner signer;
  final String publicBaseUrl;
  final Duration bodyStallTimeout;
  final Duration unfinishedUploadRetention;
  final boolean editorsMayPublish;
  final boolean viewerGrants;

  private ManagementApi(Builder b) {
    this.store = b.store;
    this.queue = b.queue != null ? b.queue : IngestJobQueue.in(b.store);
    this.workers = b.workers;
    this.dataDirectory = b.dataDirectory;
    this.storage = b.storage;
    this.uploads = b.dataDirectory.resolve(IngestWorkers.UPLOADS);
    this.tus = new TusUploads(uploads.resolve("tus"), b.unfinishedUploadRetention, Clock.systemUTC());
    this.maxUploadBytes = b.maxUploadBytes;
    this.signer = b.signer;
    this.publicBaseUrl = b.publicBaseUrl;
    this.bodyStallTimeout = b.bodyStallTimeout;
    this.unfinishedUploadRetention = b.unfinishedUploadRetention;
    this.editorsMayPublish = b.editorsMayPublish;
    this.viewerGrants = b.viewerGrants;
    discardIncomplete();
    tus.removeExpired();
  }

  /**
   * Admits a local file as an upload: a title in the catalog (status {@code UPLOADED}), the file moved into place
   * (or copied to the storage and deleted) and its transcode queued, exactly as an upload through the API. A live
   * event's recording enters the catalog this way.
   *
   * @param file the source video; moved or deleted on success, left where it was on failure
   * @param name the title's name, validated as the catalog does
   * @param description the title's description, may be empty
   * @return the new title
   * @throws io.streamkit.core.InvalidValueException if the name or description is not valid
   * @throws IOException if the file cannot be moved into place
   */
  public Title ingest(Path file, String name, String description) throws IOException {
    return admit(file, Title.checkName(name), Title.checkDescription(description), null);
  }

  /**
   * Turns a complete upload into a title: catalog row, source moved into place, ingest job queued with {@code ladder}
   * (a {@link io.streamkit.abr.ladder.Ladder#preset} name, or {@code null} for the workers' default). All or
   * nothing: on a failure the row is removed and the file is back where it was, for the caller to keep or delete.
   */
  Title admit(Path file, String name, String description, String ladder) throws IOException {
    if (storage != null) {
      return admitToStorage(file, name, description, ladder);
    }
    Title title = store.catalog().create(name, description);
    Path source = IngestWorkers.sourceFile(dataDirectory, title.id());
    try {
      Files.move(file, source, StandardCopyOption.ATOMIC_MOVE);
      try {
        queue.enqueue(title.id(), source.toString(), ladder);
      } catch (RuntimeException e) {
        Files.move(source, file, StandardCopyOption.ATOMIC_MOVE);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      store.catalog().delete(title.id());
      throw e;
    }
    LOG.info("title {} uploaded ({} bytes): queued for transcoding", title.id(), Files.size(source));
    return title;
  }

  /**
   * As {@link #admit}, with the source copied to the storage ({@code sources/<id>}) so a worker on any node can read
   * it; the local file is deleted once the job is queued.
   */
  private Title admitToStorage(Path file, String name, String description, String ladder) throws IOException {
    Title title = store.catalog().create(name, description);
    String source = IngestWorkers.sourceKey(title.id());
    long size = Files.size(file);
    try {
      storage.put(source, file);
      try {
        queue.enqueue(title.id(), source, ladder);
      } catch (RuntimeException e) {
        storage.delete(source);
        throw e;
      }
    } catch (RuntimeException e) {
      store.catalog().delete(title.id());
      throw e;
    }
    Files.deleteIfExists(file);
    LOG.info("title {} uploaded ({} bytes) to {}: queued for transcoding", title.id(), size,
        storage.describe(source));
    return title;
  }

  /** {@return a new builder; {@code store} and {@code dataDirectory} are required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whole-body uploads cut off by a crash leave {@code .incoming-*} files that can never complete. Only those idle for
   * {@link #ABANDONED_AFTER} go: a node sharing this directory may be receiving one right now.
   */
  private void discardIncomplete() {
    try {
      Files.createDirectories(uploads);
      FileTime cutoff = FileTime.from(
          Instant.now().minus(ABANDONED_AFTER));
      try (Stream<Path> files = Files.list(uploads)) {
        for (Path file : files.filter(f -> f.getFileName().toString().startsWith(INCOMING_PREFIX)).toList()) {
          if (Files.getLastModifiedTime(file).compareTo(cutoff) < 0) {
            Files.deleteIfExists(file);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the upload directory " + uploads + ": " + e.getMessage(), e);
    }
  }

  /** Configuration; every setter checks its value at once. Not thread-safe: configure it on one thread. */
  public static final class Builder {
    private StreamkitStore store;
    private IngestJobQueue queue;
    private IngestWorkers workers;
    private Path dataDirectory;
    private MediaStorage storage;
    private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
    private PlaybackTokenSigner signer;
    private String publicBaseUrl;
    private Duration bodyStallTimeout = DEFAULT_BODY_STALL_TIMEOUT;
    private Duration unfinishedUploadRetention = DEFAULT_UNFINISHED_UPLOAD_RETENTION;
    private boolean editorsMayPublish;
    private boolean viewerGrants;

    private Builder() {}

    /**
     * Lets accounts with the {@code editor} role publish and unpublish titles, for teams without a separate
     * moderation step. Rejecting stays with moderators and admins.
     *
     * @param allowed default {@code false}: only {@code moderator} and {@code admin} publish
     * @return this builder
     */
    public Builder editorsMayPublish(boolean allowed) {
      this.editorsMayPublish = allowed;
      return this;
    }

    /**
     * Lets a viewer exchange their playback token for a token for another title
     * ({@code POST /api/catalog/{id}/playback}), with the same viewer and limits, for every title the catalog lists to
     * that viewer: what the browse page needs to play what it shows. Leave it off where each title is sold or granted
     * separately and the application alone decides which titles a viewer may open.
     *
     * @param allowed default {@code false}: only the management API signs playback tokens
     * @return this builder
     */
    public Builder viewerGrants(boolean allowed) {
      this.viewerGrants = allowed;
      return this;
    }

    /**
     * How long an unfinished resumable upload is kept after its last byte arrived; after that it is deleted and its
     * client must start again. Responses carry the deadline as {@code Upload-Expires} (tus expiration extension).
     *
     * @param retention 1 minute to 30 days; default {@link #DEFAULT_UNFINISHED_UPLOAD_RETENTION} (24 h)
     * @return this builder
     * @throws IllegalArgumentException if {@code retention} is null or outside that range
     */
    public Builder unfinishedUploadRetention(Duration retention) {
      if (retention == null || retention.toMinutes() < 1 || retention.toDays() > 30) {
        throw new IllegalArgumentException("unfinished upload retention must be between 1 minute and 30 days, got "
            + retention);
      }
      this.unfinishedUploadRetention = retention;
      return this;
    }

    /**
     * The catalog titles are created in and moved through (required).
     *
     * @param store an open store, closed by its owner after the origin
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder store(StreamkitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The queue a completed upload's ingest job goes to. Pass the object this process's workers claim from
     * ({@link IngestWorkers.Builder#queue}): a job queued through it starts at once on an idle worker, where one
     * queued through another object waits for the workers' next poll.
     *
     * @param queue default: {@code IngestJobQueue.in(store)}, the queue in the store's database
     * @return this builder
     * @throws NullPointerException if {@code queue} is null
     */
    public Builder queue(IngestJobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * This node's workers, so deleting a title stops its transcode here at once rather than at the next lease
     * renewal.
     *
     * @param workers the workers running on this node, or {@code null} (default) when none do
     * @return this builder
     */
    public Builder workers(IngestWorkers workers) {
      this.workers = workers;
      return this;
    }

    /**
     * The data directory (required), the same one the workers and the origin use: uploads are written under its
     * {@code uploads/}, and titles deleted from its {@code titles/}.
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
     * Keeps sources and titles in a storage (S3, say) instead of the data directory, as the workers do
     * ({@link IngestWorkers.Builder#storage}): a finished upload is copied to {@code sources/<id>} in the storage
     * before its job is queued, and deleting a title removes its objects. Uploads in progress still collect in the
     * data directory's {@code uploads/}, on the node that receives them.
     *
     * @param storage the storage the workers and the origin use
     * @return this builder
     * @throws NullPointerException if {@code storage} is null
     */
    public Builder storage(MediaStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * The largest upload taken. A larger one is answered 413 Content Too Large (RFC 9110 section 15.5.14): before a
     * byte is written when {@code Content-Length} or {@code Upload-Length} says so, else as soon as the body passes
     * the limit, and no file is left behind.
     *
     * @param maxUploadBytes 1 to {@link #MAX_UPLOAD_BYTES} (1 PiB); default {@link #DEFAULT_MAX_UPLOAD_BYTES} (10 GiB)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxUploadBytes} is outside that range
     */
    public Builder maxUploadBytes(long maxUploadBytes) {
      if (maxUploadBytes < 1 || maxUploadBytes > MAX_UPLOAD_BYTES) {
        throw new IllegalArgumentException("max upload bytes must be between 1 and " + MAX_UPLOAD_BYTES + ", got "
            + maxUploadBytes);
      }
      this.maxUploadBytes = maxUploadBytes;
      return this;
    }

    /**
     * Signs playback tokens for {@code POST /api/titles/{id}/playback}; without it that endpoint answers 501.
     *
     * @param signer the signer, e.g. {@code PlaybackTokenSigner.hs256(secret)}, or {@code null} (default) for none
     * @return this builder
     */
    public Builder tokenSigner(PlaybackTokenSigner signer) {
      this.signer = signer;
      return this;
    }

    /**
     * Makes the URLs in playback responses absolute, for a player on another origin or behind a CDN.
     *
     * @param url {@code http(s)://host[:port][/path]}, e.g. {@code https://video.example.com}; trailing slashes are
     *     dropped; default {@code null}: URLs relative to this origin
     * @return this builder
     * @throws IllegalArgumentException if {@code url} does not have that form
     */
    public Builder publicBaseUrl(String url) {
      if (url != null && !url.matches("https?://[^\\s/]+(/[^\\s]*)?")) {
        throw new IllegalArgumentException("public base URL must look like https://host[:port][/path], got " + url);
      }
      this.publicBaseUrl = url == null ? null : url.replaceAll("/+$", "");
      return this;
    }

    /**
     * Closes a connection whose request body has not advanced for this long (like nginx's
     * {@code client_body_timeout}); a whole-body upload's file is deleted, a resumable upload keeps what arrived.
     *
     * @param timeout 100 ms to 1 h; default {@link #DEFAULT_BODY_STALL_TIMEOUT} (60 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is null or outside that range
     */
    public Builder bodyStallTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 100 || timeout.toHours() > 1) {
        throw new IllegalArgumentException("body stall timeout must be between 100 ms and 1 h, got " + timeout);
      }
      this.bodyStallTimeout = timeout;
      return this;
    }

    /**
     * Makes the API and tidies its upload directory: creates it if missing, deletes partial whole-body uploads idle
     * for ten minutes (cut off by a crash) and resumable uploads past their retention.
     *
     * @return the API, to give to {@link OriginServer.Builder#managementApi}
     * @throws IllegalArgumentException if {@code store} or {@code dataDirectory} is not set
     * @throws java.io.UncheckedIOException if the upload directory cannot be created or read
     */
    public ManagementApi build() {
      if (store == null || dataDirectory == null) {
        throw new IllegalArgumentException("the management API needs store(...) and dataDirectory(...)");
      }
      return new ManagementApi(this);
    }
  }
}
