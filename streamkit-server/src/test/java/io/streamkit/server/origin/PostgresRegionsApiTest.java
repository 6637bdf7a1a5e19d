package io.streamkit.server.origin;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link RegionsApiTest} with the origin on PostgreSQL; each test in a schema of its own, skipped without
 * {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresRegionsApiTest extends RegionsApiTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL regions API tests");
  }

  @Override
  StreamkitStore openStore() {
    schema = PostgresTestSchema.create("streamkit_regions_api");
    return schema.store().build();
  }

  @Override
  void dropStore() throws Exception {
    schema.drop();
  }
}
