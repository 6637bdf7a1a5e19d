package io.streamkit.core.protection;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A 128-bit content key and its id: what encrypts a run of a title's segments (HLS {@code METHOD=AES-128}, RFC 8216
 * section 5.2) and what a player fetches through the origin's key URI to decrypt them.
 *
 * <p>The id is 16 random bytes written as 32 lower-case hex digits, the size of a CENC default KID (ISO/IEC 23001-7
 * section 8.2), so the same id can name the key to a DRM licence server later. It is not derived from the key: an id
 * in a playlist tells nothing about the key it names.
 */
public final class ContentKey {

  /** AES-128: 16 bytes. */
  public static final int KEY_BYTES = 16;
  /** Hex digits in an id: 16 bytes. */
  public static final int ID_HEX_DIGITS = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final String id;
  private final byte[] key;

  private ContentKey(String id, byte[] key) {
    this.id = id;
    this.key = key;
  }

  /** {@return a new key with a new id, both from a {@link SecureRandom}} */
  public static ContentKey generate() {
    byte[] id = new byte[ID_HEX_DIGITS / 2];
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(key);
    return new ContentKey(HEX.formatHex(id), key);
  }

  /**
   * A key read back from where it was kept.
   *
   * @param id the key's id, 32 lower-case hex digits
   * @param key the 16 key bytes, copied
   * @return the key
   * @throws IllegalArgumentException when the id is not 32 lower-case hex digits or the key is not 16 bytes
   */
  public static ContentKey of(String id, byte[] key) {
    if (!isId(id)) {
      throw new IllegalArgumentException("content key id must be " + ID_HEX_DIGITS + " lower-case hex digits, got '"
          + id + "'");
    }
    Objects.requireNonNull(key, "key");
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("content key " + id + " must be " + KEY_BYTES + " bytes, got " + key.length);
    }
    return new ContentKey(id, key.clone());
  }

  /**
   * Whether {@code text} has the form of a key id, so a request path can be refused before any look-up.
   *
   * @param text a candidate id, possibly {@code null}
   * @return whether it is 32 lower-case hex digits
   */
  public static boolean isId(String text) {
    if (text == null || text.length() != ID_HEX_DIGITS) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** {@return the id: 32 lower-case hex digits} */
  public String id() {
    return id;
  }

  /** {@return a copy of the 16 key bytes} */
  public byte[] key() {
    return key.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentKey other && id.equals(other.id) && Arrays.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** The id only: a key never goes into a log line. */
  @Override
  public String toString() {
    return "ContentKey[" + id + "]";
  }
}
