package io.streamkit.server.origin;

/**
 * A single byte range from a {@code Range} header (RFC 9110 §14.1.2), resolved against the file size.
 *
 * <p>Only single ranges are honoured; a multi-range request is answered with the whole file, which RFC 9110 §14.2
 * allows (a server may ignore {@code Range}) and which players never need: they ask for one range at a time.
 * A syntactically invalid header is ignored too, as §14.2 requires: positions are ASCII digits only, and only spaces
 * and tabs may surround the range.
 */
record ByteRange(long start, long length) {

  /** The request asked only for bytes past the end: answer 416 (RFC 9110 §15.5.17). */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  long end() {
    return start + length - 1;
  }

  /** The range to send, {@link #UNSATISFIABLE}, or {@code null} to ignore the header and send the whole file. */
  static ByteRange parse(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return null;
    }
    String spec = OptionalWhitespace.trim(header.substring(6));
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String lastText = spec.substring(dash + 1);
    if (dash == 0) {
      long suffix = digits(lastText);
      if (suffix < 0) {
        return null;
      }
      if (suffix == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      long length = Math.min(suffix, size);
      return new ByteRange(size - length, length);
    }
    long first = digits(spec.substring(0, dash));
    long last = lastText.isEmpty() ? Long.MAX_VALUE : digits(lastText);
    if (first < 0 || last < first) {
      return null;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    last = Math.min(last, size - 1);
    return new ByteRange(first, last - first + 1);
  }

  /**
   * {@code 1*DIGIT} (RFC 9110 §14.1.2) as a long, or -1 for anything else: a sign, a non-ASCII digit, a number longer
   * than 18 digits (a position no file reaches).
   */
  private static long digits(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(text);
  }
}
