package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * The headers of a file request, decided as {@link FileHandler} decides them: {@link HttpConditionals} for 304 and
 * {@code If-Range}, then {@link ByteRange} for 206/416. The input is a header block as a client sends it, one
 * {@code Name: value} per line, after a first line {@code <size> <modified millis>} describing the file.
 *
 * <p>Checked against RFC 9110 read directly: any header values end in a decision, never an exception. OWS is space
 * and tab (§5.6.3). {@code If-None-Match} (§13.1.2) matches exactly when a list member is {@code *} or the ETag,
 * weak or strong; without it, an IMF-fixdate {@code If-Modified-Since} (§13.1.3, §5.6.7) means 304 exactly when the
 * file is not newer to the second. {@code If-Range} (§13.1.5) lets a range through only for the strong ETag or the
 * exact {@code Last-Modified}. A range that is honoured is what §14.1.2 says it is and lies within the file; every
 * valid single {@code bytes} range is honoured; anything else (invalid syntax, several ranges) is ignored (§14.2).
 */
class FileRequestHeadersFuzzTest {

  private static final long DEFAULT_SIZE = 1_048_576;
  private static final long DEFAULT_MODIFIED = 1_772_366_400_000L;
  private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
      .ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US).withResolverStyle(ResolverStyle.STRICT)
      .withZone(ZoneOffset.UTC);

  @FuzzTest
  void decide(byte[] input) {
    String[] lines = new String(input, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
    String[] file = lines[0].split(" ", -1);
    long size = Math.min(number(file[0], DEFAULT_SIZE), 1L << 50);
    long modified = Math.min(number(file.length > 1 ? file[1] : "", DEFAULT_MODIFIED), 253_402_300_799_000L);
    HttpHeaders headers = new DefaultHttpHeaders(false);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(lines[i].substring(0, colon), trimOws(lines[i].substring(colon + 1)));
      }
    }
    String etag = '"' + Long.toHexString(modified / 1000) + '-' + Long.toHexString(size) + '"';
    String lastModified = HttpDates.format(modified);

    boolean notModified = HttpConditionals.notModified(headers, etag, modified);
    String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
    String ifModifiedSince = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (ifNoneMatch != null) {
      assertThat(notModified).as("If-None-Match %s against %s", ifNoneMatch, etag)
          .isEqualTo(listMatches(ifNoneMatch, etag));
    } else if (ifModifiedSince != null && imfFixdateSeconds(ifModifiedSince) != null) {
      assertThat(notModified).as("If-Modified-Since %s, modified %s", ifModifiedSince, lastModified)
          .isEqualTo(modified / 1000 <= imfFixdateSeconds(ifModifiedSince));
    } else if (ifModifiedSince == null) {
      assertThat(notModified).isFalse();
    }

    boolean rangeAllowed = HttpConditionals.rangeAllowed(headers, etag, lastModified);
    String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
    assertThat(rangeAllowed).as("If-Range %s against %s and %s", ifRange, etag, lastModified)
        .isEqualTo(ifRange == null || trimOws(ifRange).equals(etag) || trimOws(ifRange).equals(lastModified));

    String rangeHeader = headers.get(HttpHeaderNames.RANGE);
    ByteRange range = ByteRange.parse(rangeHeader, size);
    Answer rfc = rangeHeader == null ? null : singleRange(rangeHeader, size);
    if (range != null) {
      assertThat(rfc).as("honoured Range %s of a %d-byte file", rangeHeader, size).isNotNull();
      if (range == ByteRange.UNSATISFIABLE) {
        assertThat(rfc.satisfiable()).as("416 for %s of %d bytes", rangeHeader, size).isFalse();
      } else {
        assertThat(range.start()).isNotNegative();
        assertThat(range.length()).isPositive();
        assertThat(range.start() + range.length()).isLessThanOrEqualTo(size);
        assertThat(rfc.satisfiable()).as("206 for %s of %d bytes", rangeHeader, size).isTrue();
        assertThat(range.start()).isEqualTo(rfc.start().longValueExact());
        assertThat(range.length()).isEqualTo(rfc.length().longValueExact());
      }
    } else if (rfc != null) {
      assertThat(rfc.numbersFitLong()).as("ignored the valid Range %s", rangeHeader).isFalse();
    }
  }

  /** A decimal number in the file line, or the default. */
  private static long number(String text, long fallback) {
    try {
      return Math.max(0, Long.parseLong(text));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** RFC 9110 §5.6.3: OWS is spaces and horizontal tabs. */
  private static String trimOws(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
      end--;
    }
    return value.substring(start, end);
  }

  /** §13.1.2 weak comparison over a list of entity-tags (§5.6.1 list, §8.8.3 entity-tag); the ETag holds no comma. */
  private static boolean listMatches(String list, String etag) {
    for (String member : list.split(",", -1)) {
      String tag = trimOws(member);
      if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private static Long imfFixdateSeconds(String value) {
    try {
      return ZonedDateTime.parse(value, IMF_FIXDATE).toEpochSecond();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * What §14.1.2 makes of a range: satisfiable with a first byte and a length, or not; {@code numbersFitLong} tells
   * whether its positions fit the origin's arithmetic (longer numbers may be ignored, which §14.2 allows).
   */
  private record Answer(boolean satisfiable, BigInteger start, BigInteger length, boolean numbersFitLong) {}

  /**
   * The answer to a {@code Range} of one {@code bytes} range-spec (ASCII digits, OWS around it), or {@code null} when
   * the header is anything else: another unit, several ranges, invalid syntax, or a first-pos after the last-pos.
   */
  private static Answer singleRange(String header, long size) {
    if (!header.startsWith("bytes=")) {
      return null;
    }
    String spec = trimOws(header.substring(6));
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (!digits(firstText) || !digits(lastText) || (firstText.isEmpty() && lastText.isEmpty())) {
      return null;
    }
    boolean fit = firstText.length() <= 18 && lastText.length() <= 18;
    BigInteger length = BigInteger.valueOf(size);
    if (firstText.isEmpty()) {
      BigInteger suffix = new BigInteger(lastText);
      if (suffix.signum() == 0 || size == 0) {
        return new Answer(false, null, null, fit);
      }
      BigInteger taken = suffix.min(length);
      return new Answer(true, length.subtract(taken), taken, fit);
    }
    BigInteger first = new BigInteger(firstText);
    BigInteger last = lastText.isEmpty() ? null : new BigInteger(lastText);
    if (last != null && last.compareTo(first) < 0) {
      return null;
    }
    if (first.compareTo(length) >= 0) {
      return new Answer(false, null, null, fit);
    }
    BigInteger end = last == null ? length.subtract(BigInteger.ONE) : last.min(length.subtract(BigInteger.ONE));
    return new Answer(true, first, end.subtract(first).add(BigInteger.ONE), fit);
  }

  private static boolean digits(String text) {
    return text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
