package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The request target as {@link RequestDecoder} splits it: {@link RequestPath} before the first {@code ?},
 * {@link QueryString} after it. Netty hands the request line over one character per byte (ISO-8859-1), so the
 * fuzzer's bytes are read the same way.
 *
 * <p>Both parsers are checked against a plain reference of their rules written out here: a path is accepted exactly
 * when every segment, its percent-escapes (RFC 3986 §2.1, two ASCII hex digits) decoded once, passes the allow-list;
 * a query exactly when it has at most {@link QueryString#MAX_PARAMETERS} parameters, well-formed escapes and UTF-8
 * (WHATWG URL §5.1), and then the value of every parameter the origin or the query names is the reference's
 * decoding of the first parameter of that name. A refusal never echoes the query.
 */
class RequestTargetFuzzTest {

  private static final List<String> NAMES_THE_ORIGIN_READS = List.of("token", "page", "size", "status");

  @FuzzTest
  void parse(byte[] input) {
    String target = new String(input, StandardCharsets.ISO_8859_1);
    int q = target.indexOf('?');
    String rawPath = q < 0 ? target : target.substring(0, q);
    String rawQuery = q < 0 ? null : target.substring(q + 1);

    RequestPath path = RequestPath.parse(rawPath);
    assertThat(path == null ? null : path.segments()).as("segments of %s", rawPath).isEqualTo(segments(rawPath));
    if (path != null) {
      assertThat(path.size()).isLessThanOrEqualTo(RequestPath.MAX_SEGMENTS);
      assertThat(RequestPath.parse("/" + path.join(0)).segments()).isEqualTo(path.segments());
    }

    List<String> pieces = rawQuery == null ? List.of() : List.of(rawQuery.split("&", -1));
    boolean valid = pieces.size() <= QueryString.MAX_PARAMETERS
        && pieces.stream().allMatch(p -> formDecode(p) != null);
    QueryString query;
    try {
      query = QueryString.parse(rawQuery);
    } catch (IllegalArgumentException e) {
      assertThat(valid).as("refused a valid query: %s", e.getMessage()).isFalse();
      for (String piece : pieces) {
        if (piece.length() >= 8) {
          assertThat(e.getMessage()).doesNotContain(piece);
        }
      }
      return;
    }
    assertThat(valid).as("accepted an invalid query").isTrue();
    List<String> names = new ArrayList<>(NAMES_THE_ORIGIN_READS);
    for (String piece : pieces) {
      int eq = piece.indexOf('=');
      if (eq != 0 && !piece.isEmpty()) {
        names.add(eq < 0 ? piece : piece.substring(0, eq));
      }
    }
    for (String name : names) {
      assertThat(query.get(name)).as("value of %s", name).isEqualTo(firstValue(pieces, name));
    }
  }

  /** The reference path rule, or {@code null} for a refused path. */
  private static List<String> segments(String rawPath) {
    if (!rawPath.startsWith("/")) {
      return null;
    }
    if (rawPath.equals("/")) {
      return List.of();
    }
    String body = rawPath.substring(1, rawPath.endsWith("/") ? rawPath.length() - 1 : rawPath.length());
    String[] raw = body.split("/", -1);
    if (raw.length > RequestPath.MAX_SEGMENTS) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String segment : raw) {
      StringBuilder decoded = new StringBuilder();
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (c == '%') {
          if (i + 2 >= segment.length()) {
            return null;
          }
          int hi = asciiHex(segment.charAt(i + 1));
          int lo = asciiHex(segment.charAt(i + 2));
          if (hi < 0 || lo < 0) {
            return null;
          }
          decoded.append((char) (hi << 4 | lo));
          i += 2;
        } else {
          decoded.append(c);
        }
      }
      if (!allowListed(decoded) || decoded.length() > RequestPath.MAX_SEGMENT_CHARS) {
        return null;
      }
      out.add(decoded.toString());
    }
    return out;
  }

  private static boolean allowListed(CharSequence segment) {
    if (segment.isEmpty() || segment.charAt(0) == '.') {
      return false;
    }
    return segment.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-'
        || c == '_'));
  }

  /** The value of the first parameter named {@code name}, decoded, or {@code null}. */
  private static String firstValue(List<String> pieces, String name) {
    for (String piece : pieces) {
      if (piece.equals(name) || piece.startsWith(name + "=")) {
        return formDecode(piece.substring(Math.min(piece.length(), name.length() + 1)));
      }
    }
    return null;
  }

  /** WHATWG URL §5.1 percent-decoding of one piece, strict: {@code null} for a bad escape or bytes not UTF-8. */
  private static String formDecode(String piece) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < piece.length(); i++) {
      char c = piece.charAt(i);
      if (c == '%') {
        if (i + 2 >= piece.length()) {
          return null;
        }
        int hi = asciiHex(piece.charAt(i + 1));
        int lo = asciiHex(piece.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static int asciiHex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
  }
}
