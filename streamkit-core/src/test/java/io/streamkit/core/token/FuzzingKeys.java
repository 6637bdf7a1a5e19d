package io.streamkit.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The keys and the clock the token fuzz targets verify with. They are fixed, so the tokens in the checked-in seed
 * corpus (minted with them) stay valid: the clock stands still at {@link #NOW}.
 */
final class FuzzingKeys {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final byte[] SECRET = "streamkit-fuzzing-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  /** The P-256 key of RFC 7515 Appendix A.3. */
  static final ECKey EC_KEY = new ECKey.Builder(Curve.P_256,
      new Base64URL("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"),
      new Base64URL("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"))
      .d(new Base64URL("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI")).build();

  private FuzzingKeys() {}

  static ECPublicKey ecPublicKey() {
    try {
      return EC_KEY.toECPublicKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECPrivateKey ecPrivateKey() {
    try {
      return EC_KEY.toECPrivateKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Both keys, the clock at {@link #NOW}; {@code cacheSize} 0 checks every signature. */
  static PlaybackTokenVerifier verifier(int cacheSize) {
    return PlaybackTokenVerifier.builder().hs256(SECRET).es256(ecPublicKey())
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).cacheSize(cacheSize).build();
  }
}
