package io.streamkit.server.origin;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.util.Date;

/**
 * The {@code Date} header value (RFC 9110 §6.6.1), formatted and encoded at most once per second rather than per
 * response.
 */
final class HttpDates {

  private record Stamp(long second, AsciiString text) {}

  private static volatile Stamp current = new Stamp(-1, AsciiString.EMPTY_STRING);

  private HttpDates() {}

  static AsciiString now() {
    long millis = System.currentTimeMillis();
    long second = millis / 1000;
    Stamp stamp = current;
    if (stamp.second != second) {
      stamp = new Stamp(second, new AsciiString(DateFormatter.format(new Date(second * 1000))));
      current = stamp;
    }
    return stamp.text;
  }

  static String format(long epochMillis) {
    return DateFormatter.format(new Date(epochMillis));
  }
}
