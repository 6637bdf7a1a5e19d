package io.streamkit.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.ViewerId;
import io.streamkit.core.token.TokenRejectedException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Whatever a client presents as a playback token ({@code ?token=} or {@code Authorization: Bearer}) ends in claims or
 * in {@link TokenRejectedException}, never in another exception; with and without the verified-token cache alike.
 * Claims come back only for a token in the compact serialization (RFC 7515 §7.1: three parts, each base64url without
 * padding in its canonical form) whose signature verifies under one of the verifier's keys, checked here with the
 * JDK's own HMAC and ECDSA (RFC 7515 §5.2, RFC 7518 §3.2 and §3.4), never for an expired or not yet valid one, and
 * they open their own title for their own client and no other title.
 */
class PlaybackTokenFuzzTest {

  private static final PlaybackTokenVerifier CACHED = FuzzingKeys.verifier(PlaybackTokenVerifier.DEFAULT_CACHE_SIZE);
  private static final PlaybackTokenVerifier UNCACHED = FuzzingKeys.verifier(0);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Outcome(List<Object> claims, Reason reason) {}

  @FuzzTest
  void verify(byte[] input) throws Exception {
    String token = new String(input, StandardCharsets.UTF_8);

    Outcome cached = outcome(() -> CACHED.verify(token));
    Outcome uncached = outcome(() -> UNCACHED.verify(token));
    assertThat(cached).isEqualTo(uncached);
    if (cached.reason() != null) {
      return;
    }
    PlaybackClaims claims = UNCACHED.verify(token);
    assertThat(signatureVerifies(token)).as("the signature of an accepted token verifies").isTrue();
    assertThat(claims.expiresAt().plus(PlaybackTokenVerifier.DEFAULT_CLOCK_SKEW)).isAfter(FuzzingKeys.NOW);
    claims.notBefore().ifPresent(nbf ->
        assertThat(nbf.minus(PlaybackTokenVerifier.DEFAULT_CLOCK_SKEW)).isBeforeOrEqualTo(FuzzingKeys.NOW));
    assertThat(PlaybackClaims.TITLE_ID.matcher(claims.titleId()).matches()).isTrue();
    assertThat(ViewerId.require("viewer", claims.viewer())).isEqualTo(claims.viewer());

    InetAddress client = claims.clientAddress().orElse(InetAddress.getByName("192.0.2.1"));
    assertThat(UNCACHED.authorise(token, claims.titleId(), client).titleId()).isEqualTo(claims.titleId());
    TokenRejectedException otherTitle = catchThrowableOfType(TokenRejectedException.class,
        () -> UNCACHED.authorise(token, claims.titleId() + "-other", client));
    assertThat(otherTitle.reason()).isEqualTo(Reason.WRONG_TITLE);
    if (claims.clientAddress().isPresent()) {
      byte[] elsewhere = client.getAddress().clone();
      elsewhere[elsewhere.length - 1] ^= 1;
      TokenRejectedException otherClient = catchThrowableOfType(TokenRejectedException.class,
          () -> UNCACHED.authorise(token, claims.titleId(), InetAddress.getByAddress(elsewhere)));
      assertThat(otherClient.reason()).isEqualTo(Reason.WRONG_CLIENT);
    }
  }

  /** The claims (all but the session id, which a token may leave to the verifier to draw) or the reason. */
  private static Outcome outcome(Supplier<PlaybackClaims> verify) {
    try {
      PlaybackClaims c = verify.get();
      return new Outcome(List.of(c.viewer(), c.titleId(), c.expiresAt(), c.notBefore(), c.issuedAt(),
          c.clientAddress(), c.maxHeight(), c.preview()), null);
    } catch (TokenRejectedException e) {
      assertThat(e.getMessage()).startsWith("playback token rejected (" + e.reason().tag() + "): ");
      return new Outcome(null, e.reason());
    }
  }

  /** RFC 7515 §5.2 with the JDK's primitives: the signature over {@code header.payload} under the named algorithm. */
  private static boolean signatureVerifies(String token) throws IOException, GeneralSecurityException {
    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(3);
    Base64.Decoder base64url = Base64.getUrlDecoder();
    for (String part : parts) {
      assertThat(part).as("RFC 7515 §2: base64url characters only").matches("[A-Za-z0-9_-]*");
      byte[] bytes = base64url.decode(part);
      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
          .as("RFC 7515 §2: base64url without padding, in its one canonical form (RFC 4648 §3.5)").isEqualTo(part);
    }
    JsonNode header = JSON.readTree(base64url.decode(parts[0]));
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    byte[] signature = base64url.decode(parts[2]);
    switch (header.path("alg").asText()) {
      case "HS256" -> {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(FuzzingKeys.SECRET, "HmacSHA256"));
        return MessageDigest.isEqual(mac.doFinal(signingInput), signature);
      }
      case "ES256" -> {
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(FuzzingKeys.ecPublicKey());
        ecdsa.update(signingInput);
        return ecdsa.verify(signature);
      }
      default -> {
        return false;
      }
    }
  }
}
