package io.streamkit.server.origin;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Date;

/**
 * Conditional requests (RFC 9110 §13), the same for files, playlists and pages: {@code If-None-Match} with weak
 * comparison (§13.1.2), {@code If-Modified-Since} only without it (§13.1.3), and {@code If-Range} (§13.1.5), which
 * needs a strong match. Around list members and validators only {@link OptionalWhitespace} is ignored.
 */
final class HttpConditionals {

  /**
   * No HTTP-date (§5.6.7) is longer: {@code Sunday, 06-Nov-94 08:49:37 GMT} is 30 characters. A longer value is not
   * one and is ignored (§13.1.3), before Netty's parser, which throws on values over 64 characters.
   */
  static final int MAX_HTTP_DATE_CHARS = 40;

  private HttpConditionals() {}

  /** Whether the client's copy is current: answer 304. {@code modifiedMillis} is ignored when negative. */
  static boolean notModified(HttpHeaders headers, CharSequence etag, long modifiedMillis) {
    String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return anyMatches(ifNoneMatch, etag);
    }
    String ifModifiedSince = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (ifModifiedSince != null && ifModifiedSince.length() <= MAX_HTTP_DATE_CHARS && modifiedMillis >= 0) {
      if (isFirstCenturyFixdate(ifModifiedSince)) {
        return false;
      }
      Date since = DateFormatter.parseHttpDate(ifModifiedSince);
      return since != null && modifiedMillis / 1000 <= since.getTime() / 1000;
    }
    return false;
  }

  /**
   * Whether {@code value} is shaped as an IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}, §5.6.7) whose
   * four-digit year is below 100. Netty's parser reads any year 0–99 as RFC 850's two-digit one (26 as 2026), also
   * when an IMF-fixdate writes it with four digits ({@code 0026}); such a date is in the first century, before every
   * file's modification time, so the file has been modified since.
   */
  private static boolean isFirstCenturyFixdate(String value) {
    return value.length() == 29 && value.charAt(3) == ',' && value.charAt(11) == ' ' && value.charAt(12) == '0'
        && value.charAt(13) == '0';
  }

  /** Whether an {@code If-None-Match} list (or {@code *}) names {@code etag}, compared weakly. */
  static boolean anyMatches(String ifNoneMatch, CharSequence etag) {
    int start = 0;
    while (start <= ifNoneMatch.length()) {
      int end = ifNoneMatch.indexOf(',', start);
      if (end < 0) {
        end = ifNoneMatch.length();
      }
      String tag = OptionalWhitespace.trim(ifNoneMatch.substring(start, end));
      if (tag.equals("*") || AsciiString.contentEquals(tag.startsWith("W/") ? tag.substring(2) : tag, etag)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** Whether a {@code Range} may be honoured: no {@code If-Range}, or one that names the current representation. */
  static boolean rangeAllowed(HttpHeaders headers, CharSequence etag, CharSequence lastModified) {
    String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
    if (ifRange == null) {
      return true;
    }
    String validator = OptionalWhitespace.trim(ifRange);
    return AsciiString.contentEquals(validator, etag) || AsciiString.contentEquals(validator, lastModified);
  }
}
