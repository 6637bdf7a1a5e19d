package io.streamkit.core.job;

import io.streamkit.core.store.StreamkitStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The queue on the embedded H2 file database. */
class H2IngestJobQueueTest extends IngestJobQueueContractTest {

  @TempDir
  Path dataDirectory;

  @Override
  protected StreamkitStore.Builder emptyStore() {
    return sameStore();
  }

  @Override
  protected StreamkitStore.Builder sameStore() {
    // AUTO_SERVER lets a second pool open the same file, as a second process would.
    return StreamkitStore.builder().jdbcUrl("jdbc:h2:file:" + dataDirectory.resolve("streamkit") + ";AUTO_SERVER=TRUE");
  }

  @Override
  protected void dropStore() {
    // @TempDir removes the database files.
  }
}
