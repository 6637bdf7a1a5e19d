package io.streamkit.core.recommend;

import io.streamkit.core.store.StreamkitStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The recommender contract on the embedded default H2 database. */
class H2RecommenderContractTest extends RecommenderContractTest {

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
