package io.streamkit.server.origin;

/**
 * A single byte range from a {@code Range} header (RFC 9110 §14.1.2), resolved against the file size.
 *
 * <p>Only single ranges are honoured; a multi-range request is answered with the whole file, which RFC 9110 §14.2
 * allows (a server may ignore {@code Range}) and which players never need: they ask for one range at a time.
 * A syntactically invalid header is ignored too, as §14.2 requires.
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
    String spec = header.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      if (dash == 0) {
        long suffix = Long.parseLong(spec.substring(1));
        if (suffix <= 0) {
          return suffix == 0 ? UNSATISFIABLE : null;
        }
        if (size == 0) {
          return UNSATISFIABLE;
        }
        long length = Math.min(suffix, size);
        return new ByteRange(size - length, length);
      }
      long first = Long.parseLong(spec.substring(0, dash));
      String lastText = spec.substring(dash + 1);
      long last = lastText.isEmpty() ? Long.MAX_VALUE : Long.parseLong(lastText);
      if (first < 0 || last < first) {
        return null;
      }
      if (first >= size) {
        return UNSATISFIABLE;
      }
      last = Math.min(last, size - 1);
      return new ByteRange(first, last - first + 1);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
