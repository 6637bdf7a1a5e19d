package io.streamkit.core.analytics;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * The client rollups contract on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped without
 * {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresClientRollupsContractTest extends ClientRollupsContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL client rollups tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_client_rollups");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
