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
   * Parses {@code target} up to {@code end} (the start of its query, or its length): a {@code String}, or the
   * {@link HeadText} of a request head read in place. Segments equal to those of
   * {@code previous} (the connection's last path) are taken from it rather than copied again: a player's requests
   * differ in the file name, seldom in the title and rendition; a path equal to {@code previous} is
   * {@code previous}.
   *
   * @return the path, or {@code null} when any segment is unsafe
   */
  static RequestPath parse(CharSequence target, int end, RequestPath previous) {
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
    for (int slash = HeadText.indexOf(target, '/', 1); slash >= 0 && slash < end;
        slash = HeadText.indexOf(target, '/', slash + 1)) {
      if (++count > MAX_SEGMENTS) {
        return null;
      }
    }
    String[] known = previous == null ? null : previous.segments;
    String[] segments = new String[count];
    boolean same = known != null && known.length == count;
    int start = 1;
    for (int i = 0; i < count; i++) {
      int stop = HeadText.indexOf(target, '/', start);
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
  private static String decode(CharSequence raw, int from, int to, String known) {
    if (to == from || to - from > MAX_SEGMENT_CHARS * 3) {
      return null;
    }
    if (known != null && HeadText.regionEquals(raw, from, to - from, known)) {
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
    String segment = out == null ? raw.subSequence(from, to).toString() : out.toString();
    return segment.length() <= MAX_SEGMENT_CHARS && isSafe(segment) ? segment : null;
  }

  /** Whether this path is what {@code target} up to {@code end} spells, '/' before each segment and no escapes. */
  private boolean spells(CharSequence target, int end) {
    int at = 0;
    for (String segment : segments) {
      if (at >= end || target.charAt(at) != '/') {
        return false;
      }
      at++;
      if (end - at < segment.length() || !HeadText.regionEquals(target, at, segment.length(), segment)) {
        return false;
      }
      at += segment.length();
    }
    return at == end;
  }

  /**
   * The paths an origin parsed last, found again by the raw text of a target without copying it: one slot per hash
   * of the text (direct-mapped, as a CPU cache is), a later path taking the slot of an earlier one. Players ask for
   * the same few playlists and the same segments as one another, so a path is parsed once while it is popular, and a
   * request for it then makes no path, segment array or segment string. Only targets without percent-escapes or a
   * trailing slash are kept, so that a path matches exactly the text it was parsed from ({@link #spells}). Shared by
   * the origin's event loops without locks: a slot holds a whole, immutable path (its segments are a final field,
   * JLS §17.5), so a reader sees an old path, a new one or none, and checks it against the text either way.
   */
  static final class Recent {

    private final RequestPath[] slots;

    /** {@code size} slots, a power of two. */
    Recent(int size) {
      if (Integer.bitCount(size) != 1) {
        throw new IllegalArgumentException("the recent paths' size must be a power of two, not " + size);
      }
      this.slots = new RequestPath[size];
    }

    /** As {@link RequestPath#parse(CharSequence, int, RequestPath)}, answered from the recent paths when it can. */
    RequestPath parse(CharSequence target, int end, RequestPath previous) {
      int hash = 0;
      for (int i = 0; i < end; i++) {
        char c = target.charAt(i);
        if (c == '%') {
          return RequestPath.parse(target, end, previous);
        }
        hash = 31 * hash + c;
      }
      if (end < 2 || target.charAt(end - 1) == '/') {
        return RequestPath.parse(target, end, previous);
      }
      int slot = (hash ^ (hash >>> 16)) & (slots.length - 1);
      RequestPath known = slots[slot];
      if (known != null && known.spells(target, end)) {
        return known;
      }
      RequestPath parsed = RequestPath.parse(target, end, previous);
      if (parsed != null) {
        slots[slot] = parsed;
      }
      return parsed;
    }
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
