package io.streamkit.server.origin;

import java.util.Arrays;
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
  private static final RequestPath ROOT = new RequestPath(new String[0]);

  private final String[] segments;

  private RequestPath(String[] segments) {
    this.segments = segments;
  }

  List<String> segments() {
    return List.of(segments);
  }

  String segment(int i) {
    return segments[i];
  }

  int size() {
    return segments.length;
  }

  String last() {
    return segments[segments.length - 1];
  }

  /** The segments from {@code from} on, joined with '/'. */
  String join(int from) {
    return String.join("/", Arrays.asList(segments).subList(from, segments.length));
  }

  /** Equal when the segments are: a key for what is cached per path ({@link MediaRoot}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof RequestPath other && Arrays.equals(segments, other.segments);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(segments);
  }

  /**
   * Parses the path part of a request target (origin-form, RFC 9112 §3.2.1).
   *
   * @return the path, or {@code null} when any segment is unsafe
   */
  static RequestPath parse(String rawPath) {
    return parse(rawPath, rawPath.length(), null);
  }

  /**
   * Parses {@code target} up to {@code end} (the start of its query, or its length). Segments equal to those of
   * {@code previous} (the connection's last path) are taken from it rather than copied again: a player's requests
   * differ in the file name, seldom in the title and rendition; a path equal to {@code previous} is
   * {@code previous}.
   *
   * @return the path, or {@code null} when any segment is unsafe
   */
  static RequestPath parse(String target, int end, RequestPath previous) {
    if (end == 0 || target.charAt(0) != '/') {
      return null;
    }
    if (end == 1) {
      return ROOT;
    }
    if (target.charAt(end - 1) == '/') {
      end--;
    }
    int count = 1;
    for (int slash = target.indexOf('/', 1); slash >= 0 && slash < end; slash = target.indexOf('/', slash + 1)) {
      if (++count > MAX_SEGMENTS) {
        return null;
      }
    }
    String[] known = previous == null ? null : previous.segments;
    String[] segments = new String[count];
    boolean same = known != null && known.length == count;
    int start = 1;
    for (int i = 0; i < count; i++) {
      int stop = target.indexOf('/', start);
      if (stop < 0 || stop > end) {
        stop = end;
      }
      String segment = decode(target, start, stop, known != null && i < known.length ? known[i] : null);
      if (segment == null) {
        return null;
      }
      same = same && segment == known[i];
      segments[i] = segment;
      start = stop + 1;
    }
    return same ? previous : new RequestPath(segments);
  }

  /** One segment, decoded and checked; {@code known} itself when the raw segment is exactly it (already checked). */
  private static String decode(String raw, int from, int to, String known) {
    if (to == from || to - from > MAX_SEGMENT_CHARS * 3) {
      return null;
    }
    if (known != null && known.length() == to - from && raw.regionMatches(from, known, 0, to - from)) {
      return known;
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
