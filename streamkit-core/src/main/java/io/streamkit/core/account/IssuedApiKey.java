package io.streamkit.core.account;

/**
 * A key just issued, with its secret: the only time the secret exists outside the caller, since the store keeps a
 * hash of it. Hand it to its user once; a lost secret is replaced by issuing another key.
 *
 * @param key the stored key
 * @param secret the bearer credential, 43 Base64url characters (256 random bits)
 */
public record IssuedApiKey(ApiKey key, String secret) {

  /** {@return the key without its secret, so a log line cannot leak it} */
  @Override
  public String toString() {
    return "IssuedApiKey[key=" + key + ", secret=(hidden)]";
  }
}
