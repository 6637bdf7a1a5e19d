package io.streamkit.server.origin;

/**
 * The Common Media Client Data (CTA-5004) of one request, as far as the analytics read it: buffer length
 * ({@code bl}), measured throughput ({@code mtp}), encoded bitrate ({@code br}), object duration ({@code d}), object
 * type ({@code ot}), buffer starvation ({@code bs}) and session id ({@code sid}). A player sends it in one of two
 * transmission modes (CTA-5004 §2): as up to four request headers ({@code CMCD-Object}, {@code CMCD-Request},
 * {@code CMCD-Session}, {@code CMCD-Status}; §2.1), or as one query parameter {@code CMCD} (§2.2); the text is the
 * same either way (§3.2): comma-separated {@code key} or {@code key=value} pairs, where a key alone is a boolean
 * {@code true}, a number is written in decimal, a string in double quotes (with {@code \"} and {@code \\} escaped)
 * and a token bare.
 *
 * <p>Parsing is bounded — at most {@link #MAX_LENGTH} characters and {@link #MAX_KEYS} keys per request, one pass,
 * nothing kept but the fields below — and never throws: {@link #add} says whether the text was well formed. Keys the
 * origin does not read (players add custom keys with a hyphenated prefix) are stepped over; a key it reads with a
 * value of the wrong form makes the report malformed, since its numbers would then be guesses. Only the session id
 * and object type are copied out of the request's text.
 */
final class CmcdReport {

  /** The query parameter of the query transmission mode (CTA-5004 §2.2). */
  static final String QUERY_PARAMETER = "CMCD";
  /** The prefix of the header names of the header transmission mode (CTA-5004 §2.1), in lower case. */
  static final String HEADER_PREFIX = "cmcd-";
  /** The most characters of CMCD one request may carry, over all its headers or its query parameter. */
  static final int MAX_LENGTH = 4096;
  /** The most keys one request may carry. */
  static final int MAX_KEYS = 64;
  /** The longest key read, in characters; CTA-5004's own keys have at most four. */
  static final int MAX_KEY_LENGTH = 64;
  /** The longest session id accepted: CTA-5004 defines {@code sid} as a string of up to 64 characters. */
  static final int MAX_SESSION_ID_LENGTH = 64;
  /** The most digits of a number: more than any real buffer, duration or bitrate has, and no overflow. */
  static final int MAX_DIGITS = 12;

  /** Not reported. */
  static final long ABSENT = -1;

  long bufferMs = ABSENT;
  long throughputKbps = ABSENT;
  long bitrateKbps = ABSENT;
  long durationMs = ABSENT;
  boolean starved;
  /** The object type token ({@code m}, {@code a}, {@code v}, {@code av}, {@code i}, {@code c}, {@code tt}, ...). */
  String objectType;
  String sessionId;
  private int length;
  private int keys;

  /** Whether any of the measures the analytics fold was reported. */
  boolean hasMeasures() {
    return bufferMs != ABSENT || throughputKbps != ABSENT || bitrateKbps != ABSENT || starved;
  }

  /**
   * Adds one header value or query parameter value to this request's report.
   *
   * @return whether {@code text} was well formed within the bounds; after {@code false} the report must be dropped
   */
  boolean add(CharSequence text) {
    int end = text.length();
    length += end;
    if (length > MAX_LENGTH) {
      return false;
    }
    int i = 0;
    while (i < end) {
      i = skipSpace(text, i, end);
      int keyStart = i;
      while (i < end && isKeyCharacter(text.charAt(i))) {
        i++;
      }
      int keyLength = i - keyStart;
      if (keyLength == 0 || keyLength > MAX_KEY_LENGTH || ++keys > MAX_KEYS) {
        return false;
      }
      int next;
      if (i < end && text.charAt(i) == '=') {
        next = value(text, keyStart, keyLength, i + 1, end);
        if (next < 0) {
          return false;
        }
      } else {
        if (!flag(text, keyStart, keyLength)) {
          return false;
        }
        next = i;
      }
      i = skipSpace(text, next, end);
      if (i < end) {
        if (text.charAt(i) != ',') {
          return false;
        }
        i++;
        if (skipSpace(text, i, end) == end) {
          return false;
        }
      }
    }
    return true;
  }

