package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.TitleVersions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Titles served from a {@link MediaStorage} instead of the data directory: the read path of an origin started with
 * {@code OriginServer.Builder.storage}. A request for {@code /titles/<id>/<path>} becomes the storage key
 * {@code titles/<id>/<version>/<path>}, the version being the one the title's pointer names now
 * ({@link TitlePointers}); the object comes from the bounded disk cache ({@link StoredObjectCache}), fetched into it
 * on first use, and the handlers then serve the cached file exactly as they serve a local one. Everything here that
 * waits for the storage runs on this class's executor; the handlers get futures and continue on their event loop.
 *
 * <p>Failures: a title without a pointer, or a version without the object, is "no such file" (404, like a missing
 * local title). A storage that fails, or does not answer within {@link #WAIT_TIMEOUT}, gets the request a 503 with
 * {@code Retry-After} and a one-line log entry; the lines are limited to one per {@link #LOG_INTERVAL}, the ones
 * left out counted in the next, so a storage outage under load cannot flood the log.
 */
final class StoredTitles implements AutoCloseable {

  /** Threads that wait for the storage: fetches, pointer reads, cache file deletions. */
  static final int THREADS = 16;
  /** Fetches waiting or running at once; beyond it a request for one more object gets a 503 at once. */
  static final int MAX_PENDING_FETCHES = 1_000;
  /** How long a request waits for the storage before it is answered 503 (the fetch itself carries on). */
  static final Duration WAIT_TIMEOUT = Duration.ofSeconds(15);
  static final Duration LOG_INTERVAL = Duration.ofSeconds(1);
  /**
   * Listed at start to check that the storage answers, the bucket exists and the credentials may list it: a directory
   * no title uses, so the listing is one request however many objects the storage holds.
   */
  static final String START_CHECK_DIRECTORY = RequestDecoder.TITLES + "/streamkit-origin-start-check";
  private static final Logger LOG = LoggerFactory.getLogger(StoredTitles.class);

  private final MediaStorage storage;
  private final ThreadPoolExecutor executor;
  private final Executor quietExecutor;
  private final TitlePointers pointers;
  private final StoredObjectCache cache;
  private final long cacheMaxBytes;
  private final Path cacheDirectory;
  private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
  private final AtomicInteger unlogged = new AtomicInteger();

  private StoredTitles(MediaStorage storage, Path cacheDirectory, long cacheMaxBytes, PlaylistCache playlists,
      OriginMetrics metrics, Ticker ticker) {
    this.storage = storage;
    this.cacheDirectory = cacheDirectory;
    this.cacheMaxBytes = cacheMaxBytes;
    AtomicInteger count = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "streamkit-storage-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    this.quietExecutor = task -> {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException stopping) {
        LOG.debug("dropped storage housekeeping while stopping");
      }
    };
    try {
      this.cache = new StoredObjectCache(storage, cacheDirectory, cacheMaxBytes, executor, quietExecutor,
          MAX_PENDING_FETCHES, metrics, (key, object) -> {
            // Parsed here, off the event loop, so the first playlist or manifest request finds the template ready.
            if (key.endsWith(".m3u8") || key.endsWith(".mpd")
                || key.endsWith("/" + StoryboardHandler.INDEX)) {
              playlists.get(object.file(), object.attributes());
            }
          });
    } catch (RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
    this.pointers = new TitlePointers(new TitleVersions(storage), quietExecutor, ticker,
        e -> logFailure("cannot refresh a title's version (serving the last known one): " + e.getMessage()));
  }

  /**
   * Checks that the storage answers, then opens the disk cache (emptying it).
   *
   * @throws IllegalStateException if the storage cannot be listed, or another origin uses the cache directory
   * @throws IllegalArgumentException if the cache directory holds something else or cannot be made
   */
  static StoredTitles open(MediaStorage storage, Path cacheDirectory, long cacheMaxBytes, PlaylistCache playlists,
      OriginMetrics metrics) {
    try {
      storage.list(START_CHECK_DIRECTORY);
    } catch (StorageException e) {
      throw new IllegalStateException("the title storage cannot be used: " + e.getMessage(), e);
    }
    return new StoredTitles(storage, cacheDirectory, cacheMaxBytes, playlists, metrics, Ticker.systemTicker());
  }

  /**
   * The cached object a title request names ({@code titles/<id>/<path>}). Completes at once when the version and
   * the object are cached; with {@code null} when there is no such file; exceptionally when the storage fails or
   * takes longer than {@link #WAIT_TIMEOUT}.
   */
  CompletableFuture<StoredObjectCache.CachedObject> resolve(RequestPath path) {
    if (path.size() < 3 || !path.segment(0).equals(RequestDecoder.TITLES)) {
      return CompletableFuture.completedFuture(null);
    }
    return resolve(path.segment(1), path.join(2));
  }

  /** The master playlist of a title, as {@link #resolve(RequestPath)}. */
  CompletableFuture<StoredObjectCache.CachedObject> masterPlaylist(String titleId) {
    return resolve(titleId, PlaylistHandler.MASTER_PLAYLIST);
  }

  private CompletableFuture<StoredObjectCache.CachedObject> resolve(String titleId, String relative) {
    CompletableFuture<Optional<String>> version = pointers.current(titleId);
    CompletableFuture<StoredObjectCache.CachedObject> object;
    if (version.isDone() && !version.isCompletedExceptionally()) {
      object = object(titleId, version.join(), relative);
    } else {
      object = version.thenCompose(v -> object(titleId, v, relative));
    }
    return object.isDone() ? object : object.copy().orTimeout(WAIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<StoredObjectCache.CachedObject> object(String titleId, Optional<String> version,
      String relative) {
    if (version.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    String key;
    try {
      key = TitleVersions.key(TitlePointers.titleKey(titleId), version.get(), relative);
    } catch (IllegalArgumentException tooLong) {
      return CompletableFuture.completedFuture(null);
    }
    return cache.get(key);
  }

  /**
   * Serves the version a title's pointer names now from its next request on, rather than after
   * {@link TitlePointers#REFRESH_AFTER}: for an edit made through this node's API (other origins follow within that
   * time).
   */
  void versionChanged(String titleId) {
    pointers.invalidate(titleId);
  }

  /** Drops a cached object whose file has vanished, so the next request fetches it again. */
  void forget(StoredObjectCache.CachedObject stale) {
    cache.forget(stale);
  }

  /**
   * Answers a request whose storage lookup failed: a 503 with {@code Retry-After} for a storage failure or timeout,
   * logged as one line; anything else is a defect and goes to the pipeline's error handler.
   */
  void answerFailure(ChannelHandlerContext ctx, OriginMetrics metrics, OriginRequest request, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      logFailure(request.describe() + ": the title storage did not answer within " + WAIT_TIMEOUT.toSeconds() + " s");
    } else if (cause instanceof StorageException) {
      logFailure(request.describe() + ": " + cause.getMessage());
    } else {
      ctx.fireExceptionCaught(cause);
      return;
    }
    Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
        "storage_unavailable", "the media storage did not answer; retry in a few seconds");
  }

  /** One line, at most one per {@link #LOG_INTERVAL}; lines left out are counted in the next. */
  private void logFailure(String message) {
    long now = System.nanoTime();
    long next = nextLogNanos.get();
    if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_INTERVAL.toNanos())) {
      int more = unlogged.getAndSet(0);
      LOG.warn("{}{}", LogText.escape(message), more == 0 ? "" : " (and " + more + " more storage failures since the"
          + " last line)");
    } else {
      unlogged.incrementAndGet();
    }
  }

  /** Where titles come from and where they are cached, for the start line. */
  String describe() {
    return storage.describe(RequestDecoder.TITLES) + " (disk cache " + cacheDirectory + ", at most " + cacheMaxBytes
        + " bytes)";
  }

  /** Stops the fetches (a fetch under way is interrupted and leaves no file) and releases the cache directory. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("storage fetches still running after 10 s; leaving them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cache.close();
  }
}
