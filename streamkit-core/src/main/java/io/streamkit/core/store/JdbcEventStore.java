package io.streamkit.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.event.EventStore;
import io.streamkit.core.event.PlaybackClient;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Playback events in {@code streamkit_events}, attributes as a JSON object. A batch is one JDBC batch in one
 * transaction; the PostgreSQL driver is configured with {@code reWriteBatchedInserts} so it travels as multi-row
 * INSERTs.
 */
final class JdbcEventStore implements EventStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() { };

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;

  JdbcEventStore(JdbcRunner jdbc, SqlDialect dialect) {
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  @Override
  public void appendBatch(List<PlaybackEvent> events) {
    InvalidValueException.requireNonNull("events", events);
    events.forEach(e -> InvalidValueException.requireNonNull("event", e));
    try {
      jdbc.inTransaction(tx -> {
        tx.batch("INSERT INTO streamkit_events (event_type, viewer_id, title_id, session_id, position_ms, attributes,"
            + " occurred_at, device_class, browser, os_family) VALUES (?,?,?,?,?,?,?,?,?,?)", events, (s, e) -> {
              s.setString(1, e.type().wireName());
              s.setString(2, e.viewerId());
              s.setObject(3, e.titleId());
              s.setString(4, e.sessionId());
              s.setLong(5, e.position().toMillis());
              s.setString(6, toJson(e.attributes()));
              s.setObject(7, JdbcCatalog.timestamp(e.occurredAt()));
              s.setString(8, e.client().device().wireName());
              s.setString(9, e.client().browser().wireName());
              s.setString(10, e.client().os().wireName());
            });
        return null;
      });
    } catch (StoreException e) {
      if (!dialect.isForeignKeyViolation(e)) {
        throw e;
      }
      Set<UUID> unknown = new HashSet<>();
      for (PlaybackEvent event : events) {
        if (!unknown.contains(event.titleId()) && jdbc.queryOne("SELECT 1 FROM streamkit_titles WHERE id = ?",
            s -> s.setObject(1, event.titleId()), row -> 1).isEmpty()) {
          unknown.add(event.titleId());
        }
      }
      if (unknown.isEmpty()) {
        throw e;
      }
      UnknownTitleException unknownTitles = new UnknownTitleException(unknown);
      unknownTitles.initCause(e);
      throw unknownTitles;
    }
  }

  @Override
  public List<PlaybackEvent> findByTitle(UUID titleId, Instant from, Instant until, int limit) {
    InvalidValueException.requireNonNull("titleId", titleId);
    InvalidValueException.requireNonNull("from", from);
    InvalidValueException.requireNonNull("until", until);
    InvalidValueException.requireRange("limit", limit, 1, MAX_QUERY_LIMIT);
    return jdbc.query("SELECT event_type, viewer_id, title_id, session_id, position_ms, attributes, occurred_at,"
        + " device_class, browser, os_family FROM streamkit_events WHERE title_id = ? AND occurred_at >= ? AND occurred_at < ?"
        + " ORDER BY occurred_at, id LIMIT ?", s -> {
          s.setObject(1, titleId);
          s.setObject(2, JdbcCatalog.timestamp(from));
          s.setObject(3, JdbcCatalog.timestamp(until));
          s.setInt(4, limit);
        }, JdbcEventStore::mapEvent);
  }

  private static PlaybackEvent mapEvent(ResultSet row) throws SQLException {
    return new PlaybackEvent(PlaybackEventType.fromWireName(row.getString("event_type")), row.getString("viewer_id"),
        row.getObject("title_id", UUID.class), row.getString("session_id"),
        Duration.ofMillis(row.getLong("position_ms")), fromJson(row.getString("attributes")),
        JdbcCatalog.instant(row, "occurred_at"), new PlaybackClient(
            PlaybackClient.Device.fromWireName(row.getString("device_class")),
            PlaybackClient.Browser.fromWireName(row.getString("browser")),
            PlaybackClient.Os.fromWireName(row.getString("os_family"))));
  }

  private static String toJson(Map<String, String> attributes) {
    try {
      return JSON.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode event attributes " + attributes, e);
    }
  }

  private static Map<String, String> fromJson(String json) throws SQLException {
    try {
      return JSON.readValue(json, ATTRIBUTES);
    } catch (JsonProcessingException e) {
      throw new SQLException("stored event attributes are not a JSON object of strings: " + json, e);
    }
  }
}
