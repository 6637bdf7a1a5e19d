package io.streamkit.server.origin;

import io.streamkit.core.access.Revocations;
import io.streamkit.core.access.Revocations.Revocation;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every revocation ({@link Revocations}) in memory, so that checking a token is two hash look-ups and never a
 * database call, however many viewers play: the whole set is loaded at start, then new revocations are polled every
 * {@link #POLL_INTERVAL} (one indexed query per node per interval, not one per viewer), so a revocation made on
 * another node takes effect here within about that time, and at once on the node that made it ({@link #viewer},
 * {@link #session}). A failed poll keeps what is known and retries; each poll overlaps the previous one by
 * {@link #OVERLAP}, so nodes whose clocks differ by less than that miss nothing. Revoked sessions are forgotten once
 * every token they can hold has expired.
 */
final class TokenRevocations implements AutoCloseable {

  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
  static final Duration OVERLAP = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(TokenRevocations.class);

  private final Revocations revocations;
  private final Duration sessionLifetime;
  private final Clock clock;
  private final Map<String, Instant> viewers = new ConcurrentHashMap<>();
  private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private Instant polledUntil = Instant.MIN;

  /**
   * Loads every revocation; then polls on a thread of its own.
   *
   * @param sessionLifetime how long a revoked session's tokens can live: it is forgotten that long after
   */
  TokenRevocations(Revocations revocations, Duration sessionLifetime, Clock clock) {
    this.revocations = revocations;
    this.sessionLifetime = sessionLifetime;
    this.clock = clock;
    poll();
    this.poller = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "streamkit-revocations");
      thread.setDaemon(true);
      return thread;
    });
    poller.scheduleWithFixedDelay(this::pollQuietly, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Whether the token still stands: neither its session nor its viewer's tokens up to its issue time revoked. */
  boolean allows(PlaybackClaims claims) {
    if (!sessions.isEmpty() && sessions.containsKey(claims.sessionId())) {
      return false;
    }
    Instant viewerRevokedAt = viewers.isEmpty() ? null : viewers.get(claims.viewer());
    return viewerRevokedAt == null
        || claims.issuedAt().map(issued -> issued.isAfter(viewerRevokedAt)).orElse(false);
  }

  /** A viewer revocation this node just stored: in effect here at once. */
  void viewer(String viewerId, Instant revokedAt) {
    viewers.merge(viewerId, revokedAt, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** A session revocation this node just stored: in effect here at once. */
  void session(String sessionId, Instant revokedAt) {
    sessions.put(sessionId, revokedAt);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("cannot read new revocations ({}); keeping the {} known and retrying",
          LogText.escape(String.valueOf(e.getMessage())), viewers.size() + sessions.size());
    }
  }

  private void poll() {
    Instant now = clock.instant();
    Instant since = polledUntil.equals(Instant.MIN) ? Instant.MIN : polledUntil.minus(OVERLAP);
    List<Revocation> newViewers = revocations.viewersRevokedSince(since);
    List<Revocation> newSessions = revocations.sessionsRevokedSince(since);
    newViewers.forEach(r -> viewer(r.id(), r.revokedAt()));
    newSessions.forEach(r -> session(r.id(), r.revokedAt()));
    Instant forgotten = now.minus(sessionLifetime);
    sessions.values().removeIf(revokedAt -> revokedAt.isBefore(forgotten));
    polledUntil = now;
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