  /** A key without a value: {@code true} (CTA-5004 §3.2). */
  private boolean flag(CharSequence text, int key, int keyLength) {
    if (is(text, key, keyLength, "bs")) {
      starved = true;
    }
    return !isNumeric(text, key, keyLength) && !is(text, key, keyLength, "sid") && !is(text, key, keyLength, "ot");
  }

  /** Reads the value from {@code from}; returns where it ends, or -1 when it is malformed. */
  private int value(CharSequence text, int key, int keyLength, int from, int end) {
    if (from < end && text.charAt(from) == '"') {
      return string(text, key, keyLength, from + 1, end);
    }
    int i = from;
    while (i < end && text.charAt(i) != ',' && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
      char c = text.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '"') {
        return -1;
      }
      i++;
    }
    if (i == from) {
      return -1;
    }
    if (isNumeric(text, key, keyLength)) {
      long number = wholeNumber(text, from, i);
      if (number < 0) {
        return -1;
      }
      switch (text.charAt(key)) {
        case 'b' -> {
          if (text.charAt(key + 1) == 'l') {
            bufferMs = number;
          } else {
            bitrateKbps = number;
          }
        }
        case 'm' -> throughputKbps = number;
        default -> durationMs = number;
      }
    } else if (is(text, key, keyLength, "bs")) {
      if (is(text, from, i - from, "true")) {
        starved = true;
      } else if (is(text, from, i - from, "false")) {
        starved = false;
      } else {
        return -1;
      }
    } else if (is(text, key, keyLength, "ot")) {
      if (i - from > 2) {
        return -1;
      }
      for (int c = from; c < i; c++) {
        if (text.charAt(c) < 'a' || text.charAt(c) > 'z') {
          return -1;
        }
      }
      objectType = i - from == 1 ? String.valueOf(text.charAt(from)) : text.subSequence(from, i).toString();
    } else if (is(text, key, keyLength, "sid")) {
      return -1;
    }
    return i;
  }

  /** A quoted string from just after its opening quote; returns where it ends (after the closing quote), or -1. */
  private int string(CharSequence text, int key, int keyLength, int from, int end) {
    boolean sid = is(text, key, keyLength, "sid");
    if (isNumeric(text, key, keyLength) || is(text, key, keyLength, "bs") || is(text, key, keyLength, "ot")) {
      return -1;
    }
    StringBuilder value = null;
    int i = from;
    while (i < end) {
      char c = text.charAt(i);
      if (c == '"') {
        if (sid) {
          if (value == null || value.length() == 0) {
            return -1;
          }
          sessionId = value.toString();
        }
        return i + 1;
      }
      if (c == '\\') {
        if (i + 1 >= end || (text.charAt(i + 1) != '"' && text.charAt(i + 1) != '\\')) {
          return -1;
        }
        c = text.charAt(++i);
      } else if (c < ' ' || c >= 0x7f) {
        return -1;
      }
      if (sid) {
        // The session id becomes the event's: no whitespace, as the event store's identifiers.
        if (c == ' ' || value != null && value.length() == MAX_SESSION_ID_LENGTH) {
          return -1;
        }
        if (value == null) {
          value = new StringBuilder(16);
        }
        value.append(c);
      }
      i++;
    }
    return -1;
  }

  private static boolean isNumeric(CharSequence text, int key, int keyLength) {
    return is(text, key, keyLength, "bl") || is(text, key, keyLength, "mtp") || is(text, key, keyLength, "br")
        || is(text, key, keyLength, "d");
  }

  /** A decimal whole number of at most {@link #MAX_DIGITS} digits, or -1. */
  private static long wholeNumber(CharSequence text, int from, int to) {
    if (to - from > MAX_DIGITS) {
      return -1;
    }
    long number = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }

  private static boolean is(CharSequence text, int from, int length, String expected) {
    return HeadText.regionEquals(text, from, length, expected);
  }

  private static int skipSpace(CharSequence text, int from, int end) {
    int i = from;
    while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** Letters, digits, {@code .}, {@code -} and {@code _}: CTA-5004's keys and custom keys such as {@code com.x-y}. */
  private static boolean isKeyCharacter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_';
  }
}
