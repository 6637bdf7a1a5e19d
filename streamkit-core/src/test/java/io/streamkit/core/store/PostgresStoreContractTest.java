package io.streamkit.core.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on PostgreSQL, at {@code STREAMKIT_TEST_PG_URL} (e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). Each test works in a schema of its own, dropped
 * afterwards. Without the variable the class is skipped with one line on standard output, except in CI
 * ({@code CI=true}), where a missing database is a failure.
 */
class PostgresStoreContractTest extends StoreContractTest {

  static final String URL_VARIABLE = "STREAMKIT_TEST_PG_URL";

  private String schema;

  @BeforeAll
  static void requirePostgres() {
    if (System.getenv(URL_VARIABLE) == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(URL_VARIABLE + " is not set but CI=true: CI must run the PostgreSQL contract tests");
      }
      System.out.println("PostgreSQL contract tests skipped: set " + URL_VARIABLE
          + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run them");
      Assumptions.abort(URL_VARIABLE + " is not set");
    }
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = "streamkit_test_" + UUID.randomUUID().toString().replace("-", "");
    return StreamkitStore.builder().jdbcUrl(System.getenv(URL_VARIABLE)).schema(schema);
  }

  @Override
  protected void dropStore() throws Exception {
    try (Connection connection = DriverManager.getConnection(System.getenv(URL_VARIABLE));
         Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
