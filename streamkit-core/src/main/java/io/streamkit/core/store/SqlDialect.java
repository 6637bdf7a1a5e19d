package io.streamkit.core.store;

import io.streamkit.core.progress.WatchProgress;
import java.util.List;
import java.util.Locale;

/**
 * The few places where H2 and PostgreSQL need different SQL. Everything else StreamKit writes is standard SQL both
 * accept.
 */
interface SqlDialect {

  String name();

  /**
   * Upserts progress readings inside the caller's transaction, leaving a stored row alone when its client_ts is newer
   * than the reading's. The readings have distinct (viewer, title) keys and come sorted by key.
   *
   * @return how many readings were stored
   */
  int upsertProgress(JdbcRunner transaction, List<WatchProgress> readings);

  /** Whether an error means a referenced row (a title) does not exist. */
  boolean isForeignKeyViolation(StoreException e);

  /** Whether an error means a concurrent insert of the same key won. */
  boolean isUniqueViolation(StoreException e);

  /**
   * Where this database's own Flyway migrations lie beside the shared ones ({@link StreamkitStore#MIGRATIONS}): the
   * versions whose SQL cannot be written once for both databases, one file of the same version in each folder, or in
   * one folder only for a change that concerns one database (V17 tunes PostgreSQL's text indexes).
   */
  String migrations();

  /** The condition and rank that match a title's name and description against a search text that has a word. */
  TextSearch textSearch(String text);

  /**
   * The condition that the title {@code t} is in at least one of {@code categories} categories, each a bind
   * parameter: by default a lookup in {@code streamkit_title_categories}, which the planner can also start from when
   * the categories are rare.
   */
  default String inCategories(int categories) {
    return "EXISTS (SELECT 1 FROM streamkit_title_categories c WHERE c.title_id = t.id AND c.category IN ("
        + repeat("?", categories) + "))";
  }

  /**
   * Runs, first in a search's transaction, what the database needs to plan each search for its own text (nothing by
   * default).
   */
  default void beforeSearch(JdbcRunner transaction) {
  }

  static SqlDialect forJdbcUrl(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    if (url.startsWith("jdbc:h2:")) {
      return new H2Dialect();
    }
    throw new IllegalArgumentException("jdbcUrl " + jdbcUrl
        + " names an unsupported database; use jdbc:postgresql://host:port/database or jdbc:h2:file:/path");
  }

  /** The dialect of a database by its JDBC product name ({@code DatabaseMetaData.getDatabaseProductName()}). */
  static SqlDialect forProductName(String productName) {
    if ("PostgreSQL".equalsIgnoreCase(productName)) {
      return new PostgresDialect();
    }
    if ("H2".equalsIgnoreCase(productName)) {
      return new H2Dialect();
    }
    throw new IllegalArgumentException("the data source connects to " + productName
        + ", which StreamKit does not support; use PostgreSQL or H2");
  }

  /** Appends {@code rows} groups of {@code group}, separated by commas. */
  static String repeat(String group, int rows) {
    StringBuilder sql = new StringBuilder(rows * (group.length() + 1));
    for (int i = 0; i < rows; i++) {
      if (i > 0) {
        sql.append(',');
      }
      sql.append(group);
    }
    return sql.toString();
  }
}
