package io.streamkit.server.origin;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A range of a connection's request-head bytes read as text, one byte a character (ISO-8859-1, which an HTTP/1.1
 * head is, RFC 9112 §2.2), without copying it into a {@code String}: the request target and the header names and
 * values of a request the {@link PlainRequestDecoder} decoded. It is reset for every request the connection sends,
 * so it is read on the channel's loop while that request is answered and never kept; {@link #toString()} and
 * {@link #subSequence} copy what must outlive it.
 */
final class HeadText implements CharSequence {

  /**
   * Known texts at least this long are compared as bytes, in one vectorised {@link Arrays#equals} (a connection's
   * playback token, about 300 characters, against the one in each request's query) instead of a character at a time.
   */
  static final int BYTE_COMPARE_FROM = 32;

  private byte[] bytes;
  private int offset;
  private int length;
  /** The last long known text compared ({@link #BYTE_COMPARE_FROM}) and its bytes; kept as the connection is. */
  private String comparedText;
  /** {@link #comparedText} one byte a character, or {@code null} when it has a character no byte can be. */
  private byte[] comparedBytes;

  /** Points this view at {@code length} bytes of {@code bytes} from {@code offset}. */
  HeadText set(byte[] bytes, int offset, int length) {
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    return this;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    return (char) (bytes[offset + index] & 0xff);
  }

  /** A copy: a {@code String}, so that what a caller keeps does not change with the next request. */
  @Override
  public CharSequence subSequence(int start, int end) {
    return new String(bytes, offset + start, end - start, StandardCharsets.ISO_8859_1);
  }

  @Override
  public String toString() {
    return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
  }

  /** The position of {@code c} in {@code text} at or after {@code from}, or -1 ({@code String.indexOf} for any text). */
  static int indexOf(CharSequence text, char c, int from) {
    if (text instanceof String string) {
      return string.indexOf(c, from);
    }
    if (text instanceof HeadText head) {
      return head.indexOf(c, from);
    }
    for (int i = Math.max(from, 0); i < text.length(); i++) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code text} holds exactly {@code known} from {@code from}, {@code length} characters long. */
  static boolean regionEquals(CharSequence text, int from, int length, String known) {
    if (known.length() != length) {
      return false;
    }
    if (text instanceof String string) {
      return string.regionMatches(from, known, 0, length);
    }
    if (text instanceof HeadText head) {
      return head.regionEquals(from, known);
    }
    for (int i = 0; i < length; i++) {
      if (text.charAt(from + i) != known.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #indexOf(CharSequence, char, int)} over this view's bytes: a query's token is most of a request target and
   * is scanned several times per request, so the loop reads the array rather than calling {@link #charAt} per byte.
   */
  private int indexOf(char c, int from) {
    if (c > 0xff) {
      return -1;
    }
    byte wanted = (byte) c;
    byte[] text = bytes;
    int end = offset + length;
    for (int i = offset + Math.max(from, 0); i < end; i++) {
      if (text[i] == wanted) {
        return i - offset;
      }
    }
    return -1;
  }

  /** Whether this view holds {@code known} from {@code from}; its length is checked by the caller. */
  private boolean regionEquals(int from, String known) {
    byte[] text = bytes;
    int start = offset + from;
    if (known.length() >= BYTE_COMPARE_FROM) {
      if (known != comparedText) {
        byte[] latin1 = known.getBytes(StandardCharsets.ISO_8859_1);
        comparedBytes = new String(latin1, StandardCharsets.ISO_8859_1).equals(known) ? latin1 : null;
        comparedText = known;
      }
      return comparedBytes != null && Arrays.equals(text, start, start + known.length(), comparedBytes, 0,
          comparedBytes.length);
    }
    for (int i = 0; i < known.length(); i++) {
      if ((text[start + i] & 0xff) != known.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
