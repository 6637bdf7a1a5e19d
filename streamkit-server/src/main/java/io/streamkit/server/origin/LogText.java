package io.streamkit.server.origin;

/**
 * Makes text from a request safe to put in a log line: control characters (CR, LF, ESC, NUL and the rest of Unicode
 * category Cc, plus the line and paragraph separators) become {@code \n}, {@code \r}, {@code \t} or {@code \}{@code
 * uXXXX}, and a backslash becomes two, so a reason, a name or a header can neither forge a log line nor send
 * terminal escape sequences (CWE-117). Long values are cut, as a log line is not a place for a request body.
 */
final class LogText {

  /** The most characters of one value that reach a log line. */
  static final int MAX_CHARS = 512;

  private LogText() {}

  /** The value escaped and cut to {@link #MAX_CHARS}; {@code "null"} for {@code null}. */
  static String escape(String value) {
    if (value == null) {
      return "null";
    }
    int length = Math.min(value.length(), MAX_CHARS);
    int i = 0;
    while (i < length && !needsEscape(value.charAt(i))) {
      i++;
    }
    if (i == value.length()) {
      return value;
    }
    StringBuilder out = new StringBuilder(length + 16).append(value, 0, i);
    for (; i < length; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (needsEscape(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (value.length() > length) {
      out.append("…(").append(value.length() - length).append(" more)");
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return Character.isISOControl(c) || c == '\\' || c == '\u2028' || c == '\u2029' || c == '\u0085';
  }
}
