package io.streamkit.core.store;

import org.junit.jupiter.api.BeforeAll;

/**
 * The profiles contract on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped without
 * {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresProfilesContractTest extends ProfilesContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL profiles contract tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_profiles");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
