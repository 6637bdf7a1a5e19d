package io.streamkit.server.origin;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The query of a request target ({@code application/x-www-form-urlencoded}, WHATWG URL §5.1), checked once when the
 * request is decoded so that no handler meets a malformed escape later: every {@code %} must be followed by two hex
 * digits and the decoded bytes must be UTF-8. A query without {@code %} or {@code +} (a playback token is base64url)
 * costs one scan and no allocation; values are decoded when asked for.
 */
final class QueryString {

  static final QueryString EMPTY = new QueryString("");
  /** Longer queries are refused; the request line limit is the outer bound, this keeps one value's decode small. */
  static final int MAX_PARAMETERS = 64;

  private final String raw;

  private QueryString(String raw) {
    this.raw = raw;
  }

  /**
   * Checks a raw query (without {@code ?}).
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing the query (it may hold a token)
   */
  static QueryString parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      return EMPTY;
    }
    // indexOf rather than a loop over charAt: it runs for every request, and a token makes most of the query.
    int parameters = 1;
    for (int amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', amp + 1)) {
      if (++parameters > MAX_PARAMETERS) {
        throw new IllegalArgumentException("the query has more than " + MAX_PARAMETERS + " parameters");
      }
    }
    int percent = raw.indexOf('%');
    if (percent >= 0) {
      for (int i = percent; i >= 0; i = raw.indexOf('%', i + 3)) {
        if (i + 2 >= raw.length() || RequestPath.hexDigit(raw.charAt(i + 1)) < 0
            || RequestPath.hexDigit(raw.charAt(i + 2)) < 0) {
          throw new IllegalArgumentException("the query has a malformed percent-escape at character " + i);
        }
      }
      int start = 0;
      while (start <= raw.length()) {
        int end = raw.indexOf('&', start);
        end = end < 0 ? raw.length() : end;
        decode(raw, start, end);
        start = end + 1;
      }
    }
    return new QueryString(raw);
  }

  /** The decoded value of the first parameter called {@code name}, or {@code null}. */
  String get(String name) {
    int i = 0;
    while (i < raw.length()) {
      int end = raw.indexOf('&', i);
      if (end < 0) {
        end = raw.length();
      }
      if (end - i >= name.length() && raw.startsWith(name, i)
          && (end - i == name.length() || raw.charAt(i + name.length()) == '=')) {
        int valueStart = Math.min(end, i + name.length() + 1);
        return decode(raw, valueStart, end);
      }
      i = end + 1;
    }
    return null;
  }

  private static String decode(String raw, int from, int to) {
    int percent = raw.indexOf('%', from);
    int plus = raw.indexOf('+', from);
    if ((percent < 0 || percent >= to) && (plus < 0 || plus >= to)) {
      return raw.substring(from, to);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        bytes.write(RequestPath.hexDigit(raw.charAt(i + 1)) << 4 | RequestPath.hexDigit(raw.charAt(i + 2)));
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the query has percent-escapes that are not UTF-8");
    }
  }
}
