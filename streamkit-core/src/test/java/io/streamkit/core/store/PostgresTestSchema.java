package io.streamkit.core.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL schema of its own for one test, in the database at {@code STREAMKIT_TEST_PG_URL} (e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}), dropped afterwards. Without the variable, {@link
 * #require} skips the calling tests with one line on standard output, except in CI ({@code CI=true}), where a missing
 * database is a failure: CI must run every PostgreSQL test. Published in the test-jar for other modules' tests.
 */
public final class PostgresTestSchema {

  public static final String URL_VARIABLE = "STREAMKIT_TEST_PG_URL";

  private final String name;

  private PostgresTestSchema(String name) {
    this.name = name;
  }

  /** Skips the calling tests (fails them in CI) unless PostgreSQL is configured; {@code what} names them. */
  public static void require(String what) {
    if (System.getenv(URL_VARIABLE) == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(URL_VARIABLE + " is not set but CI=true: CI must run the " + what);
      }
      System.out.println(what + " skipped: set " + URL_VARIABLE
          + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run them");
      Assumptions.abort(URL_VARIABLE + " is not set");
    }
  }

  /** A fresh schema name starting with {@code prefix}; nothing is created until a store opens it. */
  public static PostgresTestSchema create(String prefix) {
    return new PostgresTestSchema(prefix + "_" + UUID.randomUUID().toString().replace("-", ""));
  }

  /** The schema's name, for tests that reach it without a store. */
  public String name() {
    return name;
  }

  /** A store builder on this schema; Flyway creates the schema when the store opens. */
  public StreamkitStore.Builder store() {
    return StreamkitStore.builder().jdbcUrl(System.getenv(URL_VARIABLE)).schema(name);
  }

  public void drop() throws SQLException {
    try (Connection connection = DriverManager.getConnection(System.getenv(URL_VARIABLE));
         Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }
}
