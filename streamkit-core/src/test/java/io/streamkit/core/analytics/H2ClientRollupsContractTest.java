package io.streamkit.core.analytics;

import io.streamkit.core.store.StreamkitStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The client rollups contract on the embedded default H2 database. */
class H2ClientRollupsContractTest extends ClientRollupsContractTest {

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
