package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A reused file response's headers refuse a value that would split the response, however the value is held. */
class ResponseHeadersTest {

  @Test
  void aValueWithALineBreakOrNulIsRefusedAtItsIndex() {
    ResponseHeaders headers = new ResponseHeaders();
    for (CharSequence value : new CharSequence[] {"ab\r\nX-Injected: 1", new AsciiString("ab\nc"),
        new StringBuilder("ab\0c")}) {
      assertThatThrownBy(() -> headers.set("ETag", value)).as("%s", value.getClass().getSimpleName())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at index 2");
    }
    assertThat(headers.contains("ETag")).isFalse();
  }

  @Test
  void anAsciiStringIsCheckedOverItsOwnBytesOnly() {
    byte[] bytes = "\r\n\"abc\"\r\n".getBytes(StandardCharsets.US_ASCII);
    ResponseHeaders headers = new ResponseHeaders();

    headers.set("ETag", new AsciiString(bytes, 2, 5, false));
    assertThat(headers.get("etag")).isEqualTo("\"abc\"");

    assertThatThrownBy(() -> headers.set("ETag", new AsciiString(bytes, 2, 6, false)))
        .hasMessageContaining("at index 5");
  }
}
