package io.streamkit.core.analytics;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * The CMCD rollups contract on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped
 * without {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresCmcdRollupsContractTest extends CmcdRollupsContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL CMCD rollups tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_cmcd_rollups");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
