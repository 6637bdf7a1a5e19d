package io.streamkit.core.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The profiles contract on the embedded default: an H2 file database in a fresh data directory per test. */
class H2ProfilesContractTest extends ProfilesContractTest {

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
