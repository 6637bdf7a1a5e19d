package io.streamkit.core.live;

import io.streamkit.core.store.StreamkitStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The live stream contract on the embedded default: an H2 file database in a fresh data directory per test. */
class H2LiveStreamsContractTest extends LiveStreamsContractTest {

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
