package io.streamkit.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Metadata and search on the embedded default: an H2 file database in a fresh data directory per test. */
class H2CatalogSearchContractTest extends CatalogSearchContractTest {

  @TempDir
  Path dataDirectory;

  @Override
  protected StreamkitStore.Builder emptyStore() {
    return StreamkitStore.builder().dataDirectory(dataDirectory);
  }

  @Override
  protected void dropStore() {
    // @TempDir removes the database files.
  }
}
