package io.streamkit.core.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentKeyFileTest {

  @TempDir Path dir;

  @Test
  void keysWrittenByOneStoreAreFoundByAnotherOnTheSameFileOwnerOnly() throws Exception {
    Path file = dir.resolve("keys/streamkit.keys");
    ContentKey first = ContentKey.generate();
    ContentKey second = ContentKey.generate();
    ContentKeyFile reader = ContentKeyFile.at(file);
    assertThat(reader.find("bunny", first.id())).isEmpty();

    ContentKeyFile.at(file).save("bunny", List.of(first));
    ContentKeyFile.at(file).save("bunny", List.of(first, second));

    assertThat(reader.find("bunny", first.id())).contains(first);
    assertThat(reader.find("bunny", second.id())).contains(second);
    assertThat(reader.find("other", first.id())).as("a key opens only its own title").isEmpty();
    assertThat(Files.readAllLines(file)).hasSize(2);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void deletingATitleKeepsTheOthers() {
    ContentKeyFile keys = ContentKeyFile.at(dir.resolve("streamkit.keys"));
    ContentKey bunny = ContentKey.generate();
    ContentKey sintel = ContentKey.generate();
    keys.save("bunny", List.of(bunny));
    keys.save("sintel", List.of(sintel));

    keys.delete("bunny");

    assertThat(keys.find("bunny", bunny.id())).isEmpty();
    assertThat(keys.find("sintel", sintel.id())).contains(sintel);
  }

  @Test
  void aDamagedLineIsReportedWithItsNumber() throws Exception {
    Path file = dir.resolve("streamkit.keys");
    Files.writeString(file, "# keys\nbunny 0123456789abcdef0123456789abcdef AAAA\n");

    assertThatThrownBy(() -> ContentKeyFile.at(file).find("bunny", "0123456789abcdef0123456789abcdef"))
        .isInstanceOf(ContentKeyException.class)
        .hasMessageContaining("line 2 of key file")
        .hasMessageContaining("must be 16 bytes");
  }
}
