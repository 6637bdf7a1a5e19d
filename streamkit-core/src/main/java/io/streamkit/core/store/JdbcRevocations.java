package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import io.streamkit.core.access.Revocations;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** {@link Revocations} in {@code streamkit_viewer_access} and {@code streamkit_revoked_sessions}. */
final class JdbcRevocations implements Revocations {

  /** Session ids ({@code sid}) are as long as {@code PlaybackClaims} lets them be. */
  static final int MAX_SESSION_ID_CHARS = 128;

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcRevocations(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Instant revokeViewer(String viewerId) {
    String viewer = ViewerId.require("viewerId", viewerId);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    ViewerRows.ensure(jdbc, dialect, viewer);
    jdbc.execute("UPDATE streamkit_viewer_access SET tokens_revoked_at = ? WHERE viewer_id = ?", s -> {
      s.setTimestamp(1, Timestamp.from(now));
      s.setString(2, viewer);
    });
    return now;
  }

  @Override
  public Optional<Instant> viewerRevokedAt(String viewerId) {
    return jdbc.queryOne("SELECT tokens_revoked_at FROM streamkit_viewer_access WHERE viewer_id = ?",
            s -> s.setString(1, viewerId), row -> Optional.ofNullable(row.getTimestamp(1)).map(Timestamp::toInstant))
        .flatMap(at -> at);
  }

  @Override
  public void revokeSession(String sessionId, Instant until) {
    InvalidValueException.requireText("sessionId", sessionId, MAX_SESSION_ID_CHARS);
    Timestamp now = Timestamp.from(clock.instant());
    Timestamp expires = Timestamp.from(until);
    jdbc.inTransaction(tx -> {
      int updated = tx.execute("UPDATE streamkit_revoked_sessions SET revoked_at = ?, expires_at = ?"
          + " WHERE session_id = ?", s -> {
            s.setTimestamp(1, now);
            s.setTimestamp(2, expires);
            s.setString(3, sessionId);
          });
      if (updated == 0) {
        tx.execute("INSERT INTO streamkit_revoked_sessions (session_id, revoked_at, expires_at) VALUES (?, ?, ?)",
            s -> {
              s.setString(1, sessionId);
              s.setTimestamp(2, now);
              s.setTimestamp(3, expires);
            });
      }
      return null;
    });
  }

  @Override
  public boolean isSessionRevoked(String sessionId) {
    return jdbc.queryOne("SELECT 1 FROM streamkit_revoked_sessions WHERE session_id = ?",
        s -> s.setString(1, sessionId), row -> true).isPresent();
  }

  @Override
  public List<Revocation> viewersRevokedSince(Instant since) {
    return jdbc.query("SELECT viewer_id, tokens_revoked_at FROM streamkit_viewer_access"
            + " WHERE tokens_revoked_at >= ?", s -> s.setTimestamp(1, timestamp(since)),
        row -> new Revocation(row.getString(1), row.getTimestamp(2).toInstant()));
  }

  @Override
  public List<Revocation> sessionsRevokedSince(Instant since) {
    return jdbc.query("SELECT session_id, revoked_at FROM streamkit_revoked_sessions WHERE revoked_at >= ?"
            + " AND expires_at >= ?", s -> {
              s.setTimestamp(1, timestamp(since));
              s.setTimestamp(2, Timestamp.from(clock.instant()));
            },
        row -> new Revocation(row.getString(1), row.getTimestamp(2).toInstant()));
  }

  /** {@link Instant#MIN} and other instants before any stored time read as the epoch, which JDBC can hold. */
  private static Timestamp timestamp(Instant instant) {
    return Timestamp.from(instant.isBefore(Instant.EPOCH) ? Instant.EPOCH : instant);
  }

  @Override
  public int purgeExpired() {
    return jdbc.execute("DELETE FROM streamkit_revoked_sessions WHERE expires_at < ?",
        s -> s.setTimestamp(1, Timestamp.from(clock.instant())));
  }
}
