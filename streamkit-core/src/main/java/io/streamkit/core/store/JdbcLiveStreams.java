package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.live.CreatedLiveStream;
import io.streamkit.core.live.LiveStatus;
import io.streamkit.core.live.LiveStream;
import io.streamkit.core.live.LiveStreams;
import io.streamkit.core.live.UnknownLiveStreamException;
import io.streamkit.core.title.UnknownTitleException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link LiveStreams} in {@code streamkit_live_streams}. Status changes are single conditional UPDATEs
 * ({@code ... WHERE status <> 'LIVE'}): the database locks the row and re-checks the condition once a concurrent
 * change commits (PostgreSQL manual 13.2.1, "Read Committed Isolation Level"; H2 re-reads a row it waited for the
 * same way), so of two nodes marking one stream live, the second updates nothing and learns it lost.
 */
final class JdbcLiveStreams implements LiveStreams {

  /** Random bytes in a stream key: 256 bits, beyond guessing. */
  static final int KEY_BYTES = 32;
  /** Presented keys longer than this are refused unhashed; a real key has 43 characters. */
  static final int MAX_PRESENTED_KEY_CHARS = 128;

  private static final String COLUMNS =
      "id, name, status, created_at, started_at, ended_at, recording_title_id";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcLiveStreams(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public CreatedLiveStream create(String name) {
    LiveStream stream = new LiveStream(UUID.randomUUID().toString(), LiveStream.checkName(name), LiveStatus.IDLE,
        clock.instant(), null, null, null);
    String key = newKey();
    jdbc.execute("INSERT INTO streamkit_live_streams (id, name, status, stream_key_sha256, created_at)"
        + " VALUES (?, ?, ?, ?, ?)", s -> {
          s.setObject(1, UUID.fromString(stream.id()));
          s.setString(2, stream.name());
          s.setString(3, stream.status().name());
          s.setString(4, sha256(key));
          s.setObject(5, JdbcCatalog.timestamp(stream.createdAt()));
        });
    return new CreatedLiveStream(stream, key);
  }

  @Override
  public Optional<LiveStream> find(String id) {
    return uuid(id).flatMap(uuid -> jdbc.queryOne("SELECT " + COLUMNS + " FROM streamkit_live_streams WHERE id = ?",
        s -> s.setObject(1, uuid), JdbcLiveStreams::map));
  }

  @Override
  public Page<LiveStream> list(PageRequest page) {
    InvalidValueException.requireNonNull("page", page);
    List<LiveStream> rows = jdbc.query("SELECT " + COLUMNS + " FROM streamkit_live_streams"
        + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", s -> {
          s.setInt(1, page.limit() + 1);
          s.setLong(2, page.offset());
        }, JdbcLiveStreams::map);
    boolean hasNext = rows.size() > page.limit();
    return new Page<>(hasNext ? rows.subList(0, page.limit()) : rows, page, hasNext);
  }

  @Override
  public Optional<LiveStream> findByStreamKey(String streamKey) {
    if (streamKey == null || streamKey.isEmpty() || streamKey.length() > MAX_PRESENTED_KEY_CHARS) {
      return Optional.empty();
    }
    return jdbc.queryOne("SELECT " + COLUMNS + " FROM streamkit_live_streams WHERE stream_key_sha256 = ?",
        s -> s.setString(1, sha256(streamKey)), JdbcLiveStreams::map);
  }

  @Override
  public String rotateKey(String id) {
    UUID uuid = known(id);
    String key = newKey();
    int updated = jdbc.execute("UPDATE streamkit_live_streams SET stream_key_sha256 = ? WHERE id = ?", s -> {
      s.setString(1, sha256(key));
      s.setObject(2, uuid);
    });
    if (updated == 0) {
      throw new UnknownLiveStreamException(id);
    }
    return key;
  }

  @Override
  public boolean delete(String id) {
    return uuid(id).map(uuid -> jdbc.execute("DELETE FROM streamkit_live_streams WHERE id = ?",
        s -> s.setObject(1, uuid)) > 0).orElse(false);
  }

