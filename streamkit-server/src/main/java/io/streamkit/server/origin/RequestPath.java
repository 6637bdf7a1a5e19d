package io.streamkit.server.origin;

import java.util.ArrayList;
import java.util.List;

/**
 * A request path reduced to a list of safe segments, or refused.
 *
 * <p>Design: allow-list, not deny-list. Each segment is percent-decoded exactly once (RFC 3986 §2.1) and must then
 * pass {@link #isSafe}: letters, digits, '.', '-', '_', not starting with a dot. That one rule refuses
 * {@code ..} and {@code .} in any encoding ({@code %2e%2e}), double encoding ({@code %252e} decodes to {@code %2e},
 * and '%' is not allowed), encoded separators ({@code %2f}, {@code %5c}), backslashes, NUL ({@code %00}), empty
 * segments and hidden files, without having to enumerate them; a malformed escape ({@code %zz}) refuses the path too.
 * A trailing slash is ignored ({@code /admin/} is {@code /admin}). What files the transcoder writes
 * ({@code master.m3u8}, {@code 720p/index.m3u8}, {@code seg_00001.m4s}) all fit. Symbolic links are
 * {@link MediaRoot}'s concern: a served file must really lie inside its own title's directory.
 */
final class RequestPath {

  static final int MAX_SEGMENTS = 16;
  static final int MAX_SEGMENT_CHARS = 255;

  private final List<String> segments;

  private RequestPath(List<String> segments) {
    this.segments = segments;
  }

  List<String> segments() {
    return segments;
  }

  String segment(int i) {
    return segments.get(i);
  }

  int size() {
    return segments.size();
  }

  String last() {
    return segments.get(segments.size() - 1);
  }

  /** The segments from {@code from} on, joined with '/'. */
  String join(int from) {
    return String.join("/", segments.subList(from, segments.size()));
  }

  /**
   * Parses the path part of a request target (origin-form, RFC 9112 §3.2.1).
   *
   * @return the path, or {@code null} when any segment is unsafe
   */
  static RequestPath parse(String rawPath) {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    if (rawPath.length() == 1) {
      return new RequestPath(List.of());
    }
    if (rawPath.endsWith("/")) {
      rawPath = rawPath.substring(0, rawPath.length() - 1);
    }
    List<String> segments = new ArrayList<>(6);
    int start = 1;
    while (start <= rawPath.length()) {
      int end = rawPath.indexOf('/', start);
      if (end < 0) {
        end = rawPath.length();
      }
      String segment = decode(rawPath, start, end);
      if (segment == null || segments.size() == MAX_SEGMENTS) {
        return null;
      }
      segments.add(segment);
      start = end + 1;
    }
    return new RequestPath(List.copyOf(segments));
  }

  private static String decode(String raw, int from, int to) {
    if (to == from || to - from > MAX_SEGMENT_CHARS * 3) {
      return null;
    }
    StringBuilder out = null;
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (out == null) {
          out = new StringBuilder(to - from).append(raw, from, i);
        }
        if (i + 2 >= to) {
          return null;
        }
        int hi = hexDigit(raw.charAt(i + 1));
        int lo = hexDigit(raw.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.append((char) (hi << 4 | lo));
        i += 2;
      } else if (out != null) {
        out.append(c);
      }
    }
    String segment = out == null ? raw.substring(from, to) : out.toString();
    return segment.length() <= MAX_SEGMENT_CHARS && isSafe(segment) ? segment : null;
  }

  /** The value of an ASCII hex digit (RFC 3986 §2.1 HEXDIG, either case), or -1. */
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  /** Letters, digits, '.', '-', '_', not starting with '.'; by hand, as it runs for every segment of every request. */
  static boolean isSafe(String segment) {
    if (segment.isEmpty() || segment.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
