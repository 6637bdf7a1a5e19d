package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyException;
import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.store.StreamkitStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A master key rotation from the command line: the keys stay readable, under the new master key only. */
class RewrapKeysCommandTest {

  @TempDir Path data;

  @Test
  void rotatingTheMasterKeyKeepsEveryContentKey() throws Exception {
    String oldKey = MasterKeys.generateText();
    String newKey = MasterKeys.generateText();
    ContentKey key = ContentKey.generate();
    String title;
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      title = store.catalog().create("Encrypted", "").id().toString();
      store.contentKeys(MasterKeys.parse(oldKey, "test")).save(title, List.of(key));
    }
    Path file = data.resolve("master.key");
    Files.writeString(file, newKey + "\n" + oldKey + "\n");

    TokenAndServeCommandTest.Run r = TokenAndServeCommandTest.run("rewrap-keys", "--data", data.toString(),
        "--master-key-file", file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("1 content key re-wrapped under master key "
        + MasterKeys.parse(newKey, "test").currentKeyId());
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      assertThat(store.contentKeys(MasterKeys.parse(newKey, "test")).find(title, key.id())).contains(key);
      assertThatThrownBy(() -> store.contentKeys(MasterKeys.parse(oldKey, "test")).find(title, key.id()))
          .isInstanceOf(ContentKeyException.class);
    }
  }

  @Test
  void withoutMasterKeysItSaysWhatToGive() {
    TokenAndServeCommandTest.Run r = TokenAndServeCommandTest.run("rewrap-keys", "--data", data.toString(),
        "--master-key-file", data.resolve("missing.key").toString());

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err().strip()).contains("--master-key-file").contains("does not exist").doesNotContain("\tat ");
  }
}
