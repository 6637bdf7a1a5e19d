package io.streamkit.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalStorageContractTest extends MediaStorageContract {

  @Override
  protected MediaStorage open(Path temp) {
    return LocalStorage.in(temp.resolve("media"));
  }

  @Test
  void objectsAreFilesAStaticServerCanServe() throws Exception {
    storage.put("titles/1/master.m3u8", "#EXTM3U\n".getBytes());

    Path file = ((LocalStorage) storage).root().resolve("titles/1/master.m3u8");
    assertThat(file).hasContent("#EXTM3U");
    try (var names = Files.list(file.getParent())) {
      assertThat(names).as("no temporary file is left beside the object").containsExactly(file);
    }
  }
}
