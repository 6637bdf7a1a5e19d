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
 * costs one scan and no copy: the query is read where it lies in the request target, and values are decoded when
 * asked for.
 */
final class QueryString {

  static final QueryString EMPTY = new QueryString("", 0, false, false);
  /** Longer queries are refused; the request line limit is the outer bound, this keeps one value's decode small. */
  static final int MAX_PARAMETERS = 64;

  /**
   * The text the query is the end of, from {@link #from}: a {@code String}, or for a connection's reused query the
   * {@link HeadText} of its request head, re-pointed for each request ({@link #parse(CharSequence, int, QueryString)}).
   */
  private CharSequence source;
  private int from;
  /** Whether the query has more than one parameter: else a value runs to the end, found without a scan. */
  private boolean several;
  /** Whether the query has a {@code %} or {@code +}: else every value is its raw text, read without a scan. */
  private boolean escaped;

  private QueryString(CharSequence source, int from, boolean several, boolean escaped) {
    this.source = source;
    this.from = from;
    this.several = several;
    this.escaped = escaped;
  }

  /**
   * Checks a raw query (without {@code ?}).
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing the query (it may hold a token)
   */
  static QueryString parse(String raw) {
    return raw == null ? EMPTY : parse(raw, 0);
  }

  /**
   * Checks the query that is the end of {@code source} from {@code from} on (a request target after its {@code ?}).
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing the query (it may hold a token)
   */
  static QueryString parse(String source, int from) {
    return parse(source, from, null);
  }

  /**
   * As {@link #parse(String, int)}, over any text; the checked query is {@code reused} itself, re-pointed, when it
   * is given (a connection's one query for the requests it answers on its loop, see {@link RequestDecoder}).
   *
   * @throws IllegalArgumentException naming what is wrong, without echoing the query (it may hold a token)
   */
  static QueryString parse(CharSequence source, int from, QueryString reused) {
    if (from >= source.length()) {
      return EMPTY;
    }
    // indexOf rather than a loop over charAt: it runs for every request, and a token makes most of the query.
    int parameters = 1;
    for (int amp = HeadText.indexOf(source, '&', from); amp >= 0; amp = HeadText.indexOf(source, '&', amp + 1)) {
      if (++parameters > MAX_PARAMETERS) {
        throw new IllegalArgumentException("the query has more than " + MAX_PARAMETERS + " parameters");
      }
    }
    int percent = HeadText.indexOf(source, '%', from);
    boolean escaped = percent >= 0 || HeadText.indexOf(source, '+', from) >= 0;
    if (percent >= 0) {
      for (int i = percent; i >= 0; i = HeadText.indexOf(source, '%', i + 3)) {
        if (i + 2 >= source.length() || RequestPath.hexDigit(source.charAt(i + 1)) < 0
            || RequestPath.hexDigit(source.charAt(i + 2)) < 0) {
          throw new IllegalArgumentException("the query has a malformed percent-escape at character " + (i - from));
        }
      }
      int start = from;
      while (start <= source.length()) {
        int end = HeadText.indexOf(source, '&', start);
        end = end < 0 ? source.length() : end;
        decode(source, start, end, null, true);
        start = end + 1;
      }
    }
    if (reused == null) {
      return new QueryString(source, from, parameters > 1, escaped);
    }
    reused.source = source;
    reused.from = from;
    reused.several = parameters > 1;
    reused.escaped = escaped;
    return reused;
  }

  /** A query to reuse with {@link #parse(CharSequence, int, QueryString)}, empty until then. */
  static QueryString reusable() {
    return new QueryString("", 0, false, false);
  }

  /** The decoded value of the first parameter called {@code name}, or {@code null}. */
  String get(String name) {
    return get(name, null);
  }

  /**
   * As {@link #get(String)}, but returns {@code known} itself when the value equals it: a connection's requests
   * carry the same token, so the token is not copied out of each request target.
   */
  String get(String name, String known) {
    int i = from;
    int length = source.length();
    while (i < length) {
      int end = several ? HeadText.indexOf(source, '&', i) : -1;
      if (end < 0) {
        end = length;
      }
      if (end - i >= name.length() && HeadText.regionEquals(source, i, name.length(), name)
          && (end - i == name.length() || source.charAt(i + name.length()) == '=')) {
        int valueStart = Math.min(end, i + name.length() + 1);
        return decode(source, valueStart, end, known, escaped);
      }
      i = end + 1;
    }
    return null;
  }

  /** The value from {@code from} to {@code to}, decoded; {@code escaped} false says the query has nothing to decode. */
  private static String decode(CharSequence raw, int from, int to, String known, boolean escaped) {
    int percent = escaped ? HeadText.indexOf(raw, '%', from) : -1;
    int plus = escaped ? HeadText.indexOf(raw, '+', from) : -1;
    if ((percent < 0 || percent >= to) && (plus < 0 || plus >= to)) {
      if (known != null && HeadText.regionEquals(raw, from, to - from, known)) {
        return known;
      }
      return raw.subSequence(from, to).toString();
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
