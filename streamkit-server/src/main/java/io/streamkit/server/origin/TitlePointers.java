package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.streamkit.core.storage.TitleVersions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The version each stored title shows now, as its pointer object names it ({@link TitleVersions#current}). Every
 * request for a title needs it, and reading the pointer is a storage round trip, so versions come from a Caffeine
 * cache that never blocks an event loop, built as {@link TitleVisibility} is: a version older than
 * {@link #REFRESH_AFTER} is served as it is while a reload runs on the executor ({@code refreshAfterWrite}), so a
 * republication or an unpublication on any node shows on every origin within about that time for a title being
 * played. A version not reloaded for {@link #EXPIRE_AFTER} (nobody asked) is dropped, so the stalest answer an origin
 * can give is that old, and the next request waits for the storage, asynchronously. A title without a pointer is
 * cached as such, so requests for unknown titles do not each cost a round trip. A reload that fails keeps the last
 * known version (its objects are immutable, and the disk cache may hold them) and is reported to
 * {@code refreshFailed}. Bounded to {@link #MAX_TITLES} titles (W-TinyLFU eviction).
 */
final class TitlePointers {

  static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  static final Duration EXPIRE_AFTER = Duration.ofSeconds(10);
  static final long MAX_TITLES = 100_000;

  /**
   * What a pointer read found. A failure is kept as a value rather than as an exceptionally completed future, which
   * Caffeine would log with a stack trace; the first request to see it removes the entry, so the next one reads the
   * pointer again.
   *
   * @param failed whether the read failed
   * @param answer what requests get: the version (empty when unpublished), or the failure
   */
  private record Pointer(boolean failed, CompletableFuture<Optional<String>> answer) {

    static Pointer of(Optional<String> version) {
      return new Pointer(false, CompletableFuture.completedFuture(version));
    }

    static Pointer failed(RuntimeException failure) {
      return new Pointer(true, CompletableFuture.failedFuture(failure));
    }
  }

  private final AsyncLoadingCache<String, Pointer> versions;

  TitlePointers(TitleVersions titles, Executor executor, Ticker ticker, Consumer<RuntimeException> refreshFailed) {
    this.versions = Caffeine.newBuilder()
        .maximumSize(MAX_TITLES)
        .refreshAfterWrite(REFRESH_AFTER)
        .expireAfterWrite(EXPIRE_AFTER)
        .executor(executor)
        .ticker(ticker)
        .buildAsync(new PointerLoader(titles, refreshFailed));
  }

  /**
   * The current version of {@code titles/<titleId>}: completes at once when cached, with empty for a title that is
   * not published, exceptionally with a {@link io.streamkit.core.storage.StorageException} when the storage cannot
   * say.
   */
  CompletableFuture<Optional<String>> current(String titleId) {
    CompletableFuture<Pointer> entry = versions.get(titleId);
    if (entry.isDone()) {
      return answer(titleId, entry);
    }
    return entry.thenCompose(pointer -> answer(titleId, entry));
  }

  private CompletableFuture<Optional<String>> answer(String titleId, CompletableFuture<Pointer> entry) {
    Pointer pointer = entry.join();
    if (pointer.failed()) {
      versions.asMap().remove(titleId, entry);
    }
    return pointer.answer();
  }

  /** Forgets a title's version, so that its next request reads the pointer: this node just moved it. */
  void invalidate(String titleId) {
    versions.synchronous().invalidate(titleId);
  }

  /** The storage key of a title. */
  static String titleKey(String titleId) {
    return RequestDecoder.TITLES + "/" + titleId;
  }

  /** Loads on the executor; a failed reload keeps what was known. */
  private record PointerLoader(TitleVersions titles, Consumer<RuntimeException> refreshFailed)
      implements AsyncCacheLoader<String, Pointer> {

    @Override
    public CompletableFuture<Pointer> asyncLoad(String titleId, Executor executor) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return Pointer.of(titles.current(titleKey(titleId)));
        } catch (RuntimeException e) {
          return Pointer.failed(e);
        }
      }, executor);
    }

    @Override
    public CompletableFuture<Pointer> asyncReload(String titleId, Pointer old, Executor executor) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return Pointer.of(titles.current(titleKey(titleId)));
        } catch (RuntimeException e) {
          refreshFailed.accept(e);
          return old;
        }
      }, executor);
    }
  }
}
