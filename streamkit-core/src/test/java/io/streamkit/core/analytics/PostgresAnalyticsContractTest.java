package io.streamkit.core.analytics;

import io.streamkit.core.store.StreamkitStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The analytics contract on PostgreSQL at {@code STREAMKIT_TEST_PG_URL}, in a schema of its own per test. Skipped
 * with one line on standard output without the variable, except in CI ({@code CI=true}), where that fails.
 */
class PostgresAnalyticsContractTest extends AnalyticsContractTest {

  static final String URL_VARIABLE = "STREAMKIT_TEST_PG_URL";

  private String schema;

  @BeforeAll
  static void requirePostgres() {
    if (System.getenv(URL_VARIABLE) == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(URL_VARIABLE + " is not set but CI=true: CI must run the PostgreSQL analytics tests");
      }
      System.out.println("PostgreSQL analytics tests skipped: set " + URL_VARIABLE
          + "=jdbc:postgresql://127.0.0.1:5432/test?user=postgres to run them");
      Assumptions.abort(URL_VARIABLE + " is not set");
    }
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = "streamkit_analytics_" + UUID.randomUUID().toString().replace("-", "");
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
