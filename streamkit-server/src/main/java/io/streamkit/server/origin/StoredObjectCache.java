package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.OpenedObject;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's bounded local disk cache of stored objects: an object a request needs is fetched from the
 * {@link MediaStorage} once, streamed into a temporary file and renamed in, and from then on served from disk through
 * the same zero-copy path as a local title's files.
 *
 * <p>Design. A Caffeine {@link AsyncCache} of futures keyed by storage key ("asynchronous population"): requests for an
 * object whose fetch is under way wait for that same future, so a hot segment is read from storage once however many
 * players ask for it at the same moment. A fetch runs on the storage executor, never on an event loop: a {@code stat}
 * for the object's size and validators, a streamed read into {@code tmp/} through a {@value #COPY_BUFFER_BYTES}-byte
 * buffer (no object is ever held in memory whole), the byte count checked against the stat, then an atomic rename into
 * {@code objects/}. The buffer is filled before each write, whatever a read of the storage's stream returns (what the
 * network has delivered, however little): Linux's page cache keeps a file in folios about as large as the writes that
 * made it, and every {@code sendfile} of it looks them up one by one, so a file written in writes of 64 KiB and more
 * costs its server less per response than one written a few KiB at a time (benchmarks/README.md, "Segments written in
 * large writes"). File names are unique per fetch, so the file deleted for an evicted entry is never one that a newer
 * fetch of the same key wrote.
 *
 * <p>The cache is bounded by bytes: a weigher in KiB against {@code maximumWeight}, W-TinyLFU eviction keeping the
 * objects being watched (a scan through a title cannot flush them). The removal listener deletes an evicted entry's
 * file on the executor after {@link #DELETE_GRACE}, so that requests handed the entry just before it went can still
 * open it; a player already receiving the file is unaffected either way (on POSIX systems an unlinked file's bytes
 * stay readable through the descriptor already open). So the directory may exceed the limit by the objects evicted
 * in the last {@link #DELETE_GRACE} and by what fetches under way have written so far (only completed objects are
 * weighed); an object larger than the whole cache is refused (it would be evicted as it arrived).
 *
 * <p>Restart. Objects of a title version never change, so the files could be kept, but their validators (the
 * storage's ETag and time) would have to be kept beside them; instead the cache is emptied when it opens. A marker
 * file, {@value #MARKER}, names a directory as a StreamKit cache (a non-empty directory without it is refused, never
 * emptied) and is locked while the origin runs, so two origins never share, and empty, one directory.
 */
final class StoredObjectCache implements AutoCloseable {

  /** Marks a directory as a cache this class may empty, and is locked by the origin using it. */
  static final String MARKER = ".streamkit-cache";
  static final String OBJECTS = "objects";
  static final String TEMPORARY = "tmp";
  static final int COPY_BUFFER_BYTES = 256 * 1024;
  /**
   * How long an evicted object's file outlives its entry, so that requests handed the entry just before can still
   * open it. W-TinyLFU may turn away an object the moment it arrives (a newcomer that is asked for less often than
   * what it would displace); the players waiting for that fetch must still be served.
   */
  static final Duration DELETE_GRACE = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(StoredObjectCache.class);

  /**
   * An object in the disk cache, with the validators its responses carry: the same on every origin, since they
   * come from the stored object and not from the local copy.
   *
   * @param key the storage key
   * @param file the local copy, complete
   * @param size its length in bytes
   * @param etag the {@code ETag} header value, quoted
   * @param lastModified the {@code Last-Modified} header value
   * @param modifiedMillis the stored object's time, for {@code If-Modified-Since}
   * @param attributes the local copy's attributes, read once when it arrived
   */
  record CachedObject(String key, Path file, long size, String etag, String lastModified, long modifiedMillis,
      BasicFileAttributes attributes) {}

  /**
   * How a fetch ended, as the cache keeps it: the object, or the failure. A failed fetch must not complete its
   * future exceptionally, because Caffeine logs every such completion with a stack trace; it completes with a
   * {@code Fetched} that holds the failure, and the first request to see it removes the entry so that the next one
   * fetches again. No such object completes the future with {@code null}, which Caffeine removes silently.
   *
   * @param object the object, or null after a failure
   * @param answer what requests get: completed with {@code object}, or exceptionally with the failure
   */
  private record Fetched(CachedObject object, CompletableFuture<CachedObject> answer) {

    static Fetched of(CachedObject object) {
      return new Fetched(object, CompletableFuture.completedFuture(object));
    }

    static Fetched failed(RuntimeException failure) {
      return new Fetched(null, CompletableFuture.failedFuture(failure));
    }
  }

  private static final CompletableFuture<CachedObject> NO_SUCH_OBJECT = CompletableFuture.completedFuture(null);

  private final MediaStorage storage;
  private final Path objects;
  private final Path temporary;
  private final long maxBytes;
  private final Executor executor;
  private final Executor quietExecutor;
  private final OriginMetrics metrics;
  private final BiConsumer<String, CachedObject> onFetched;
  private final FileChannel lockChannel;
  private final AsyncCache<String, Fetched> entries;
  private final AtomicLong names = new AtomicLong();
  private final AtomicLong bytesOnDisk = new AtomicLong();
  private final AtomicInteger pendingFetches = new AtomicInteger();
  private final int maxPendingFetches;

  /**
   * Opens (and empties) the cache in {@code directory}.
   *
   * @param executor runs fetches; {@code quietExecutor}, the same threads, Caffeine's maintenance and deletions, and
   *     drops what arrives once the origin is stopping instead of throwing (Caffeine would log that with a stack
   *     trace)
   * @param onFetched called on the executor with each object that has just arrived, e.g. to parse a playlist there
   * @throws IllegalArgumentException if the directory holds something else, or cannot be made or emptied
   * @throws IllegalStateException if another origin uses the directory
   */
  StoredObjectCache(MediaStorage storage, Path directory, long maxBytes, Executor executor, Executor quietExecutor,
      int maxPendingFetches, OriginMetrics metrics, BiConsumer<String, CachedObject> onFetched) {
    this.storage = storage;
    this.maxBytes = maxBytes;
    this.executor = executor;
    this.quietExecutor = quietExecutor;
    this.maxPendingFetches = maxPendingFetches;
    this.metrics = metrics;
    this.onFetched = onFetched;
    this.lockChannel = claim(directory);
    try {
      this.objects = emptied(directory.resolve(OBJECTS));
      this.temporary = emptied(directory.resolve(TEMPORARY));
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
    this.entries = Caffeine.newBuilder()
        .maximumWeight(Math.max(1, maxBytes / 1024))
        .weigher((String key, Fetched fetched) -> fetched.object() == null ? 1
            : (int) Math.min(Integer.MAX_VALUE, Math.max(1, (fetched.object().size() + 1023) / 1024)))
        .executor(quietExecutor)
        .removalListener(this::removed)
        .buildAsync();
    metrics.gaugeCacheBytes(bytesOnDisk);
  }

  /**
   * The object at {@code key}, from the disk cache, fetched first if it is not there. Completes at once for an
   * object in the cache; with {@code null} when the storage has no such object; exceptionally with a
   * {@link StorageException} when the storage or the disk fails.
   */
  CompletableFuture<CachedObject> get(String key) {
    CompletableFuture<Fetched> entry = entries.getIfPresent(key);
    if (entry == null) {
      entry = entries.get(key, (k, cacheExecutor) -> startFetch(k));
    }
    if (entry.isDone()) {
      return answer(key, entry);
    }
    CompletableFuture<Fetched> fetching = entry;
    return entry.thenCompose(fetched -> answer(key, fetching));
  }

  private CompletableFuture<CachedObject> answer(String key, CompletableFuture<Fetched> entry) {
    Fetched fetched = entry.join();
    if (fetched == null) {
      return NO_SUCH_OBJECT;
    }
    if (fetched.object() == null) {
      entries.asMap().remove(key, entry);
    }
    return fetched.answer();
  }

  /** Drops an entry whose file has gone (deleted behind the cache's back), unless it was replaced already. */
  void forget(CachedObject stale) {
    entries.asMap().computeIfPresent(stale.key(), (key, entry) -> entry.isDone() && entry.join() != null
        && entry.join().object() == stale ? null : entry);
  }

  /** {@return bytes of completed objects on disk} */
  long bytesOnDisk() {
    return bytesOnDisk.get();
  }

  private CompletableFuture<Fetched> startFetch(String key) {
    if (pendingFetches.incrementAndGet() > maxPendingFetches) {
      pendingFetches.decrementAndGet();
      return CompletableFuture.completedFuture(Fetched.failed(new StorageException(maxPendingFetches
          + " fetches from the media storage are already waiting; it is slower than the requests arrive", null)));
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          CachedObject object = fetch(key);
          return object == null ? null : Fetched.of(object);
        } catch (RuntimeException e) {
          return Fetched.failed(e);
        } finally {
          pendingFetches.decrementAndGet();
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      pendingFetches.decrementAndGet();
      return CompletableFuture.completedFuture(Fetched.failed(new StorageException("the origin is stopping", e)));
    }
  }

  /**
   * On the executor: one GET (its answer names the object's length, validator and time), streamed into a temporary
   * file, the length checked, renamed in.
   */
  private CachedObject fetch(String key) {
    String name = Long.toString(names.incrementAndGet(), 36);
    Path part = temporary.resolve(name + ".part");
    long copied = 0;
    try {
      StoredObject object;
      try (OpenedObject opened = storage.open(key)) {
        object = opened.object();
        if (object.size() > maxBytes) {
          throw new StorageException(storage.describe(key) + " is " + object.size() + " bytes, more than the whole"
              + " disk cache (" + maxBytes + " bytes); raise the cache's maximum size (--cache-max-bytes)", null);
        }
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          byte[] buffer = new byte[COPY_BUFFER_BYTES];
          InputStream in = opened.content();
          for (int n = COPY_BUFFER_BYTES; n == COPY_BUFFER_BYTES; ) {
            n = in.readNBytes(buffer, 0, COPY_BUFFER_BYTES);
            out.write(buffer, 0, n);
            copied += n;
          }
        }
      }
      if (copied != object.size()) {
        throw new StorageException("reading " + storage.describe(key) + " gave " + copied + " bytes where the storage"
            + " announced " + object.size(), null);
      }
      Path file = objects.resolve(name);
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
      part = file;
      long modified = object.lastModified().toEpochMilli();
      CachedObject cached = new CachedObject(key, file, object.size(), quoted(object), HttpDates.format(modified),
          modified, Files.readAttributes(file, BasicFileAttributes.class));
      bytesOnDisk.addAndGet(cached.size());
      metrics.fetched(OriginMetrics.FETCH_OK, copied);
      prepare(cached);
      return cached;
    } catch (StorageException e) {
      deleteQuietly(part);
      if (e.missing()) {
        metrics.fetched(OriginMetrics.FETCH_MISSING, 0);
        return null;
      }
      metrics.fetched(OriginMetrics.FETCH_FAILED, copied);
      throw e;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(part);
      metrics.fetched(OriginMetrics.FETCH_FAILED, copied);
      throw new StorageException("cannot copy " + storage.describe(key) + " into the disk cache (" + copied
          + " bytes arrived): " + e, e);
    }
  }

  /** Lets the owner prepare a new arrival (parse a playlist, say); a failure there only costs that preparation. */
  private void prepare(CachedObject cached) {
    try {
      onFetched.accept(cached.key(), cached);
    } catch (RuntimeException e) {
      LOG.debug("preparing {} after its fetch failed", cached.key(), e);
    }
  }

  /**
   * The stored object's own validator as an entity tag (RFC 9110 section 8.8.3): the same on every origin. One
   * with characters an entity tag cannot carry is replaced by the object's size and time, as for local files.
   */
  static String quoted(StoredObject object) {
    String etag = object.etag();
    boolean valid = !etag.isEmpty();
    for (int i = 0; i < etag.length() && valid; i++) {
      char c = etag.charAt(i);
      valid = c > 0x20 && c < 0x7f && c != '"';
    }
    return valid ? '"' + etag + '"'
        : '"' + Long.toHexString(object.lastModified().getEpochSecond()) + '-' + Long.toHexString(object.size()) + '"';
  }

  private void removed(String key, Fetched fetched, RemovalCause cause) {
    if (fetched == null || fetched.object() == null) {
      return;
    }
    CachedObject object = fetched.object();
    if (cause.wasEvicted()) {
      metrics.evicted();
    }
    Runnable delete = () -> {
      deleteQuietly(object.file());
      bytesOnDisk.addAndGet(-object.size());
    };
    try {
      CompletableFuture.runAsync(delete, CompletableFuture.delayedExecutor(DELETE_GRACE.toMillis(),
          TimeUnit.MILLISECONDS, quietExecutor));
    } catch (RejectedExecutionException stopping) {
      // The origin is stopping; the next start empties the directory.
    }
  }

  /** Creates the marker or finds it, and locks it for as long as this cache is open. */
  private static FileChannel claim(Path directory) {
    Path marker = directory.resolve(MARKER);
    try {
      Files.createDirectories(directory);
      if (!Files.exists(marker)) {
        try (Stream<Path> entries = Files.list(directory)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException("cache directory " + directory + " is not empty and is not a StreamKit"
                + " cache (it has no " + MARKER + " file); give an empty or new directory, which the origin empties"
                + " at every start");
          }
        }
        Files.writeString(marker, "StreamKit origin disk cache: emptied at every start of the origin using it\n",
            StandardCharsets.UTF_8);
      }
      FileChannel channel = FileChannel.open(marker, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("cache directory " + directory + " is in use by another running origin; give"
            + " each origin a directory of its own");
      }
      return channel;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use " + directory + " as the disk cache: " + e.getMessage(), e);
    }
  }

  private static Path emptied(Path directory) {
    try {
      if (Files.exists(directory)) {
        try (Stream<Path> paths = Files.walk(directory)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      return Files.createDirectories(directory);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException("cannot empty the disk cache directory " + directory + ": " + e.getMessage(),
          e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {} from the disk cache: {}", file, e.getMessage());
    }
  }

  /** Releases the directory; the files stay until the next start empties them. */
  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("closing the cache lock failed", e);
    }
  }
}
