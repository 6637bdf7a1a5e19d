package io.streamkit.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import io.streamkit.core.token.TokenRejectedException.Reason;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The claims codec behind a genuine signature: any payload signed with the verifier's own key ends in claims or in
 * {@link TokenRejectedException} ({@code malformed}, {@code expired} or {@code not_yet_valid}, never a signature or
 * key reason), never in another exception. Accepted claims are exactly what a standard JSON reader (Jackson, last
 * duplicate wins as RFC 7519 §4 allows) sees in the payload: {@code title}, {@code sub}, {@code sid}, {@code ip},
 * {@code preview}, {@code max_height} and {@code max_streams} with their JSON types and values, {@code exp}, {@code nbf} and {@code iat}
 * as the NumericDate seconds (RFC 7519 §2) they state. And the codec is its own inverse: signing the claims again
 * and verifying gives the same claims.
 */
class SignedClaimsFuzzTest {

  private static final PlaybackTokenVerifier VERIFIER = FuzzingKeys.verifier(0);
  private static final PlaybackTokenSigner SIGNER = PlaybackTokenSigner.hs256(FuzzingKeys.SECRET);
  private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(SIGNER.keyId())
      .type(JOSEObjectType.JWT).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest
  void decode(byte[] payload) throws Exception {
    JWSObject jws = new JWSObject(HEADER, new Payload(payload));
    jws.sign(new MACSigner(FuzzingKeys.SECRET));
    String token = jws.serialize();

    PlaybackClaims claims;
    try {
      claims = VERIFIER.verify(token);
    } catch (TokenRejectedException e) {
      assertThat(e.reason()).isIn(Reason.MALFORMED, Reason.EXPIRED, Reason.NOT_YET_VALID);
      return;
    }
    JsonNode json = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
    assertThat(json.isObject()).as("an accepted payload is a JSON object").isTrue();
    assertThat(json.path("title").isTextual()).isTrue();
    assertThat(claims.titleId()).isEqualTo(json.get("title").textValue());
    assertThat(claims.viewer()).isEqualTo(text(json, "sub").orElse("anonymous"));
    text(json, "sid").ifPresent(sid -> assertThat(claims.sessionId()).isEqualTo(sid));
    assertThat(claims.expiresAt()).isEqualTo(numericDate(json, "exp").orElseThrow());
    assertThat(claims.notBefore()).isEqualTo(numericDate(json, "nbf"));
    assertThat(claims.issuedAt()).isEqualTo(numericDate(json, "iat"));
    assertThat(claims.clientAddress()).isEqualTo(text(json, "ip").map(SignedClaimsFuzzTest::address));
    assertThat(claims.preview()).isEqualTo(present(json, "preview") && json.get("preview").booleanValue());
    if (present(json, "preview")) {
      assertThat(json.get("preview").isBoolean()).isTrue();
    }
    if (present(json, "max_height")) {
      JsonNode height = json.get("max_height");
      assertThat(height.canConvertToExactIntegral() && height.canConvertToInt()).as("max_height %s", height)
          .isTrue();
      int value = height.intValue();
      assertThat(claims.maxHeight()).isEqualTo(value == 0 ? OptionalInt.empty() : OptionalInt.of(value));
    } else {
      assertThat(claims.maxHeight()).isEmpty();
    }
    if (present(json, "max_streams")) {
      JsonNode streams = json.get("max_streams");
      assertThat(streams.canConvertToExactIntegral() && streams.canConvertToInt()).as("max_streams %s", streams)
          .isTrue();
      int value = streams.intValue();
      assertThat(claims.maxStreams()).isEqualTo(value == 0 ? OptionalInt.empty() : OptionalInt.of(value));
    } else {
      assertThat(claims.maxStreams()).isEmpty();
    }

    assertThat(VERIFIER.verify(SIGNER.sign(claims))).isEqualTo(claims);
  }

  private static boolean present(JsonNode json, String field) {
    return json.hasNonNull(field);
  }

  private static Optional<String> text(JsonNode json, String field) {
    if (!present(json, field)) {
      return Optional.empty();
    }
    assertThat(json.get(field).isTextual()).as("%s is a string", field).isTrue();
    return Optional.of(json.get(field).textValue());
  }

  /** RFC 7519 §2 NumericDate: seconds since the epoch, fractions allowed and dropped. */
  private static Optional<Instant> numericDate(JsonNode json, String field) {
    if (!present(json, field)) {
      return Optional.empty();
    }
    JsonNode value = json.get(field);
    assertThat(value.isNumber()).as("%s is a number", field).isTrue();
    BigInteger seconds = value.decimalValue().toBigInteger();
    assertThat(seconds).as("%s in seconds", field)
        .isBetween(BigInteger.valueOf(Instant.MIN.getEpochSecond()), BigInteger.valueOf(Instant.MAX.getEpochSecond()));
    return Optional.of(Instant.ofEpochSecond(seconds.longValue()));
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new AssertionError("accepted ip " + literal + " is not an address", e);
    }
  }
}
