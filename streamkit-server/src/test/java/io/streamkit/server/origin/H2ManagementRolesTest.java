package io.streamkit.server.origin;

import io.streamkit.core.store.StreamkitStore;

/** The role matrix on the embedded H2 database, in the test's data directory. */
class H2ManagementRolesTest extends ManagementRolesTest {

  @Override
  protected StreamkitStore.Builder emptyStore() {
    return StreamkitStore.builder().dataDirectory(data);
  }

  @Override
  protected void dropStore() {
    // @TempDir removes the database files.
  }
}
