package io.streamkit.core.recommend;

import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import org.junit.jupiter.api.BeforeAll;

/**
 * The recommend contract on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped without
 * {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresRecommenderContractTest extends RecommenderContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL recommend tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_recommend");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
