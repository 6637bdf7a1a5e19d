package io.streamkit.core.store;

import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyException;
import io.streamkit.core.protection.ContentKeyStore;
import io.streamkit.core.protection.KeyWrapper;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Content keys in {@code streamkit_content_keys}, each wrapped by a {@link KeyWrapper} and bound to its title and id
 * (the wrapping context is {@code <title id>/<key id>}), so a row copied to another title does not unwrap.
 */
final class JdbcContentKeyStore implements ContentKeyStore {

  /** Rows re-wrapped per transaction during a rotation. */
  static final int REWRAP_BATCH = 500;

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final KeyWrapper wrapper;
  private final Clock clock;

  JdbcContentKeyStore(JdbcRunner jdbc, SqlDialect dialect, KeyWrapper wrapper, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.wrapper = wrapper;
    this.clock = clock;
  }

  @Override
  public void save(String titleId, List<ContentKey> keys) {
    UUID title = titleUuid(titleId);
    try {
      jdbc.inTransaction(tx -> {
        Set<String> kept = new HashSet<>(tx.query("SELECT key_id FROM streamkit_content_keys WHERE title_id = ?",
            s -> s.setObject(1, title), row -> row.getString(1)));
        List<ContentKey> fresh = keys.stream().filter(k -> !kept.contains(k.id())).distinct().toList();
        Timestamp now = Timestamp.from(clock.instant());
        return tx.batch("INSERT INTO streamkit_content_keys (title_id, key_id, wrapping_key_id, wrapped_key,"
            + " created_at) VALUES (?, ?, ?, ?, ?)", fresh, (s, key) -> {
              s.setObject(1, title);
              s.setString(2, key.id());
              s.setString(3, wrapper.currentKeyId());
              s.setString(4, Base64.getEncoder().encodeToString(
                  wrapper.wrap(key.key(), context(titleId, key.id()))));
              s.setTimestamp(5, now);
            });
      });
    } catch (StoreException e) {
      if (dialect.isForeignKeyViolation(e)) {
        throw new ContentKeyException("cannot keep content keys for title " + titleId
            + ": the catalog has no such title; create the title first");
      }
      if (dialect.isUniqueViolation(e)) {
        save(titleId, keys);
        return;
      }
      throw e;
    }
  }

  @Override
  public Optional<ContentKey> find(String titleId, String keyId) {
    UUID title;
    try {
      title = UUID.fromString(titleId);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!ContentKey.isId(keyId)) {
      return Optional.empty();
    }
    return jdbc.queryOne("SELECT wrapping_key_id, wrapped_key FROM streamkit_content_keys"
            + " WHERE title_id = ? AND key_id = ?", s -> {
              s.setObject(1, title);
              s.setString(2, keyId);
            }, row -> new String[] {row.getString(1), row.getString(2)})
        .map(row -> ContentKey.of(keyId, wrapper.unwrap(row[0], Base64.getDecoder().decode(row[1]),
            context(titleId, keyId))));
  }

  @Override
  public void delete(String titleId) {
    UUID title = titleUuid(titleId);
    jdbc.execute("DELETE FROM streamkit_content_keys WHERE title_id = ?", s -> s.setObject(1, title));
  }

  @Override
  public String describe() {
    return dialect.name() + " table streamkit_content_keys, wrapped under master key " + wrapper.currentKeyId();
  }

  /**
   * Re-wraps every key not wrapped under the wrapper's current key-encryption key, {@value #REWRAP_BATCH} rows per
   * transaction; the media is untouched.
   *
   * @return how many keys were re-wrapped
   */
  int rewrap() {
    int total = 0;
    while (true) {
      int done = jdbc.inTransaction(tx -> {
        List<String[]> rows = tx.query("SELECT title_id, key_id, wrapping_key_id, wrapped_key"
                + " FROM streamkit_content_keys WHERE wrapping_key_id <> ? ORDER BY title_id, key_id"
                + " FETCH FIRST " + REWRAP_BATCH + " ROWS ONLY",
            s -> s.setString(1, wrapper.currentKeyId()),
            row -> new String[] {row.getObject(1, UUID.class).toString(), row.getString(2), row.getString(3),
                row.getString(4)});
        tx.batch("UPDATE streamkit_content_keys SET wrapping_key_id = ?, wrapped_key = ?"
            + " WHERE title_id = ? AND key_id = ?", rows, (s, row) -> {
              byte[] context = context(row[0], row[1]);
              byte[] key = wrapper.unwrap(row[2], Base64.getDecoder().decode(row[3]), context);
              s.setString(1, wrapper.currentKeyId());
              s.setString(2, Base64.getEncoder().encodeToString(wrapper.wrap(key, context)));
              s.setObject(3, UUID.fromString(row[0]));
              s.setString(4, row[1]);
            });
        return rows.size();
      });
      if (done == 0) {
        return total;
      }
      total += done;
    }
  }

  private static byte[] context(String titleId, String keyId) {
    return (titleId + "/" + keyId).getBytes(StandardCharsets.UTF_8);
  }

  private static UUID titleUuid(String titleId) {
    try {
      return UUID.fromString(titleId);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("title id for the catalog's key store must be a UUID, got '" + titleId + "'");
    }
  }
}
