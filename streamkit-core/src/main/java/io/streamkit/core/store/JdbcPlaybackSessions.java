package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.access.PlaybackSessions;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * {@link PlaybackSessions} in {@code streamkit_playback_sessions}. An admission locks the viewer's row in
 * {@code streamkit_viewer_access} ({@code SELECT ... FOR UPDATE}) for the rest of its transaction, so admissions of
 * one viewer run one at a time whichever node makes them, and each counts the sessions the one before it added.
 */
final class JdbcPlaybackSessions implements PlaybackSessions {

  /** Sessions touched per statement. */
  static final int TOUCH_BATCH = 500;

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcPlaybackSessions(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Admission admit(String sessionId, String viewerId, String titleId, int maxStreams, Duration idle) {
    InvalidValueException.requireRange("maxStreams", maxStreams, 1, Integer.MAX_VALUE);
    ViewerRows.ensure(jdbc, dialect, viewerId);
    Instant now = clock.instant();
    Timestamp stale = Timestamp.from(now.minus(idle));
    return jdbc.inTransaction(tx -> {
      tx.query("SELECT viewer_id FROM streamkit_viewer_access WHERE viewer_id = ? FOR UPDATE",
          s -> s.setString(1, viewerId), row -> row.getString(1));
      tx.execute("DELETE FROM streamkit_playback_sessions WHERE viewer_id = ? AND last_seen_at < ?", s -> {
        s.setString(1, viewerId);
        s.setTimestamp(2, stale);
      });
      List<String> sessions = tx.query("SELECT session_id FROM streamkit_playback_sessions WHERE viewer_id = ?",
          s -> s.setString(1, viewerId), row -> row.getString(1));
      if (sessions.contains(sessionId)) {
        tx.execute("UPDATE streamkit_playback_sessions SET last_seen_at = ? WHERE session_id = ?", s -> {
          s.setTimestamp(1, Timestamp.from(now));
          s.setString(2, sessionId);
        });
        return Admission.CONTINUED;
      }
      if (sessions.size() >= maxStreams) {
        return Admission.REFUSED;
      }
      // A session id is the token's: one reused by another viewer's token is taken over by this viewer.
      tx.execute("DELETE FROM streamkit_playback_sessions WHERE session_id = ?", s -> s.setString(1, sessionId));
      tx.execute("INSERT INTO streamkit_playback_sessions (session_id, viewer_id, title_id, started_at,"
          + " last_seen_at) VALUES (?, ?, ?, ?, ?)", s -> {
            s.setString(1, sessionId);
            s.setString(2, viewerId);
            s.setString(3, titleId);
            s.setTimestamp(4, Timestamp.from(now));
            s.setTimestamp(5, Timestamp.from(now));
          });
      return Admission.ADMITTED;
    });
  }

  @Override
  public void touch(Collection<String> sessionIds) {
    List<String> ids = List.copyOf(sessionIds);
    Timestamp now = Timestamp.from(clock.instant());
    for (int from = 0; from < ids.size(); from += TOUCH_BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + TOUCH_BATCH));
      jdbc.execute("UPDATE streamkit_playback_sessions SET last_seen_at = ? WHERE session_id IN ("
          + SqlDialect.repeat("?", batch.size()) + ")", s -> {
            s.setTimestamp(1, now);
            for (int i = 0; i < batch.size(); i++) {
              s.setString(i + 2, batch.get(i));
            }
          });
    }
  }

  @Override
  public boolean end(String sessionId, String viewerId) {
    return jdbc.execute("DELETE FROM streamkit_playback_sessions WHERE session_id = ? AND viewer_id = ?", s -> {
      s.setString(1, sessionId);
      s.setString(2, viewerId);
    }) > 0;
  }

  @Override
  public int active(String viewerId, Duration idle) {
    return jdbc.queryOne("SELECT COUNT(*) FROM streamkit_playback_sessions WHERE viewer_id = ? AND last_seen_at >= ?",
        s -> {
          s.setString(1, viewerId);
          s.setTimestamp(2, Timestamp.from(clock.instant().minus(idle)));
        }, row -> row.getInt(1)).orElse(0);
  }
}
