package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.account.Account;
import io.streamkit.core.account.Accounts;
import io.streamkit.core.account.ApiKey;
import io.streamkit.core.account.DuplicateAccountNameException;
import io.streamkit.core.account.IssuedApiKey;
import io.streamkit.core.account.Role;
import io.streamkit.core.account.UnknownAccountException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link Accounts} in {@code streamkit_accounts} and {@code streamkit_api_keys}. A key's secret is 256 random bits
 * and only its SHA-256 is stored (as for stream keys, {@link JdbcLiveStreams}): a secret that strong needs no slow
 * password hash, and a lookup by hash is one indexed read. Each change writes its audit entry in its transaction.
 */
final class JdbcAccounts implements Accounts {

  private static final String ACCOUNT_COLUMNS = "id, name, role, created_at";
  private static final String KEY_COLUMNS = "id, account_id, label, created_at, revoked_at";

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcAccounts(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Account create(String actor, String name, Role role) {
    Account account = new Account(UUID.randomUUID().toString(), Account.checkName(name),
        InvalidValueException.requireNonNull("role", role), clock.instant());
    try {
      jdbc.inTransaction(tx -> {
        tx.execute("INSERT INTO streamkit_accounts (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?)", s -> {
          s.setObject(1, UUID.fromString(account.id()));
          s.setString(2, account.name());
          s.setString(3, role.wireName());
          s.setObject(4, JdbcCatalog.timestamp(account.createdAt()));
        });
        JdbcAuditLog.record(tx, clock, actor, "account.create", account.id(),
            "name " + account.name() + ", role " + role.wireName());
        return null;
      });
    } catch (StoreException e) {
      if (dialect.isUniqueViolation(e)) {
        throw new DuplicateAccountNameException(account.name());
      }
      throw e;
    }
    return account;
  }

  @Override
  public Optional<Account> find(String id) {
    return uuid(id).flatMap(uuid -> jdbc.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM streamkit_accounts"
        + " WHERE id = ?", s -> s.setObject(1, uuid), JdbcAccounts::mapAccount));
  }

  @Override
  public Page<Account> list(PageRequest page) {
    InvalidValueException.requireNonNull("page", page);
    List<Account> rows = jdbc.query("SELECT " + ACCOUNT_COLUMNS + " FROM streamkit_accounts"
        + " ORDER BY created_at, id LIMIT ? OFFSET ?", s -> {
          s.setInt(1, page.limit() + 1);
          s.setLong(2, page.offset());
        }, JdbcAccounts::mapAccount);
    boolean hasNext = rows.size() > page.limit();
    return new Page<>(hasNext ? rows.subList(0, page.limit()) : rows, page, hasNext);
  }

