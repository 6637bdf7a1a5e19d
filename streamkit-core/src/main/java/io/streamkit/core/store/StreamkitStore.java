package io.streamkit.core.store;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireRange;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.access.PlaybackSessions;
import io.streamkit.core.access.Revocations;
import io.streamkit.core.account.Accounts;
import io.streamkit.core.account.AuditLog;
import io.streamkit.core.event.EventStore;
import io.streamkit.core.live.LiveStreams;
import io.streamkit.core.profile.Profiles;
import io.streamkit.core.progress.ProgressStore;
import io.streamkit.core.protection.ContentKeyStore;
import io.streamkit.core.protection.KeyWrapper;
import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.title.Catalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StreamKit's persistence: one connection pool, the schema brought up to date, and the {@link Catalog},
 * {@link ProgressStore} and {@link EventStore} on top of it. Thread-safe; close it to release the pool.
 *
 * <pre>{@code
 * try (StreamkitStore store = StreamkitStore.builder().dataDirectory(Path.of("streamkit-data")).build()) {
 *   Title title = store.catalog().create("Big Buck Bunny", "");
 * }
 * }</pre>
 *
 * <p>Embedded default: an H2 file database {@code streamkit.mv.db} in the data directory, which stays open until
 * {@link #close()} — even during JVM shutdown, so an application's shutdown hook can still write before it closes the
 * store (H2 recovers a database that was never closed, losing nothing committed). Shared deployments use
 * PostgreSQL through {@link Builder#jdbcUrl}. The schema is managed by Flyway from
 * {@code classpath:db/streamkit/migration} (and, for the few versions whose SQL differs, {@code db/streamkit/h2} or
 * {@code db/streamkit/postgresql}) with its own history table {@value #SCHEMA_HISTORY_TABLE}, so an
 * application's own Flyway migrations ({@code db/migration}, {@code flyway_schema_history}) in the same database are
 * untouched.
 */
public final class StreamkitStore implements AutoCloseable {

  /** Flyway's history table for StreamKit's migrations, apart from an application's own. */
  public static final String SCHEMA_HISTORY_TABLE = "streamkit_schema_history";
  /** Where StreamKit's Flyway migrations lie on the class path. */
  public static final String MIGRATIONS = "classpath:db/streamkit/migration";
  /** Base name of the embedded H2 database in the data directory; H2 adds {@code .mv.db}. */
  public static final String H2_FILE_NAME = "streamkit";
  /** Connections the pool opens at most, unless set: 10. */
  public static final int DEFAULT_POOL_SIZE = 10;
  /** The largest pool size accepted. */
  public static final int MAX_POOL_SIZE = 200;
  /** How long an operation waits for a free connection before it fails, unless set: 10 s. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
  /** HikariCP refuses connection timeouts below 250 ms. */
  public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);
  /** The longest connection timeout accepted. */
  public static final Duration MAX_CONNECTION_TIMEOUT = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(StreamkitStore.class);
  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource dataSource;
  /** Closes the pool this store opened; nothing for a data source the application owns. */
  private final AutoCloseable closer;
  private final SqlDialect dialect;
  private final Catalog catalog;
  private final ProgressStore progress;
  private final EventStore events;
  private final JdbcRunner jdbc;
  private final Clock clock;
  private final Revocations revocations;
  private final PlaybackSessions playbackSessions;
  private final LiveStreams liveStreams;
  private final Accounts accounts;
  private final AuditLog auditLog;
  private final Profiles profiles;

  private StreamkitStore(DataSource dataSource, AutoCloseable closer, SqlDialect dialect, Clock clock) {
    this.dataSource = dataSource;
    this.closer = closer;
    this.dialect = dialect;
    this.jdbc = new JdbcRunner(dataSource);
    this.clock = clock;
    this.catalog = new JdbcCatalog(jdbc, dialect, clock);
    this.progress = new JdbcProgressStore(jdbc, dialect);
    this.events = new JdbcEventStore(jdbc, dialect);
    this.revocations = new JdbcRevocations(jdbc, dialect, clock);
    this.playbackSessions = new JdbcPlaybackSessions(jdbc, dialect, clock);
    this.liveStreams = new JdbcLiveStreams(jdbc, dialect, clock);
    this.accounts = new JdbcAccounts(jdbc, dialect, clock);
    this.auditLog = new JdbcAuditLog(jdbc, dialect, clock);
    this.profiles = new JdbcProfiles(jdbc, dialect, clock);
  }

  /**
   * {@return settings for a store} Choose where the database is with exactly one of {@link Builder#dataDirectory},
   * {@link Builder#jdbcUrl} or {@link Builder#dataSource}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the catalog of titles, thread-safe and valid until the store is closed} */
  public Catalog catalog() {
    return catalog;
  }

  /** {@return the watch progress store, thread-safe and valid until the store is closed} */
  public ProgressStore progress() {
    return progress;
  }

  /** {@return the playback event log, thread-safe and valid until the store is closed} */
  public EventStore events() {
    return events;
  }

  /** {@return revoked tokens: whole viewers and single sessions, thread-safe and valid until the store is closed} */
  public Revocations revocations() {
    return revocations;
  }

  /** {@return playback sessions in progress, for stream limits; thread-safe and valid until the store is closed} */
  public PlaybackSessions playbackSessions() {
    return playbackSessions;
  }

  /** {@return live streams and their stream keys (hashed), thread-safe and valid until the store is closed} */
  public LiveStreams liveStreams() {
    return liveStreams;
  }

  /** {@return management accounts and their API keys (hashed), thread-safe and valid until the store is closed} */
  public Accounts accounts() {
    return accounts;
  }

  /** {@return the audit log of management changes, thread-safe and valid until the store is closed} */
  public AuditLog auditLog() {
    return auditLog;
  }

  /**
   * {@return viewers' profiles with their parental limits, thread-safe and valid until the store is closed} A
   * profile's watch progress is kept in {@link #progress()} under the profile's id
   * ({@link io.streamkit.core.profile.Profile#progressViewerId()}).
   */
  public Profiles profiles() {
    return profiles;
  }

  /**
   * The content keys of encrypted titles, kept in this database wrapped by {@code wrapper} (envelope encryption: the
   * database never holds a key in clear). Every origin and worker of a deployment uses the same master keys.
   *
   * @param wrapper the master keys ({@link MasterKeys}) or a KMS behind the same port
   * @return the key store, thread-safe and valid until the store is closed
   */
  public ContentKeyStore contentKeys(KeyWrapper wrapper) {
    return new JdbcContentKeyStore(jdbc, dialect, requireNonNull("wrapper", wrapper), clock);
  }

  /**
   * Re-wraps every stored content key under {@code wrapper}'s current key-encryption key: the second step of a
   * master key rotation (new key first in the list, old key kept below it; re-wrap; then drop the old key). The media
   * and the content keys themselves are unchanged, so nothing is re-encrypted or re-published. Safe to run again.
   *
   * @param wrapper the new master key first, and every key that wrapped stored keys
   * @return how many keys were re-wrapped
   * @throws io.streamkit.core.protection.ContentKeyException if a stored key was wrapped under a key
   *     {@code wrapper} does not hold
   */
  public int rewrapContentKeys(KeyWrapper wrapper) {
    return new JdbcContentKeyStore(jdbc, dialect, requireNonNull("wrapper", wrapper), clock).rewrap();
  }

  /**
   * {@return the pool, for components that keep their own tables beside StreamKit's (job queues, analytics)}
   * A pool the store opened closes with the store; do not close it yourself.
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /** {@return the database product: {@code H2} or {@code PostgreSQL}} */
  public String databaseName() {
    return dialect.name();
  }

  /**
   * Closes the pool this store opened; the embedded H2 database closes with it (not earlier, by H2's own shutdown
   * hook). A data source given with {@link Builder#dataSource} stays open: its owner closes it. Calling it again
   * does nothing.
   *
   * @throws StoreException if the pool cannot be closed
   */
  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      throw new StoreException("cannot close the StreamKit database: " + e.getMessage(), e);
    }
  }

  /** Where and how to connect; each setter checks its value at once. */
  public static final class Builder {
    private Path dataDirectory;
    private String jdbcUrl;
    private DataSource dataSource;
    private String username;
    private String password;
    private String schema;
    private int poolSize = DEFAULT_POOL_SIZE;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private Clock clock = Clock.systemUTC();

    private Builder() {
    }

    /**
     * Keep an H2 database in this directory (created if missing). Excludes {@link #jdbcUrl}. It stays open until
     * {@link StreamkitStore#close()}, also while the JVM shuts down, so close the store when the application stops.
     *
     * @param dataDirectory where the H2 file {@value StreamkitStore#H2_FILE_NAME}{@code .mv.db} lies
     * @return this builder
     * @throws InvalidValueException if {@code dataDirectory} is {@code null}
     */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = requireNonNull("dataDirectory", dataDirectory);
      return this;
    }

    /**
     * Connect to this database. Excludes {@link #dataDirectory}.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/database} or {@code jdbc:h2:...}, at most 4096 characters; a
     *     password in the URL is masked in messages
     * @return this builder
     * @throws InvalidValueException if the URL is {@code null}, blank or too long
     * @throws IllegalArgumentException if it names a database other than PostgreSQL or H2
     */
    public Builder jdbcUrl(String jdbcUrl) {
      InvalidValueException.requireText("jdbcUrl", jdbcUrl, 4096);
      SqlDialect.forJdbcUrl(jdbcUrl);
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /**
     * Use the application's own connection pool (PostgreSQL or H2) instead of opening one; excludes every other
     * connection setting. StreamKit migrates its tables in the data source's default schema (with its own history
     * table, so the application's migrations are untouched) and never closes the data source.
     *
     * @param dataSource the application's pool; its connections must allow creating tables
     * @return this builder
     * @throws InvalidValueException if {@code dataSource} is {@code null}
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = requireNonNull("dataSource", dataSource);
      return this;
    }

    /**
     * Sets the database user; none by default (the URL or the driver decides). Cannot be combined with
     * {@link #dataSource}.
     *
     * @param username the user name
     * @return this builder
     * @throws InvalidValueException if {@code username} is {@code null}
     */
    public Builder username(String username) {
      this.username = requireNonNull("username", username);
      return this;
    }

    /**
     * Sets the database password; none by default. Cannot be combined with {@link #dataSource}.
     *
     * @param password the password
     * @return this builder
     * @throws InvalidValueException if {@code password} is {@code null}
     */
    public Builder password(String password) {
      this.password = requireNonNull("password", password);
      return this;
    }

    /**
     * Keep StreamKit's tables in this schema (created if missing) instead of the connection's default one: lower-case
     * letters, digits and underscores, at most 63 characters (PostgreSQL's identifier limit). Cannot be combined
     * with {@link #dataSource}.
     *
     * @param schema the schema name, e.g. {@code streamkit}; H2 stores it in upper case
     * @return this builder
     * @throws InvalidValueException if the name breaks the rule
     */
    public Builder schema(String schema) {
      requireNonNull("schema", schema);
      if (!SCHEMA_NAME.matcher(schema).matches()) {
        throw new InvalidValueException("schema", schema,
            "must be 1 to 63 lower-case letters, digits or underscores, starting with a letter or underscore");
      }
      this.schema = schema;
      return this;
    }

    /**
     * Sets the most connections open at once; {@value StreamkitStore#DEFAULT_POOL_SIZE} by default. Ignored with
     * {@link #dataSource}, whose own settings apply.
     *
     * @param poolSize 1 to {@value StreamkitStore#MAX_POOL_SIZE}
     * @return this builder
     * @throws InvalidValueException if the size is out of range
     */
    public Builder poolSize(int poolSize) {
      this.poolSize = (int) requireRange("poolSize", poolSize, 1, MAX_POOL_SIZE);
      return this;
    }

    /**
     * Sets how long an operation waits for a free connection before it fails with a {@link StoreException};
     * {@link StreamkitStore#DEFAULT_CONNECTION_TIMEOUT} by default. Ignored with {@link #dataSource}.
     *
     * @param connectionTimeout {@link StreamkitStore#MIN_CONNECTION_TIMEOUT} to
     *     {@link StreamkitStore#MAX_CONNECTION_TIMEOUT}
     * @return this builder
     * @throws InvalidValueException if the timeout is {@code null} or out of range
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = requireRange("connectionTimeout", connectionTimeout, MIN_CONNECTION_TIMEOUT,
          MAX_CONNECTION_TIMEOUT);
      return this;
    }

    /**
     * Sets the clock for catalog timestamps; the system UTC clock by default.
     *
     * @param clock the clock; tests pass a fixed one
     * @return this builder
     * @throws InvalidValueException if {@code clock} is {@code null}
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull("clock", clock);
      return this;
    }

    /**
     * Opens the pool and migrates the schema, or with {@link #dataSource} migrates through the application's pool.
     *
     * @return the store, ready to use; close it when the application stops
     * @throws InvalidValueException if the settings contradict each other, or the data directory cannot be
     *     created
     * @throws StoreException if the database cannot be reached or migrated
     */
    public StreamkitStore build() {
      if (dataSource != null) {
        return buildOn(dataSource);
      }
      if (dataDirectory != null && jdbcUrl != null) {
        throw new InvalidValueException("jdbcUrl", jdbcUrl,
            "cannot be used together with dataDirectory " + dataDirectory + "; choose one");
      }
      if (dataDirectory == null && jdbcUrl == null) {
        throw new InvalidValueException("dataDirectory", null,
            "or jdbcUrl is required; use dataDirectory(path) for the embedded H2 database");
      }
      String url = jdbcUrl != null ? jdbcUrl : h2Url(dataDirectory);
      SqlDialect dialect = SqlDialect.forJdbcUrl(url);

      HikariConfig config = new HikariConfig();
      config.setPoolName("streamkit");
      config.setJdbcUrl(url);
      if (username != null) {
        config.setUsername(username);
      }
      if (password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(poolSize);
      config.setConnectionTimeout(connectionTimeout.toMillis());
      // H2 folds unquoted identifiers to upper case, PostgreSQL to lower case; use the folded name everywhere.
      String schemaName = schema == null ? null
          : dialect instanceof H2Dialect ? schema.toUpperCase(Locale.ROOT) : schema;
      if (schemaName != null) {
        config.setSchema(schemaName);
      }
      if (dialect instanceof PostgresDialect) {
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
      }
      HikariDataSource dataSource = null;
      try {
        if (schemaName != null) {
          createSchema(url, schemaName);
        }
        dataSource = new HikariDataSource(config);
        migrate(dataSource, dialect, schemaName);
        LOG.info("StreamKit store ready on {} ({} connections at most)", dialect.name(), poolSize);
        return new StreamkitStore(dataSource, dataSource, dialect, clock);
      } catch (RuntimeException e) {
        if (dataSource != null) {
          dataSource.close();
        }
        throw new StoreException("cannot open the StreamKit database at " + masked(url) + " (" + causeMessage(e)
            + "); check that it runs and the URL, user and password are right", e);
      }
    }

    private StreamkitStore buildOn(DataSource given) {
      if (dataDirectory != null || jdbcUrl != null || username != null || password != null || schema != null) {
        throw new InvalidValueException("dataSource", given.getClass().getSimpleName(), "cannot be used together"
            + " with dataDirectory, jdbcUrl, username, password or schema; configure the data source itself");
      }
      SqlDialect dialect;
      try (Connection connection = given.getConnection()) {
        dialect = SqlDialect.forProductName(connection.getMetaData().getDatabaseProductName());
      } catch (SQLException e) {
        throw new StoreException("cannot open a connection from the given data source (" + causeMessage(e)
            + "); check that its database runs", e);
      }
      try {
        migrate(given, dialect, null);
      } catch (RuntimeException e) {
        throw new StoreException("cannot prepare StreamKit's tables through the given data source ("
            + causeMessage(e) + ")", e);
      }
      LOG.info("StreamKit store ready on {} through the application's data source", dialect.name());
      return new StreamkitStore(given, () -> { }, dialect, clock);
    }

    /** The pool's connections switch to the schema as they open, so it must exist before the pool starts. */
    private void createSchema(String url, String schemaName) {
      try (Connection connection = DriverManager.getConnection(url, username, password);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + schemaName);
      } catch (SQLException e) {
        throw new StoreException("cannot create schema " + schemaName, e);
      }
    }

    private void migrate(DataSource dataSource, SqlDialect dialect, String schemaName) {
      var flyway = Flyway.configure(StreamkitStore.class.getClassLoader())
          .dataSource(dataSource)
          .locations(MIGRATIONS, dialect.migrations())
          .table(SCHEMA_HISTORY_TABLE)
          .failOnMissingLocations(true)
          // An application may already keep its own tables in this schema; start StreamKit's history at 0 so
          // StreamKit's V1 still runs instead of Flyway refusing a non-empty schema.
          .baselineOnMigrate(true)
          .baselineVersion("0");
      if (schemaName != null) {
        flyway.schemas(schemaName).defaultSchema(schemaName);
      }
      try {
        flyway.load().migrate();
      } catch (FlywayException e) {
        throw new StoreException("schema migration failed", e);
      }
    }

    /** Passwords may ride in JDBC URL parameters; messages and logs must not show them. */
    private static String masked(String url) {
      return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** The database's or Flyway's own words are the most useful; wrappers above them add nothing. */
    private static String causeMessage(Throwable e) {
      Throwable best = e;
      for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
        if (t instanceof SQLException || t instanceof FlywayException) {
          best = t;
        }
      }
      return best.getMessage() == null ? best.getClass().getSimpleName() : best.getMessage();
    }

    private static String h2Url(Path directory) {
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new InvalidValueException("dataDirectory", directory,
            "must be a directory StreamKit can create and write (" + e.getMessage() + ")");
      }
      // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database while the application's hook is
      // still writing to it (answered progress heartbeats, released jobs); the database closes with this store. A
      // caller's own H2 URL is left as given: AUTO_SERVER, for one, refuses this setting.
      return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(H2_FILE_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
    }
  }
}
