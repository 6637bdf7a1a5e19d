package io.streamkit.core.protection;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key-encryption keys the operator holds: AES-256 keys, the first of which wraps new content keys, the others only
 * unwrap what was wrapped under them before a rotation.
 *
 * <p>Wrapping is AES-256-GCM (NIST SP 800-38D) with a fresh 96-bit random nonce per key (section 8.2.2; far below the
 * 2^32 invocations per key the section allows) and the context as additional authenticated data: the stored form is
 * {@code nonce ‖ ciphertext ‖ 128-bit tag}. A key's id is the first 16 characters of the base64url SHA-256 of the
 * key, so ids are stable across restarts and name no secret.
 *
 * <p>The text form ({@link #parse}), as in a {@code --master-key-file} or {@code STREAMKIT_MASTER_KEY}: one base64
 * key of 32 bytes per line (or separated by commas), the current key first; blank lines and lines starting with
 * {@code #} are ignored. Rotating: put a new key first, keep the old one below it, re-wrap the stored keys
 * ({@code StreamkitStore.rewrapContentKeys}), then drop the old key.
 */
public final class MasterKeys implements KeyWrapper {

  /** AES-256: 32 bytes. */
  public static final int KEY_BYTES = 32;
  /** How many keys one set holds at most: the current one and its predecessors. */
  public static final int MAX_KEYS = 16;

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int ID_CHARS = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String currentId;
  private final Map<String, SecretKeySpec> keys;

  private MasterKeys(List<byte[]> keyBytes) {
    Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
    for (byte[] key : keyBytes) {
      byId.put(idOf(key), new SecretKeySpec(key.clone(), "AES"));
    }
    this.keys = Collections.unmodifiableMap(byId);
    this.currentId = idOf(keyBytes.get(0));
  }

  /**
   * Keys from their text form.
   *
   * @param text base64 keys of {@value #KEY_BYTES} bytes, the current one first, one per line or comma-separated
   * @param source where the text came from, for messages (a file name, an environment variable's name)
   * @return the key set
   * @throws ContentKeyException naming {@code source} when there is no key, too many, or one is not base64 of
   *     {@value #KEY_BYTES} bytes
   */
  public static MasterKeys parse(String text, String source) {
    List<byte[]> keys = new ArrayList<>();
    for (String line : text.split("[\\r\\n,]+")) {
      String entry = line.strip();
      if (entry.isEmpty() || entry.startsWith("#")) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(entry);
      } catch (IllegalArgumentException e) {
        throw new ContentKeyException("master key " + (keys.size() + 1) + " in " + source
            + " is not base64; write each key as base64 of " + KEY_BYTES + " random bytes (openssl rand -base64 32)");
      }
      if (key.length != KEY_BYTES) {
        throw new ContentKeyException("master key " + (keys.size() + 1) + " in " + source + " is " + key.length
            + " bytes; each key must be " + KEY_BYTES + " random bytes (openssl rand -base64 32)");
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw new ContentKeyException(source + " holds no master key; put base64 of " + KEY_BYTES
          + " random bytes in it (openssl rand -base64 32)");
    }
    if (keys.size() > MAX_KEYS) {
      throw new ContentKeyException(source + " holds " + keys.size() + " master keys, more than " + MAX_KEYS
          + "; re-wrap the stored keys under the first and drop the oldest");
    }
    return new MasterKeys(keys);
  }

  /** {@return a new random key in the text form {@link #parse} reads} */
  public static String generateText() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  @Override
  public String currentKeyId() {
    return currentId;
  }

  /** {@return the ids of every key held in the order given, the current one first} */
  public List<String> keyIds() {
    return List.copyOf(keys.keySet());
  }

  @Override
  public byte[] wrap(byte[] contentKey, byte[] context) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context);
      byte[] sealed = cipher.doFinal(contentKey);
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new ContentKeyException("cannot wrap a content key with AES-256-GCM: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] unwrap(String keyEncryptionKeyId, byte[] wrapped, byte[] context) {
    SecretKeySpec key = keys.get(keyEncryptionKeyId);
    if (key == null) {
      throw new ContentKeyException("a content key is wrapped under master key " + keyEncryptionKeyId
          + ", which is not among the configured ones " + keys.keySet() + "; add that key below the current one");
    }
    if (wrapped.length <= NONCE_BYTES) {
      throw new ContentKeyException("a wrapped content key is " + wrapped.length + " bytes, too short to be one");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES));
      cipher.updateAAD(context);
      return cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new ContentKeyException("a content key wrapped under master key " + keyEncryptionKeyId
          + " fails its integrity check: it was altered or belongs to another title", e);
    } catch (GeneralSecurityException e) {
      throw new ContentKeyException("cannot unwrap a content key with AES-256-GCM: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "MasterKeys[current=" + currentId + ", " + keys.size() + " keys]";
  }

  private static String idOf(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, ID_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
