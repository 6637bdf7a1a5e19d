package io.streamkit.core.storage;

/**
 * The key rules every storage applies, so that a key valid on one is valid on all: {@code /}-separated segments,
 * each non-empty, none starting with {@code .} (that rules out {@code .} and {@code ..} and leaves hidden names to
 * the storage's own temporary files), no control characters or backslashes, at most {@value #MAX_BYTES} bytes of
 * UTF-8 (S3's limit, with room for a prefix).
 */
final class StorageKeys {

  static final int MAX_BYTES = 900;

  private StorageKeys() {}

  /** {@return {@code key}, when it is valid} */
  static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("storage key is empty; give a path like titles/ID/master.m3u8");
    }
    if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new IllegalArgumentException("storage key is longer than " + MAX_BYTES + " bytes: " + shorten(key));
    }
    int start = 0;
    while (start <= key.length()) {
      int end = key.indexOf('/', start);
      if (end < 0) {
        end = key.length();
      }
      if (end == start || key.charAt(start) == '.') {
        throw new IllegalArgumentException("storage key '" + shorten(key) + "' has an empty segment or one starting"
            + " with '.'; use names like titles/ID/720p/seg-00001.m4s");
      }
      start = end + 1;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new IllegalArgumentException("storage key '" + shorten(key) + "' contains a control character or a"
            + " backslash");
      }
    }
    return key;
  }

  /** {@return {@code key + "/"}, the prefix of everything under a directory key} */
  static String directoryPrefix(String directory) {
    return check(directory) + "/";
  }

  private static String shorten(String key) {
    String printable = key.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
  }
}
