package io.streamkit.server.cli;

import io.streamkit.core.token.PemKeys;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads {@code --signing-key} values: a PEM file (by path; ES256) or otherwise an HS256 secret given as text. The
 * same value given to {@code streamkit token} and {@code streamkit serve} yields matching key ids, so no key id has
 * to be configured.
 */
final class SigningKeys {

  private SigningKeys() {}

  static boolean isKeyFile(String value) {
    return value.endsWith(".pem") || Files.isRegularFile(Path.of(value));
  }

  static PlaybackTokenSigner signer(String value) {
    require(value);
    if (isKeyFile(value)) {
      Path file = Path.of(value);
      if (!PemKeys.holdsPrivateKey(file)) {
        throw new IllegalArgumentException("--signing-key " + value
            + " holds no private key; minting ES256 tokens needs the private key (PKCS #8 PEM)");
      }
      return PlaybackTokenSigner.es256(PemKeys.readEcPrivateKey(file));
    }
    return PlaybackTokenSigner.hs256(secret(value));
  }

  static PlaybackTokenVerifier verifier(List<String> values) {
    PlaybackTokenVerifier.Builder builder = PlaybackTokenVerifier.builder();
    for (String value : values) {
      require(value);
      if (isKeyFile(value)) {
        builder.es256(PemKeys.readEcPublicKey(Path.of(value)));
      } else {
        builder.hs256(secret(value));
      }
    }
    return builder.build();
  }

  private static void require(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--signing-key (or STREAMKIT_SIGNING_KEY) is required: an HS256 secret of at"
          + " least " + PlaybackTokenSigner.MIN_HS256_SECRET_BYTES + " bytes, or an ES256 PEM key file");
    }
  }

  private static byte[] secret(String value) {
    byte[] secret = PlaybackTokenSigner.secretFromText(value);
    if (secret.length < PlaybackTokenSigner.MIN_HS256_SECRET_BYTES) {
      throw new IllegalArgumentException("--signing-key: an HS256 secret must be at least "
          + PlaybackTokenSigner.MIN_HS256_SECRET_BYTES + " bytes, got " + secret.length
          + "; generate one with 'openssl rand -base64 48', or pass an ES256 PEM key file");
    }
    return secret;
  }
}
