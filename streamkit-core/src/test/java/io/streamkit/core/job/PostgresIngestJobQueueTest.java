package io.streamkit.core.job;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * The queue on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped without
 * {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresIngestJobQueueTest extends IngestJobQueueContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL ingest queue tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_jobs");
    return schema.store();
  }

  @Override
  protected StreamkitStore.Builder sameStore() {
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
