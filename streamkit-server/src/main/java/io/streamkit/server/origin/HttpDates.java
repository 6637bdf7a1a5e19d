package io.streamkit.server.origin;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/** The {@code Date} header value (RFC 9110 §6.6.1), formatted at most once per second rather than per response. */
final class HttpDates {

  private record Stamp(long second, String text) {}

  private static volatile Stamp current = new Stamp(-1, "");

  private HttpDates() {}

  static String now() {
    long millis = System.currentTimeMillis();
    long second = millis / 1000;
    Stamp stamp = current;
    if (stamp.second != second) {
      stamp = new Stamp(second, DateFormatter.format(new Date(second * 1000)));
      current = stamp;
    }
    return stamp.text;
  }

  static String format(long epochMillis) {
    return DateFormatter.format(new Date(epochMillis));
  }
}
