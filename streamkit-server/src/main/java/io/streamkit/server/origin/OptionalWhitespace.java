package io.streamkit.server.origin;

/**
 * OWS, the optional whitespace around the elements of a field value (RFC 9110 §5.6.3): spaces and horizontal tabs,
 * nothing else. {@link String#strip()} would also take control characters such as U+001D off, so a value that is not
 * valid would pass for one.
 */
final class OptionalWhitespace {

  private OptionalWhitespace() {}

  static String trim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isOws(value.charAt(start))) {
      start++;
    }
    while (end > start && isOws(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
