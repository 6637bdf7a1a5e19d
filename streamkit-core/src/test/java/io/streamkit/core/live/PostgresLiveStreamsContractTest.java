package io.streamkit.core.live;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * The live stream contract on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped
 * without {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresLiveStreamsContractTest extends LiveStreamsContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL live stream tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_live");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
