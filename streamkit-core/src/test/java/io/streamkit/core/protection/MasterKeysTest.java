package io.streamkit.core.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MasterKeysTest {

  private static final byte[] CONTEXT = "title/key".getBytes(StandardCharsets.UTF_8);

  @Test
  void aWrappedKeyUnwrapsOnlyWithItsContextAndIsNotTheKey() {
    MasterKeys master = MasterKeys.parse(MasterKeys.generateText(), "test");
    byte[] key = ContentKey.generate().key();

    byte[] wrapped = master.wrap(key, CONTEXT);

    assertThat(wrapped).hasSize(12 + 16 + 16);
    assertThat(new String(wrapped, StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
    assertThat(master.wrap(key, CONTEXT)).as("a fresh nonce each time").isNotEqualTo(wrapped);
    assertThat(master.unwrap(master.currentKeyId(), wrapped, CONTEXT)).isEqualTo(key);
    assertThatThrownBy(() -> master.unwrap(master.currentKeyId(), wrapped, "title/other".getBytes()))
        .isInstanceOf(ContentKeyException.class).hasMessageContaining("integrity check");
    wrapped[20] ^= 1;
    assertThatThrownBy(() -> master.unwrap(master.currentKeyId(), wrapped, CONTEXT))
        .isInstanceOf(ContentKeyException.class).hasMessageContaining("altered");
  }

  @Test
  void theFirstKeyWrapsAndTheOthersStillUnwrap() {
    String old = MasterKeys.generateText();
    MasterKeys before = MasterKeys.parse(old, "test");
    byte[] wrapped = before.wrap(new byte[16], CONTEXT);

    MasterKeys after = MasterKeys.parse("# rotated\n" + MasterKeys.generateText() + "\n\n" + old + "\n", "test");

    assertThat(after.currentKeyId()).isNotEqualTo(before.currentKeyId());
    assertThat(after.keyIds()).contains(before.currentKeyId());
    assertThat(after.unwrap(before.currentKeyId(), wrapped, CONTEXT)).isEqualTo(new byte[16]);
    assertThat(MasterKeys.parse(old, "again").currentKeyId()).as("ids are stable").isEqualTo(before.currentKeyId());
  }

  @Test
  void badKeyTextIsRefusedNamingItsSource() {
    assertThatThrownBy(() -> MasterKeys.parse("# nothing\n", "/etc/streamkit/master.key"))
        .hasMessage("/etc/streamkit/master.key holds no master key; put base64 of 32 random bytes in it"
            + " (openssl rand -base64 32)");
    assertThatThrownBy(() -> MasterKeys.parse(Base64.getEncoder().encodeToString(new byte[16]), "STREAMKIT_MASTER_KEY"))
        .hasMessageContaining("master key 1 in STREAMKIT_MASTER_KEY is 16 bytes");
    assertThatThrownBy(() -> MasterKeys.parse("not base64!", "STREAMKIT_MASTER_KEY"))
        .hasMessageContaining("is not base64");
  }
}
