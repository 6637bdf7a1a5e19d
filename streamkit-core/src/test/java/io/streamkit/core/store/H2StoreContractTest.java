package io.streamkit.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded default: an H2 file database in a fresh data directory per test. */
class H2StoreContractTest extends StoreContractTest {

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
