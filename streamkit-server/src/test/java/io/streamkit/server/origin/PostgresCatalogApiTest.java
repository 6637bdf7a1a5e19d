package io.streamkit.server.origin;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CatalogApiTest} with the origin on PostgreSQL, where search is full-text ranked; each test in a schema of its
 * own, skipped without {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresCatalogApiTest extends CatalogApiTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL catalog API tests");
  }

  @Override
  StreamkitStore openStore() {
    schema = PostgresTestSchema.create("streamkit_catalog_api");
    return schema.store().build();
  }

  @Override
  void dropStore() throws Exception {
    schema.drop();
  }
}
