package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.streamkit.core.title.Catalog;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which titles a token may open given the catalog's moderation state: viewers only {@link TitleStatus#PUBLISHED}
 * titles, moderators' preview tokens also {@link TitleStatus#READY} ones. Titles the catalog does not know (packaged
 * outside the platform API and copied into the data directory) are governed by the token alone.
 *
 * <p>The catalog is a database, and the token gate runs on the event loop, so statuses come from a Caffeine cache
 * that never blocks the loop: a status older than {@link #REFRESH_AFTER} is served as it is while a reload runs on
 * the executor ({@code refreshAfterWrite}), so a publish or unpublish on another node takes effect within about that
 * time (at once on this node, which {@link #invalidate}s); only the first request for a title waits for the database,
 * and then asynchronously. A reload that fails keeps the last known status; one not refreshed for
 * {@link #EXPIRE_AFTER} is dropped and loaded afresh. Bounded to {@link #MAX_TITLES} entries (W-TinyLFU eviction).
 */
final class TitleVisibility {

  static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  static final Duration EXPIRE_AFTER = Duration.ofMinutes(1);
  static final long MAX_TITLES = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(TitleVisibility.class);

  private final AsyncLoadingCache<String, Optional<TitleStatus>> statuses;

  TitleVisibility(Catalog catalog, Executor executor, Ticker ticker) {
    this.statuses = Caffeine.newBuilder()
        .maximumSize(MAX_TITLES)
        .refreshAfterWrite(REFRESH_AFTER)
        .expireAfterWrite(EXPIRE_AFTER)
        .executor(executor)
        .ticker(ticker)
        .buildAsync(new StatusLoader(catalog));
  }

  private static final CompletableFuture<Boolean> ALLOWED = CompletableFuture.completedFuture(true);
  private static final CompletableFuture<Boolean> REFUSED = CompletableFuture.completedFuture(false);

  /**
   * Whether the claims may open their title; completes at once when the title's status is cached, and then without
   * allocating (this runs for every segment request).
   */
  CompletableFuture<Boolean> allows(PlaybackClaims claims) {
    CompletableFuture<Optional<TitleStatus>> status = statuses.get(claims.titleId());
    if (status.isDone() && !status.isCompletedExceptionally()) {
      return allows(claims, status.join()) ? ALLOWED : REFUSED;
    }
    return status.thenApply(known -> allows(claims, known));
  }

  /** As {@link #allows}, waiting for the catalog if it must: only off the event loop. */
  boolean allowsNow(PlaybackClaims claims) {
    return allows(claims).join();
  }

  /** Forgets a title's status, after this node changed it. */
  void invalidate(String titleId) {
    statuses.synchronous().invalidate(titleId);
  }

  private static boolean allows(PlaybackClaims claims, Optional<TitleStatus> status) {
    return status.isEmpty() || status.get() == TitleStatus.PUBLISHED
        || (claims.preview() && status.get() == TitleStatus.READY);
  }

  /** Loads on the executor; a failed reload keeps what was known. */
  private record StatusLoader(Catalog catalog) implements AsyncCacheLoader<String, Optional<TitleStatus>> {

    @Override
    public CompletableFuture<Optional<TitleStatus>> asyncLoad(String titleId, Executor executor) {
      return CompletableFuture.supplyAsync(() -> load(titleId), executor);
    }

    @Override
    public CompletableFuture<Optional<TitleStatus>> asyncReload(String titleId, Optional<TitleStatus> old,
        Executor executor) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return load(titleId);
        } catch (RuntimeException e) {
          LOG.warn("cannot refresh the status of title {} ({}); serving the last known one", titleId,
              LogText.escape(e.getMessage()));
          return old;
        }
      }, executor);
    }

    private Optional<TitleStatus> load(String titleId) {
      UUID id;
      try {
        id = UUID.fromString(titleId);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      return catalog.get(id).map(Title::status);
    }
  }
}
