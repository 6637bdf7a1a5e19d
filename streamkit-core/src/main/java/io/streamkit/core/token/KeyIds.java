package io.streamkit.core.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.KeyAgreement;

/**
 * Key ids ({@code kid}, RFC 7515 §4.1.4) derived from the key itself, so that the application that mints tokens and
 * the origins that verify them agree on ids without a shared registry: rotating a key is adding the new one to the
 * origins, then minting with it.
 *
 * <p>An HS256 id is a truncated SHA-256 of the secret (domain-separated, so it is not a password hash anyone could
 * look up). An ES256 id is a truncated SHA-256 of the public point's x coordinate. The minting side holds only the
 * private key, whose x coordinate we obtain as the ECDH shared secret of the private scalar with the curve's
 * generator: ECDH(d, G) = x(d·G) = x(Q) (SEC 1 v2 §3.3.1), which needs nothing beyond the JDK.
 */
final class KeyIds {

  private static final int ID_CHARS = 12;

  private KeyIds() {}

  static String forSecret(byte[] secret) {
    return "hs-" + digest("streamkit-hs256-kid".getBytes(StandardCharsets.US_ASCII), secret);
  }

  static String forPublicKey(ECPublicKey key) {
    return "es-" + digest(fixedWidth(key.getW().getAffineX(), key.getParams().getCurve().getField().getFieldSize()));
  }

  static String forPrivateKey(ECPrivateKey key) {
    try {
      ECPublicKey generator = (ECPublicKey) KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(key.getParams().getGenerator(), key.getParams()));
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(key);
      agreement.doPhase(generator, true);
      return "es-" + digest(agreement.generateSecret());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot derive a key id from this EC private key: " + e.getMessage(), e);
    }
  }

  private static byte[] fixedWidth(BigInteger value, int bits) {
    byte[] raw = value.toByteArray();
    int width = (bits + 7) / 8;
    byte[] out = new byte[width];
    int copy = Math.min(raw.length, width);
    System.arraycopy(raw, raw.length - copy, out, width - copy, copy);
    return out;
  }

  private static String digest(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        sha.update(part);
      }
      byte[] hash = sha.digest();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 12)).substring(0, ID_CHARS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
