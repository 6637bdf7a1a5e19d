package io.streamkit.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.KeyAgreement;

/**
 * Key ids ({@code kid}, RFC 7515 §4.1.4) derived from the key itself, so that the application that mints tokens and
 * the origins that verify them agree on ids without a shared registry: rotating a key is adding the new one to the
 * origins, then minting with it.
 *
 * <p>The id is the key's JWK thumbprint (RFC 7638 §3): base64url of the SHA-256 of the key's required JWK members,
 * in lexicographic order, without whitespace. For an HS256 secret that is {@code {"k":"<secret>","kty":"oct"}} (RFC
 * 7518 §6.4), for an ES256 key {@code {"crv":"P-256","kty":"EC","x":"<x>","y":"<y>"}} (RFC 7518 §6.2.1), so any JOSE
 * library in any language computes the same id (nimbus-jose-jwt's {@code JWK.computeThumbprint()}, jose's
 * {@code calculateJwkThumbprint}, ...). The HS256 id is a hash of the secret, but it lets nobody test a guessed
 * secret any faster than a token's HMAC already does, and secrets are at least 256 bits.
 *
 * <p>The minting side of ES256 holds only the private scalar d. Its public point Q = d·G is rebuilt with nothing
 * beyond the JDK: x(Q) is the ECDH shared secret of d with the generator G (SEC 1 v2 §3.3.1); y(Q) is one of the two
 * square roots of x³ + ax + b (SEC 1 v2 §2.3.4), which P-256's p ≡ 3 (mod 4) makes (x³ + ax + b)^((p+1)/4) and its
 * negation; of the two candidate points, Q is the one that verifies a signature made with d.
 *
 * <p>Earlier releases used {@code hs-} or {@code es-} and 12 characters of a SHA-256 (of a domain-separated secret, or
 * of x) as ids. Verifiers accept those {@linkplain #legacyForSecret legacy ids} as aliases of the same keys, so tokens
 * minted before the change keep working until they expire.
 */
final class KeyIds {

  private static final int LEGACY_ID_CHARS = 12;
  private static final byte[] PROBE = "streamkit: which point is d*G".getBytes(StandardCharsets.US_ASCII);

  private KeyIds() {}

  /** The RFC 7638 thumbprint of the HS256 secret as an {@code oct} JWK. */
  static String forSecret(byte[] secret) {
    return thumbprint(new OctetSequenceKey.Builder(secret).build());
  }

  /** The RFC 7638 thumbprint of the ES256 public key as an {@code EC} JWK. */
  static String forPublicKey(ECPublicKey key) {
    Curve curve = Curve.forECParameterSpec(key.getParams());
    if (curve == null) {
      throw new IllegalArgumentException("cannot derive a key id from an EC key on an unnamed curve; use P-256");
    }
    return thumbprint(new ECKey.Builder(curve, key).build());
  }

  /**
   * The public key d·G of a private key, from the private key alone.
   *
   * @throws IllegalArgumentException for a curve whose prime is not 3 mod 4 (P-256's is)
   */
  static ECPublicKey publicKeyOf(ECPrivateKey key) {
    ECParameterSpec params = key.getParams();
    EllipticCurve curve = params.getCurve();
    if (!(curve.getField() instanceof ECFieldFp field) || !field.getP().testBit(0) || !field.getP().testBit(1)) {
      throw new IllegalArgumentException("cannot derive the public key of this EC private key: its curve is not a"
          + " prime curve with p = 3 mod 4; use a P-256 key");
    }
    BigInteger p = field.getP();
    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(key);
      agreement.doPhase(factory.generatePublic(new ECPublicKeySpec(params.getGenerator(), params)), true);
      BigInteger x = new BigInteger(1, agreement.generateSecret());
      BigInteger ySquared = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
      BigInteger y = ySquared.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      for (BigInteger candidate : List.of(y, p.subtract(y))) {
        ECPublicKey point = (ECPublicKey) factory.generatePublic(
            new ECPublicKeySpec(new ECPoint(x, candidate), params));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(point);
        verifier.update(PROBE);
        if (verifier.verify(signature)) {
          return point;
        }
      }
      throw new IllegalArgumentException("cannot derive the public key of this EC private key: neither candidate"
          + " point verifies its signature; check that the key file is not damaged");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot derive a key id from this EC private key: " + e.getMessage(), e);
    }
  }

  /** The id earlier releases gave an HS256 secret; accepted by verifiers during the transition. */
  static String legacyForSecret(byte[] secret) {
    return "hs-" + legacyDigest("streamkit-hs256-kid".getBytes(StandardCharsets.US_ASCII), secret);
  }

  /** The id earlier releases gave an ES256 key; accepted by verifiers during the transition. */
  static String legacyForPublicKey(ECPublicKey key) {
    BigInteger x = key.getW().getAffineX();
    int width = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    byte[] raw = x.toByteArray();
    byte[] fixed = new byte[width];
    int copy = Math.min(raw.length, width);
    System.arraycopy(raw, raw.length - copy, fixed, width - copy, copy);
    return "es-" + legacyDigest(fixed);
  }

  private static String thumbprint(JWK jwk) {
    try {
      return jwk.computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String legacyDigest(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        sha.update(part);
      }
      byte[] hash = sha.digest();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 12))
          .substring(0, LEGACY_ID_CHARS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
