package io.streamkit.core.protection;

/**
 * Envelope encryption of content keys: a content key is stored only wrapped (encrypted) under a key-encryption key
 * that never sits beside it. {@link MasterKeys} wraps with AES-256-GCM under keys the operator keeps in a file or an
 * environment variable.
 *
 * <p>A cloud KMS plugs in here: {@link #wrap} calls the KMS's encrypt operation (AWS KMS {@code Encrypt}, Google
 * Cloud KMS {@code encrypt}, Azure Key Vault {@code wrapKey}) with {@code context} as the encryption context or
 * additional authenticated data, and {@link #unwrap} its decrypt operation; {@link #currentKeyId()} names the KMS key
 * version, so rotating it in the KMS and re-wrapping the stored keys never touches the media.
 *
 * <p>Implementations are thread-safe.
 */
public interface KeyWrapper {

  /** {@return the id of the key-encryption key {@link #wrap} uses, stored beside every wrapped key} */
  String currentKeyId();

  /**
   * Encrypts a content key under the current key-encryption key.
   *
   * @param contentKey the 16 key bytes
   * @param context bytes the wrapped key is bound to (the title and key id), needed again to unwrap it, so a wrapped
   *     key copied to another title's row does not unwrap
   * @return the wrapped key, opaque
   */
  byte[] wrap(byte[] contentKey, byte[] context);

  /**
   * Decrypts a wrapped content key.
   *
   * @param keyEncryptionKeyId the id stored with the wrapped key
   * @param wrapped what {@link #wrap} returned
   * @param context the same bytes given to {@link #wrap}
   * @return the 16 key bytes
   * @throws ContentKeyException if the key-encryption key is unknown here or the wrapped key was altered or belongs
   *     to another context
   */
  byte[] unwrap(String keyEncryptionKeyId, byte[] wrapped, byte[] context);
}