  @Override
  public boolean markLive(String id, Instant at) {
    UUID uuid = known(id);
    InvalidValueException.requireNonNull("at", at);
    int updated = jdbc.execute("UPDATE streamkit_live_streams SET status = ?, started_at = ?, ended_at = NULL"
        + " WHERE id = ? AND status <> ?", s -> {
          s.setString(1, LiveStatus.LIVE.name());
          s.setObject(2, JdbcCatalog.timestamp(at.truncatedTo(ChronoUnit.MILLIS)));
          s.setObject(3, uuid);
          s.setString(4, LiveStatus.LIVE.name());
        });
    if (updated == 0) {
      requireStored(id);
      return false;
    }
    return true;
  }

  @Override
  public void markEnded(String id, Instant at, String recordingTitleId) {
    UUID uuid = known(id);
    InvalidValueException.requireNonNull("at", at);
    UUID title = recordingTitleId == null ? null : titleUuid(recordingTitleId);
    int updated;
    try {
      updated = jdbc.execute("UPDATE streamkit_live_streams SET status = ?, ended_at = ?, recording_title_id = ?"
          + " WHERE id = ? AND status = ?", s -> {
            s.setString(1, LiveStatus.ENDED.name());
            s.setObject(2, JdbcCatalog.timestamp(at.truncatedTo(ChronoUnit.MILLIS)));
            s.setObject(3, title);
            s.setObject(4, uuid);
            s.setString(5, LiveStatus.LIVE.name());
          });
    } catch (StoreException e) {
      if (dialect.isForeignKeyViolation(e)) {
        throw new UnknownTitleException(title);
      }
      throw e;
    }
    if (updated == 0) {
      LiveStream stream = requireStored(id);
      throw new IllegalStateException("live stream " + id + " cannot end: it is " + stream.status()
          + ", not LIVE; only a stream marked live can end");
    }
  }

  @Override
  public void markIdle(String id) {
    UUID uuid = known(id);
    int updated = jdbc.execute("UPDATE streamkit_live_streams SET status = ? WHERE id = ? AND status = ?", s -> {
      s.setString(1, LiveStatus.IDLE.name());
      s.setObject(2, uuid);
      s.setString(3, LiveStatus.LIVE.name());
    });
    if (updated == 0) {
      requireStored(id);
    }
  }

  private LiveStream requireStored(String id) {
    return find(id).orElseThrow(() -> new UnknownLiveStreamException(id));
  }

  /** An id that can name a stream, or {@link UnknownLiveStreamException} at once for one that cannot. */
  private static UUID known(String id) {
    return uuid(id).orElseThrow(() -> new UnknownLiveStreamException(id));
  }

  /** Ids are UUIDs in their canonical text form, in either case; anything else names no stream. */
  private static Optional<UUID> uuid(String id) {
    return canonicalUuid(InvalidValueException.requireNonNull("liveStreamId", id));
  }

  private static UUID titleUuid(String titleId) {
    return canonicalUuid(titleId).orElseThrow(() -> new InvalidValueException("recordingTitleId", titleId,
        "must be a catalog title id (a UUID such as 123e4567-e89b-12d3-a456-426614174000), or null if not recorded"));
  }

  private static Optional<UUID> canonicalUuid(String text) {
    try {
      UUID uuid = UUID.fromString(text);
      return uuid.toString().equalsIgnoreCase(text) ? Optional.of(uuid) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A new secret: {@link #KEY_BYTES} random bytes, Base64url without padding (43 characters). */
  static String newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  /** Lower-case hex SHA-256 of a secret, as the tables keep it. */
  static String sha256(String streamKey) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(streamKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256 (java.security.MessageDigest)", e);
    }
  }

  private static LiveStream map(ResultSet row) throws SQLException {
    UUID recording = row.getObject("recording_title_id", UUID.class);
    return new LiveStream(row.getObject("id", UUID.class).toString(), row.getString("name"),
        LiveStatus.valueOf(row.getString("status")), JdbcCatalog.instant(row, "created_at"),
        nullableInstant(row, "started_at"), nullableInstant(row, "ended_at"),
        recording == null ? null : recording.toString());
  }

  private static Instant nullableInstant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
