package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tus 1.0.0 {@code Upload-Metadata} header (tus.io/protocols/resumable-upload, "Upload-Metadata") as
 * {@link ManagementEndpoints} reads it: comma-separated pairs, a key and a base64 value separated by a space, the
 * value optional. The header arrives one character per byte (Netty reads header values as ISO-8859-1).
 *
 * <p>What must hold: any header ends in the metadata or a 400 whose message is one line, never another exception; the
 * metadata is the reference reading of the pairs (RFC 4648 §4 base64, last duplicate wins), with values decoded as
 * UTF-8 exactly, so a value is never silently altered; and writing the metadata back as a header reads back the same.
 */
class TusMetadataFuzzTest {

  @FuzzTest
  void parse(byte[] input) {
    String header = new String(input, StandardCharsets.ISO_8859_1);
    Map<String, String> expected = reference(header);
    Map<String, String> metadata;
    try {
      metadata = ManagementEndpoints.tusMetadata(header);
    } catch (ApiException e) {
      assertThat(e.status).isEqualTo(HttpResponseStatus.BAD_REQUEST);
      assertThat(e.getMessage()).doesNotContain("\n", "\r");
      assertThat(expected).as("refused %s: %s", header, e.getMessage()).isNull();
      return;
    }
    assertThat(metadata).as("metadata of %s", header).isEqualTo(expected);
    String written = metadata.entrySet().stream()
        .filter(e -> !e.getKey().isEmpty() && e.getKey().indexOf(' ') < 0 && e.getKey().indexOf(',') < 0)
        .map(e -> e.getKey() + " " + Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))
        .collect(Collectors.joining(","));
    Map<String, String> again = ManagementEndpoints.tusMetadata(written);
    assertThat(again).isEqualTo(metadata.entrySet().stream()
        .filter(e -> !e.getKey().isEmpty() && e.getKey().indexOf(' ') < 0 && e.getKey().indexOf(',') < 0)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
  }

  /** The pairs as the tus specification writes them, or {@code null} for a value that is not base64 of UTF-8. */
  private static Map<String, String> reference(String header) {
    Map<String, String> out = new HashMap<>();
    if (header.isBlank()) {
      return out;
    }
    for (String pair : header.split(",")) {
      String trimmed = pair.trim();
      int space = trimmed.indexOf(' ');
      String key = space < 0 ? trimmed : trimmed.substring(0, space);
      String value = space < 0 ? "" : trimmed.substring(space + 1).trim();
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        return null;
      }
      try {
        out.put(key, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
      } catch (CharacterCodingException e) {
        return null;
      }
    }
    return out;
  }
}
