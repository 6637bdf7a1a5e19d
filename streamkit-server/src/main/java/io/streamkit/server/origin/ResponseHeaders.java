package io.streamkit.server.origin;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The headers of a response a connection reuses for its file responses ({@link FileHandler}): names and values kept
 * as given (the {@link AsciiString} constants and the per-file values of {@link FileHandler.FileHead}) in two arrays,
 * looked up by a scan, cleared for the next response. Netty's {@code DefaultHttpHeaders} makes an entry object per
 * header and a bucket array per message; a file response has about a dozen headers, and a connection sends one
 * response at a time, so this costs nothing per response.
 *
 * <p>The encoder reads the headers through {@link #iteratorCharSequence()}, which hands out one reused entry: read
 * each entry before asking for the next (as the encoder and {@link HttpHeaders#set(HttpHeaders)} do). Values are
 * checked as Netty checks them (no CR, LF or NUL, which would split the response); a {@link Date} is written as an
 * HTTP date (RFC 9110 §5.6.7), anything else by its {@code toString()}.
 */
final class ResponseHeaders extends HttpHeaders {

  private CharSequence[] names = new CharSequence[16];
  private CharSequence[] values = new CharSequence[16];
  private int size;
  private final Entries entries = new Entries();

  private int indexOf(CharSequence name, int from) {
    for (int i = from; i < size; i++) {
      if (AsciiString.contentEqualsIgnoreCase(names[i], name)) {
        return i;
      }
    }
    return -1;
  }

  private static CharSequence value(Object value) {
    CharSequence text;
    if (value instanceof CharSequence sequence) {
      text = sequence;
    } else if (value instanceof Date date) {
      text = DateFormatter.format(date);
    } else if (value instanceof Calendar calendar) {
      text = DateFormatter.format(calendar.getTime());
    } else {
      text = String.valueOf(value);
    }
    int bad = text instanceof AsciiString ascii ? lineBreakOrNul(ascii) : lineBreakOrNul(text);
    if (bad >= 0) {
      throw new IllegalArgumentException("a response header value holds a line break or NUL at index " + bad);
    }
    return text;
  }

  private static int lineBreakOrNul(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return i;
      }
    }
    return -1;
  }

  /** As {@link #lineBreakOrNul(CharSequence)} over the bytes themselves: most values a file response sets are these. */
  private static int lineBreakOrNul(AsciiString text) {
    byte[] bytes = text.array();
    int from = text.arrayOffset();
    int to = from + text.length();
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '\r' || b == '\n' || b == 0) {
        return i - from;
      }
    }
    return -1;
  }

  private void append(CharSequence name, CharSequence value) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
  }

  @Override
  public String get(String name) {
    return get((CharSequence) name);
  }

  @Override
  public String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : values[i].toString();
  }

  @Override
  public Integer getInt(CharSequence name) {
    String value = get(name);
    try {
      return value == null ? null : Integer.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    Integer value = getInt(name);
    return value == null ? defaultValue : value;
  }

  @Override
  public Short getShort(CharSequence name) {
    String value = get(name);
    try {
      return value == null ? null : Short.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    Short value = getShort(name);
    return value == null ? defaultValue : value;
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    String value = get(name);
    Date date = value == null ? null : DateFormatter.parseHttpDate(value);
    return date == null ? null : date.getTime();
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    Long value = getTimeMillis(name);
    return value == null ? defaultValue : value;
  }

  @Override
  public List<String> getAll(String name) {
    return getAll((CharSequence) name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    List<String> all = new ArrayList<>();
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      all.add(values[i].toString());
    }
    return all;
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    List<Map.Entry<String, String>> all = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      all.add(new AbstractMap.SimpleImmutableEntry<>(names[i].toString(), values[i].toString()));
    }
    return all;
  }

  @Override
  public boolean contains(String name) {
    return indexOf(name, 0) >= 0;
  }

  @Override
  public boolean contains(CharSequence name) {
    return indexOf(name, 0) >= 0;
  }

  @Override
  public boolean contains(String name, String value, boolean ignoreCase) {
    return contains((CharSequence) name, value, ignoreCase);
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(values[i], value)
          : AsciiString.contentEquals(values[i], value)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a value of {@code name}, or one element of its comma-separated list, is {@code value}. */
  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      CharSequence list = values[i];
      int start = 0;
      while (start <= list.length()) {
        int end = AsciiString.indexOf(list, ',', start);
        if (end < 0) {
          end = list.length();
        }
        int from = start;
        int to = end;
        while (from < to && (list.charAt(from) == ' ' || list.charAt(from) == '\t')) {
          from++;
        }
        while (to > from && (list.charAt(to - 1) == ' ' || list.charAt(to - 1) == '\t')) {
          to--;
        }
        if (to - from == value.length()
            && AsciiString.regionMatches(list, ignoreCase, from, value, 0, value.length())) {
          return true;
        }
        start = end + 1;
      }
    }
    return false;
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return entries().iterator();
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return entries.start();
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<String> names() {
    Set<String> all = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      all.add(names[i].toString());
    }
    return all;
  }

  @Override
  public HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    append(name, value(value));
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    return add((CharSequence) name, values);
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    for (Object value : values) {
      add(name, value);
    }
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    return add(name, Integer.toString(value));
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    return add(name, Short.toString(value));
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    return set((CharSequence) name, value);
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    CharSequence text = value(value);
    int i = indexOf(name, 0);
    if (i < 0) {
      append(name, text);
    } else {
      values[i] = text;
      removeFrom(name, i + 1);
    }
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    return set((CharSequence) name, values);
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    remove(name);
    return add(name, values);
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    return set(name, Integer.toString(value));
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    return set(name, Short.toString(value));
  }

  @Override
  public HttpHeaders remove(String name) {
    return remove((CharSequence) name);
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    removeFrom(name, 0);
    return this;
  }

  private void removeFrom(CharSequence name, int from) {
    int kept = from;
    for (int i = from; i < size; i++) {
      if (!AsciiString.contentEqualsIgnoreCase(names[i], name)) {
        names[kept] = names[i];
        values[kept] = values[i];
        kept++;
      }
    }
    for (int i = kept; i < size; i++) {
      names[i] = null;
      values[i] = null;
    }
    size = kept;
  }

  @Override
  public HttpHeaders clear() {
    // The slots past size are never read; they keep their last references until overwritten rather than being
    // nulled per request: these headers are a connection's, reused for each message, so what they keep is at most
    // one message's names and values, while nulling them was a store per slot per request.
    size = 0;
    return this;
  }

  /** The one iterator and entry {@link #iteratorCharSequence()} hands out; a new pair if it is still in use. */
  private final class Entries implements Iterator<Map.Entry<CharSequence, CharSequence>>,
      Map.Entry<CharSequence, CharSequence> {
    private int next = -1;
    private int current;

    Iterator<Map.Entry<CharSequence, CharSequence>> start() {
      if (next >= 0 && next < size) {
        return new Entries().start();
      }
      next = 0;
      return this;
    }

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public Map.Entry<CharSequence, CharSequence> next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      current = next++;
      return this;
    }

    @Override
    public CharSequence getKey() {
      return names[current];
    }

    @Override
    public CharSequence getValue() {
      return values[current];
    }

    @Override
    public CharSequence setValue(CharSequence value) {
      throw new UnsupportedOperationException("the headers of a response being encoded are read only");
    }
  }
}
