package io.streamkit.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;

/**
 * Mints playback tokens: compact JWS (RFC 7515) carrying JWT claims (RFC 7519), signed with HS256 (HMAC SHA-256, a
 * shared secret) or ES256 (ECDSA P-256, RFC 7518 §3.4, so origins need only the public key). Every token names the
 * key that signed it in {@code kid}; see {@link PlaybackTokenVerifier} for rotation.
 *
 * <p>Thread-safe; build one per key and share it.
 */
public final class PlaybackTokenSigner {

  /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. */
  public static final int MIN_HS256_SECRET_BYTES = 32;

  private final JWSHeader header;
  private final JWSSigner signer;
  private final String keyId;

  private PlaybackTokenSigner(JWSAlgorithm algorithm, String keyId, JWSSigner signer) {
    this.keyId = keyId;
    this.signer = signer;
    this.header = new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build();
  }

  /**
   * HS256 with the secret's RFC 7638 JWK thumbprint as key id, so every origin holding the same secret recognises it,
   * and a minting service in another language computes the same id.
   *
   * @param secret the shared secret, at least {@link #MIN_HS256_SECRET_BYTES} bytes (e.g. from
   *     {@code openssl rand -base64 48}, through {@link #secretFromText})
   * @return the signer
   * @throws IllegalArgumentException for a secret shorter than {@link #MIN_HS256_SECRET_BYTES}
   */
  public static PlaybackTokenSigner hs256(byte[] secret) {
    return hs256(KeyIds.forSecret(requireSecret(secret)), secret);
  }

  /**
   * HS256 under a key id of the caller's choosing; verifiers must hold the secret under the same id
   * ({@link PlaybackTokenVerifier.Builder#hs256(String, byte[])}).
   *
   * @param keyId the {@code kid}, 1 to 64 characters, not blank
   * @param secret the shared secret, at least {@link #MIN_HS256_SECRET_BYTES} bytes
   * @return the signer
   * @throws IllegalArgumentException for a bad key id or a secret shorter than {@link #MIN_HS256_SECRET_BYTES}
   */
  public static PlaybackTokenSigner hs256(String keyId, byte[] secret) {
    try {
      return new PlaybackTokenSigner(JWSAlgorithm.HS256, requireKeyId(keyId), new MACSigner(requireSecret(secret)));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("HS256 secret rejected: " + e.getMessage(), e);
    }
  }

  /**
   * ES256 with the RFC 7638 JWK thumbprint of the key pair's public key as key id (the same id the verifier derives
   * from the public key alone), computed from the private key.
   *
   * @param privateKey the signing key, on P-256
   * @return the signer
   * @throws IllegalArgumentException for a key on another curve, or if the public key cannot be derived from it
   */
  public static PlaybackTokenSigner es256(ECPrivateKey privateKey) {
    PemKeys.requireP256("the ES256 private key", privateKey.getParams());
    return es256(KeyIds.forPublicKey(KeyIds.publicKeyOf(privateKey)), privateKey);
  }

  /**
   * ES256 under a key id of the caller's choosing; verifiers must hold the public key under the same id
   * ({@link PlaybackTokenVerifier.Builder#es256(String, ECPublicKey)}).
   *
   * @param keyId the {@code kid}, 1 to 64 characters, not blank
   * @param privateKey the signing key, on P-256
   * @return the signer
   * @throws IllegalArgumentException for a bad key id, a key on another curve or one the JOSE library refuses
   */
  public static PlaybackTokenSigner es256(String keyId, ECPrivateKey privateKey) {
    PemKeys.requireP256("the ES256 private key", privateKey.getParams());
    try {
      return new PlaybackTokenSigner(JWSAlgorithm.ES256, requireKeyId(keyId), new ECDSASigner(privateKey));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("ES256 private key rejected: " + e.getMessage(), e);
    }
  }

  /** {@return the {@code kid} written into every token this signer mints} */
  public String keyId() {
    return keyId;
  }

  /**
   * Signs the claims.
   *
   * @param claims what the token grants
   * @return the compact JWS, URL-safe, so it can be passed as a query parameter as is
   * @throws IllegalStateException if the signature cannot be computed (a broken JCA provider)
   */
  public String sign(PlaybackClaims claims) {
    SignedJWT jwt = new SignedJWT(header, ClaimsCodec.toJwt(claims));
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a playback token failed: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  static byte[] requireSecret(byte[] secret) {
    if (secret == null || secret.length < MIN_HS256_SECRET_BYTES) {
      throw new IllegalArgumentException("HS256 secret must be at least " + MIN_HS256_SECRET_BYTES + " bytes, got "
          + (secret == null ? 0 : secret.length) + "; generate one with: openssl rand -base64 48");
    }
    return secret;
  }

  /**
   * {@return the bytes of a secret given as text (command line, environment): its UTF-8 encoding, used as is}
   * Base64 text is not decoded, so minting and verifying sides must both take the text this way.
   *
   * @param text the secret as text
   */
  public static byte[] secretFromText(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String requireKeyId(String keyId) {
    if (keyId == null || keyId.isBlank() || keyId.length() > 64) {
      throw new IllegalArgumentException("key id must be 1 to 64 characters, got " + keyId);
    }
    return keyId;
  }
}
