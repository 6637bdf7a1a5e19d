package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.streamkit.core.access.Revocations;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a token was revoked ({@link Revocations}): its viewer's tokens up to its issue time, or its session. Read
 * through Caffeine caches refreshed like {@link TitleVisibility}'s statuses: never blocking the event loop, a
 * revocation made on another node takes effect here within {@link TitleVisibility#REFRESH_AFTER} of the entry's last
 * load (at once on the node that made it, which {@link #invalidateViewer}s or {@link #invalidateSession}s), and a
 * failed reload keeps what was known.
 */
final class TokenRevocations {

  private static final Logger LOG = LoggerFactory.getLogger(TokenRevocations.class);
  private static final CompletableFuture<Boolean> ALLOWED = CompletableFuture.completedFuture(true);
  private static final CompletableFuture<Boolean> REFUSED = CompletableFuture.completedFuture(false);

  private final AsyncLoadingCache<String, Optional<Instant>> viewers;
  private final AsyncLoadingCache<String, Boolean> sessions;

  TokenRevocations(Revocations revocations, Executor executor, Ticker ticker) {
    this.viewers = cache(executor, ticker, revocations::viewerRevokedAt);
    this.sessions = cache(executor, ticker, revocations::isSessionRevoked);
  }

  private static <V> AsyncLoadingCache<String, V> cache(Executor executor, Ticker ticker, Function<String, V> load) {
    return Caffeine.newBuilder()
        .maximumSize(TitleVisibility.MAX_TITLES)
        .refreshAfterWrite(TitleVisibility.REFRESH_AFTER)
        .expireAfterWrite(TitleVisibility.EXPIRE_AFTER)
        .executor(executor)
        .ticker(ticker)
        .buildAsync(new KeepingLoader<>(load));
  }

  /** Whether the token still stands; completes at once, without allocating, when both answers are cached. */
  CompletableFuture<Boolean> allows(PlaybackClaims claims) {
    CompletableFuture<Optional<Instant>> viewer = viewers.get(claims.viewer());
    CompletableFuture<Boolean> session = sessions.get(claims.sessionId());
    if (viewer.isDone() && session.isDone() && !viewer.isCompletedExceptionally()
        && !session.isCompletedExceptionally()) {
      return allows(claims, viewer.join(), session.join()) ? ALLOWED : REFUSED;
    }
    return viewer.thenCombine(session, (revokedAt, revoked) -> allows(claims, revokedAt, revoked));
  }

  /** As {@link #allows}, waiting for the database if it must: only off the event loop. */
  boolean allowsNow(PlaybackClaims claims) {
    return allows(claims).join();
  }

  void invalidateViewer(String viewerId) {
    viewers.synchronous().invalidate(viewerId);
  }

  void invalidateSession(String sessionId) {
    sessions.synchronous().invalidate(sessionId);
  }

  private static boolean allows(PlaybackClaims claims, Optional<Instant> viewerRevokedAt, boolean sessionRevoked) {
    if (sessionRevoked) {
      return false;
    }
    return viewerRevokedAt.isEmpty()
        || claims.issuedAt().map(issued -> issued.isAfter(viewerRevokedAt.get())).orElse(false);
  }

  private record KeepingLoader<V>(Function<String, V> load) implements AsyncCacheLoader<String, V> {

    @Override
    public CompletableFuture<V> asyncLoad(String key, Executor executor) {
      return CompletableFuture.supplyAsync(() -> load.apply(key), executor);
    }

    @Override
    public CompletableFuture<V> asyncReload(String key, V old, Executor executor) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return load.apply(key);
        } catch (RuntimeException e) {
          LOG.warn("cannot refresh a revocation ({}); keeping the last known state", LogText.escape(e.getMessage()));
          return old;
        }
      }, executor);
    }
  }
}
