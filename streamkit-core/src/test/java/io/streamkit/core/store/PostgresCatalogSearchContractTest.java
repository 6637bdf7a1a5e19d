package io.streamkit.core.store;

import org.junit.jupiter.api.BeforeAll;

/**
 * Metadata and full-text search on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped
 * without {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresCatalogSearchContractTest extends CatalogSearchContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL catalog search tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_search");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