  @Override
  public Account changeRole(String actor, String id, Role role) {
    UUID uuid = known(id);
    InvalidValueException.requireNonNull("role", role);
    return jdbc.inTransaction(tx -> {
      Account before = tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM streamkit_accounts WHERE id = ? FOR UPDATE",
          s -> s.setObject(1, uuid), JdbcAccounts::mapAccount).orElseThrow(() -> new UnknownAccountException(id));
      tx.execute("UPDATE streamkit_accounts SET role = ? WHERE id = ?", s -> {
        s.setString(1, role.wireName());
        s.setObject(2, uuid);
      });
      JdbcAuditLog.record(tx, clock, actor, "account.role", before.id(),
          before.role().wireName() + " -> " + role.wireName());
      return new Account(before.id(), before.name(), role, before.createdAt());
    });
  }

  @Override
  public Optional<Account> delete(String actor, String id) {
    Optional<UUID> uuid = uuid(id);
    if (uuid.isEmpty()) {
      return Optional.empty();
    }
    return jdbc.inTransaction(tx -> {
      Optional<Account> account = tx.queryOne("SELECT " + ACCOUNT_COLUMNS + " FROM streamkit_accounts WHERE id = ?"
          + " FOR UPDATE", s -> s.setObject(1, uuid.get()), JdbcAccounts::mapAccount);
      if (account.isEmpty()) {
        return account;
      }
      long keys = tx.queryOne("SELECT COUNT(*) FROM streamkit_api_keys WHERE account_id = ?",
          s -> s.setObject(1, uuid.get()), row -> row.getLong(1)).orElse(0L);
      // Its keys go with it (ON DELETE CASCADE): the audit log names them by id, with their account and label.
      tx.execute("DELETE FROM streamkit_accounts WHERE id = ?", s -> s.setObject(1, uuid.get()));
      Account deleted = account.get();
      JdbcAuditLog.record(tx, clock, actor, "account.delete", deleted.id(), "name " + deleted.name() + ", role "
          + deleted.role().wireName() + ", " + keys + (keys == 1 ? " key" : " keys"));
      return account;
    });
  }

  @Override
  public IssuedApiKey issueKey(String actor, String accountId, String label) {
    UUID account = known(accountId);
    String secret = JdbcLiveStreams.newKey();
    ApiKey key = new ApiKey(UUID.randomUUID().toString(), account.toString(), ApiKey.checkLabel(label),
        clock.instant(), null);
    try {
      jdbc.inTransaction(tx -> {
        tx.execute("INSERT INTO streamkit_api_keys (id, account_id, label, key_sha256, created_at)"
            + " VALUES (?, ?, ?, ?, ?)", s -> {
              s.setObject(1, UUID.fromString(key.id()));
              s.setObject(2, account);
              s.setString(3, key.label());
              s.setString(4, JdbcLiveStreams.sha256(secret));
              s.setObject(5, JdbcCatalog.timestamp(key.createdAt()));
            });
        JdbcAuditLog.record(tx, clock, actor, "key.issue", key.id(), "account " + accountId + ", label "
            + key.label());
        return null;
      });
    } catch (StoreException e) {
      if (dialect.isForeignKeyViolation(e)) {
        throw new UnknownAccountException(accountId);
      }
      throw e;
    }
    return new IssuedApiKey(key, secret);
  }

  @Override
  public Optional<ApiKey> revokeKey(String actor, String keyId) {
    Optional<UUID> uuid = uuid(keyId);
    if (uuid.isEmpty()) {
      return Optional.empty();
    }
    return jdbc.inTransaction(tx -> {
      Optional<ApiKey> key = tx.queryOne("SELECT " + KEY_COLUMNS + " FROM streamkit_api_keys WHERE id = ?"
          + " FOR UPDATE", s -> s.setObject(1, uuid.get()), JdbcAccounts::mapKey);
      if (key.isEmpty() || key.get().revokedAt() != null) {
        return key;
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      tx.execute("UPDATE streamkit_api_keys SET revoked_at = ? WHERE id = ?", s -> {
        s.setObject(1, JdbcCatalog.timestamp(now));
        s.setObject(2, uuid.get());
      });
      ApiKey revoked = key.get();
      JdbcAuditLog.record(tx, clock, actor, "key.revoke", revoked.id(), "account " + revoked.accountId()
          + ", label " + revoked.label());
      return Optional.of(new ApiKey(revoked.id(), revoked.accountId(), revoked.label(), revoked.createdAt(), now));
    });
  }

  @Override
  public List<ApiKey> keys(String accountId) {
    UUID account = known(accountId);
    if (find(accountId).isEmpty()) {
      throw new UnknownAccountException(accountId);
    }
    return jdbc.query("SELECT " + KEY_COLUMNS + " FROM streamkit_api_keys WHERE account_id = ?"
        + " ORDER BY created_at, id", s -> s.setObject(1, account), JdbcAccounts::mapKey);
  }

  @Override
  public Optional<Account> authenticate(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > JdbcLiveStreams.MAX_PRESENTED_KEY_CHARS) {
      return Optional.empty();
    }
    return jdbc.queryOne("SELECT a.id, a.name, a.role, a.created_at FROM streamkit_api_keys k"
        + " JOIN streamkit_accounts a ON a.id = k.account_id WHERE k.key_sha256 = ? AND k.revoked_at IS NULL",
        s -> s.setString(1, JdbcLiveStreams.sha256(secret)), JdbcAccounts::mapAccount);
  }

  private static UUID known(String id) {
    return uuid(id).orElseThrow(() -> new UnknownAccountException(id));
  }

  /** Ids are UUIDs in their canonical text form, in either case; anything else names nothing. */
  private static Optional<UUID> uuid(String id) {
    InvalidValueException.requireNonNull("id", id);
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equalsIgnoreCase(id) ? Optional.of(uuid) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Account mapAccount(ResultSet row) throws SQLException {
    return new Account(row.getObject("id", UUID.class).toString(), row.getString("name"),
        Role.parse("role", row.getString("role")), JdbcCatalog.instant(row, "created_at"));
  }

  private static ApiKey mapKey(ResultSet row) throws SQLException {
    OffsetDateTime revoked = row.getObject("revoked_at", OffsetDateTime.class);
    return new ApiKey(row.getObject("id", UUID.class).toString(), row.getObject("account_id", UUID.class).toString(),
        row.getString("label"), JdbcCatalog.instant(row, "created_at"),
        revoked == null ? null : revoked.toInstant());
  }
}
