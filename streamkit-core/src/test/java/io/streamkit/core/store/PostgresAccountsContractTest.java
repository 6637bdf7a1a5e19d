package io.streamkit.core.store;

import org.junit.jupiter.api.BeforeAll;

/**
 * The accounts contract on PostgreSQL, each test in a schema of its own ({@link PostgresTestSchema}); skipped without
 * {@code STREAMKIT_TEST_PG_URL} except in CI.
 */
class PostgresAccountsContractTest extends AccountsContractTest {

  private PostgresTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PostgresTestSchema.require("PostgreSQL accounts contract tests");
  }

  @Override
  protected StreamkitStore.Builder emptyStore() {
    schema = PostgresTestSchema.create("streamkit_accounts");
    return schema.store();
  }

  @Override
  protected void dropStore() throws Exception {
    schema.drop();
  }
}
