package io.streamkit.core.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ES256 (P-256) keys from PEM files as OpenSSL writes them: {@code PRIVATE KEY} (PKCS #8, RFC 5208) for the
 * side that mints tokens and {@code PUBLIC KEY} (SubjectPublicKeyInfo, RFC 5280 §4.1) for origins, which never need
 * the private key.
 *
 * <pre>
 * openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing.pem
 * openssl pkey -in signing.pem -pubout -out verify.pem
 * </pre>
 *
 * <p>Every failure is an {@link IllegalArgumentException} naming the file and, where one helps, the
 * {@code openssl} command that produces the right key.
 */
public final class PemKeys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
  private static final int P256_FIELD_BITS = 256;

  private PemKeys() {}

  /**
   * {@return whether the file's first PEM block holds a private key ({@code PRIVATE KEY}, {@code EC PRIVATE KEY}
   * and the like)} Lets a caller refuse a public key where a signing key is needed, before trying to read it.
   *
   * @param file the PEM file
   * @throws IllegalArgumentException if the file does not exist or cannot be read
   */
  public static boolean holdsPrivateKey(Path file) {
    String type = firstBlockType(read(file));
    return type != null && type.endsWith("PRIVATE KEY");
  }

  /**
   * Reads the private key that signs ES256 tokens.
   *
   * @param file a PEM file with a PKCS #8 {@code PRIVATE KEY} block on P-256
   * @return the key
   * @throws IllegalArgumentException if the file cannot be read, holds no such block (a SEC 1
   *     {@code EC PRIVATE KEY} is named with the command that converts it), or the key is not on P-256
   */
  public static ECPrivateKey readEcPrivateKey(Path file) {
    String pem = read(file);
    byte[] der = block(file, pem, "PRIVATE KEY", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256");
    try {
      ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      requireP256(file, key.getParams());
      return key;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " does not hold an EC private key (PKCS #8): " + e.getMessage(), e);
    }
  }

  /**
   * Reads the public key that verifies ES256 tokens.
   *
   * @param file a PEM file with a {@code PUBLIC KEY} block on P-256
   * @return the key
   * @throws IllegalArgumentException if the file cannot be read, holds a private key (refused, so that origins are
   *     not handed one), holds no {@code PUBLIC KEY} block, or the key is not on P-256
   */
  public static ECPublicKey readEcPublicKey(Path file) {
    String pem = read(file);
    if ("PRIVATE KEY".equals(firstBlockType(pem)) || "EC PRIVATE KEY".equals(firstBlockType(pem))) {
      throw new IllegalArgumentException(file + " holds a private key; a verifier needs only the public key: "
          + "openssl pkey -in " + file + " -pubout -out verify.pem");
    }
    byte[] der = block(file, pem, "PUBLIC KEY", "openssl pkey -in signing.pem -pubout");
    try {
      ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      requireP256(file, key.getParams());
      return key;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(file + " does not hold an EC public key: " + e.getMessage(), e);
    }
  }

  private static void requireP256(Path file, ECParameterSpec params) {
    requireP256(file + " holds a key that", params);
  }

  /**
   * Refuses a key on another curve than P-256, which ES256 is defined on (RFC 7518 §3.4).
   *
   * @param what the key as the message names it, followed by "is on a ...-bit curve"
   */
  static void requireP256(String what, ECParameterSpec params) {
    int bits = params.getCurve().getField().getFieldSize();
    if (bits != P256_FIELD_BITS) {
      throw new IllegalArgumentException(what + " is on a " + bits + "-bit curve; ES256 needs P-256 (openssl"
          + " genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String firstBlockType(String pem) {
    Matcher m = BLOCK.matcher(pem);
    return m.find() ? m.group(1) : null;
  }

  private static byte[] block(Path file, String pem, String type, String howToMake) {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        return Base64.getMimeDecoder().decode(m.group(2));
      }
      if (m.group(1).equals("EC PRIVATE KEY") && type.equals("PRIVATE KEY")) {
        throw new IllegalArgumentException(file + " holds a SEC 1 'EC PRIVATE KEY'; convert it to PKCS #8: "
            + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out signing.pem");
      }
    }
    throw new IllegalArgumentException(
        file + " has no PEM '" + type + "' block; create one with: " + howToMake);
  }
}
