package io.streamkit.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.token.TokenRejectedException.Reason;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybackTokenTest {

  private static final byte[] SECRET = "a-secret-that-is-long-enough-for-hs256!!".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_SECRET = "another-secret-that-is-long-enough-for-hs256".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

  /** The P-256 key of RFC 7515 Appendix A.3. */
  private static final String RFC_7515_A3_X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
  private static final String RFC_7515_A3_Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
  private static final String RFC_7515_A3_D = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
  /** The RSA modulus of the example in RFC 7638 §3.1. */
  private static final String RFC_7638_N =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjB"
      + "ZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8"
      + "KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
      + "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

  private static PlaybackClaims.Builder claims() {
    return PlaybackClaims.builder().viewer("alice").title("big-buck-bunny").expiresAt(NOW.plusSeconds(3600));
  }

  private static PlaybackTokenVerifier verifierAt(Instant now, byte[]... secrets) {
    PlaybackTokenVerifier.Builder b = PlaybackTokenVerifier.builder().clock(Clock.fixed(now, ZoneOffset.UTC));
    for (byte[] s : secrets) {
      b.hs256(s);
    }
    return b.build();
  }

  @Test
  void hs256RoundTripKeepsEveryClaim() throws Exception {
    PlaybackClaims original = claims().sessionId("s-1").notBefore(NOW.minusSeconds(5)).issuedAt(NOW)
        .clientIp("203.0.113.7").maxHeight(720).maxStreams(2).build();
    String token = PlaybackTokenSigner.hs256(SECRET).sign(original);

    PlaybackClaims back = verifierAt(NOW, SECRET).verify(token);

    assertThat(back).isEqualTo(original);
    assertThat(back.maxHeight()).hasValue(720);
    assertThat(back.maxStreams()).hasValue(2);
    assertThat(back.allowsClient(InetAddress.getByName("203.0.113.7"))).isTrue();
    assertThat(back.allowsClient(InetAddress.getByName("::ffff:203.0.113.7"))).isTrue();
    assertThat(back.allowsClient(InetAddress.getByName("203.0.113.8"))).isFalse();
  }

  @Test
  void maturityLimitAndCategoriesSurviveTheRoundTripAndAreCheckedOnTheWayIn() {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    PlaybackClaims limited = claims().maxRating(MaturityRating.PG).categories(List.of("Kids", "animation")).build();

    PlaybackClaims back = verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(limited));

    assertThat(back).isEqualTo(limited);
    assertThat(back.maxRating()).hasValue(MaturityRating.PG);
    assertThat(back.categories()).containsExactly("animation", "kids");
    PlaybackClaims plain = verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(claims().build()));
    assertThat(plain.maxRating()).isEmpty();
    assertThat(plain.categories()).isEmpty();
    assertThatThrownBy(() -> claims().categories(List.of("not a slug")))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("category");
  }

  @Test
  void aProfileSurvivesTheRoundTripAndAProfileThatIsNotAUuidIsMalformed() throws Exception {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    UUID profile = UUID.randomUUID();
    PlaybackClaims kids = claims().profile(profile).maxRating(MaturityRating.G).build();

    assertThat(verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(kids))).isEqualTo(kids);
    assertThat(verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(kids)).profile()).hasValue(profile);
    assertThat(verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(claims().build())).profile()).isEmpty();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .subject("alice").claim("title", "big-buck-bunny").claim("profile", "1-2-3-4-5")
        .expirationTime(Date.from(NOW.plusSeconds(60))).build());
    jwt.sign(new MACSigner(SECRET));
    assertThatThrownBy(() -> verifier.verify(jwt.serialize()))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("profile");
  }

  @Test
  void aCountrySurvivesTheRoundTripUpperCasedAndOneThatIsNotTwoLettersIsMalformed() throws Exception {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    PlaybackClaims german = claims().country("de").build();

    assertThat(german.country()).hasValue("DE");
    assertThat(verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(german))).isEqualTo(german);
    assertThat(verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(claims().build())).country()).isEmpty();
    assertThatThrownBy(() -> claims().country("Germany")).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("country").hasMessageContaining("alpha-2");
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .subject("alice").claim("title", "big-buck-bunny").claim("country", "DEU")
        .expirationTime(Date.from(NOW.plusSeconds(60))).build());
    jwt.sign(new MACSigner(SECRET));
    assertThatThrownBy(() -> verifier.verify(jwt.serialize()))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("country");
  }

  @Test
  void previewFlagSurvivesTheRoundTripAndIsOffByDefault() {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    PlaybackClaims preview = verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(claims().preview(true).build()));
    PlaybackClaims viewer = verifier.verify(PlaybackTokenSigner.hs256(SECRET).sign(claims().build()));

    assertThat(preview.preview()).isTrue();
    assertThat(viewer.preview()).isFalse();
  }

  @Test
  void keyRotationAcceptsOldAndNewKeysAtOnce() {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET, OTHER_SECRET);
    String oldToken = PlaybackTokenSigner.hs256(SECRET).sign(claims().build());
    String newToken = PlaybackTokenSigner.hs256(OTHER_SECRET).sign(claims().build());

    assertThat(verifier.verify(oldToken).viewer()).isEqualTo("alice");
    assertThat(verifier.verify(newToken).viewer()).isEqualTo("alice");
    assertThat(PlaybackTokenSigner.hs256(SECRET).keyId()).isNotEqualTo(PlaybackTokenSigner.hs256(OTHER_SECRET).keyId());
    assertThatThrownBy(() -> verifierAt(NOW, SECRET).verify(newToken))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
  }

  @Test
  void nimbusComputesTheRfc7638ExampleThumbprint() throws Exception {
    RSAKey rfc7638Example = RSAKey.parse("{\"kty\":\"RSA\",\"n\":\"" + RFC_7638_N + "\",\"e\":\"AQAB\","
        + "\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}");

    assertThat(rfc7638Example.computeThumbprint().toString()).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  }

  @Test
  void hs256KeyIdIsTheRfc7638ThumbprintOfTheOctetKey() throws Exception {
    String canonicalJwk = "{\"k\":\"" + base64Url(SECRET) + "\",\"kty\":\"oct\"}";
    String thumbprint = base64Url(MessageDigest.getInstance("SHA-256")
        .digest(canonicalJwk.getBytes(StandardCharsets.UTF_8)));

    String token = PlaybackTokenSigner.hs256(SECRET).sign(claims().build());

    assertThat(thumbprint).isEqualTo("wqPYcEwtqRj6AraA1mzHuF3WYF-qtJjoqHOWT7hBKMg");
    assertThat(PlaybackTokenSigner.hs256(SECRET).keyId()).isEqualTo(thumbprint);
    assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(thumbprint);
    assertThat(verifierAt(NOW, SECRET).keyIds()).contains(thumbprint);
  }

  @Test
  void es256KeyIdIsTheRfc7638ThumbprintOfThePublicKeyEvenWhenMintingFromThePrivateKeyAlone() throws Exception {
    String canonicalJwk = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + RFC_7515_A3_X + "\",\"y\":\"" + RFC_7515_A3_Y
        + "\"}";
    String thumbprint = base64Url(MessageDigest.getInstance("SHA-256")
        .digest(canonicalJwk.getBytes(StandardCharsets.UTF_8)));
    PlaybackTokenSigner signer = PlaybackTokenSigner.es256(rfc7515A3PrivateKey());
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().es256(rfc7515A3PublicKey())
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    assertThat(thumbprint).isEqualTo("oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
    assertThat(signer.keyId()).isEqualTo(thumbprint);
    assertThat(verifier.keyIds()).contains(thumbprint);
    assertThat(verifier.verify(signer.sign(claims().build())).viewer()).isEqualTo("alice");
  }

  @Test
  void es256KeyIdsAgreeForRandomKeysWhicheverSignTheirPointHas() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    for (int i = 0; i < 8; i++) {
      KeyPair pair = generator.generateKeyPair();
      String expected = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).build().computeThumbprint()
          .toString();
      assertThat(PlaybackTokenSigner.es256((ECPrivateKey) pair.getPrivate()).keyId()).isEqualTo(expected);
    }
  }

  @Test
  void tokensMintedWithTheEarlierKeyIdsStillVerify() {
    String oldHs256 = PlaybackTokenSigner.hs256("hs-XoWHSd-pQRGG", SECRET).sign(claims().build());
    String oldEs256 = PlaybackTokenSigner.es256("es-xKjXbs9fcSpv", rfc7515A3PrivateKey()).sign(claims().build());
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().hs256(SECRET).es256(rfc7515A3PublicKey())
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    assertThat(verifier.verify(oldHs256).viewer()).isEqualTo("alice");
    assertThat(verifier.verify(oldEs256).viewer()).isEqualTo("alice");
    assertThat(verifier.keyIds()).contains("hs-XoWHSd-pQRGG", "es-xKjXbs9fcSpv");
    assertRejected(verifierAt(NOW, OTHER_SECRET), oldHs256, Reason.UNKNOWN_KEY);
  }

  @Test
  void aTokenWithoutKidFindsTheOneKeyOfItsAlgorithmDespiteItsTwoIds() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .claim("title", "big-buck-bunny").expirationTime(Date.from(NOW.plusSeconds(60))).build());
    jwt.sign(new MACSigner(SECRET));

    assertThat(verifierAt(NOW, SECRET).verify(jwt.serialize()).titleId()).isEqualTo("big-buck-bunny");
  }

  @Test
  void tamperedPayloadFailsTheSignature() {
    String token = PlaybackTokenSigner.hs256(SECRET).sign(claims().maxHeight(480).build());
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("480", "2160");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

    assertRejected(verifierAt(NOW, SECRET), forged, Reason.BAD_SIGNATURE);
  }

  @Test
  void sameKidWithAnotherSecretFailsTheSignature() {
    String token = PlaybackTokenSigner.hs256(PlaybackTokenSigner.hs256(SECRET).keyId(), OTHER_SECRET)
        .sign(claims().build());
    assertRejected(verifierAt(NOW, SECRET), token, Reason.BAD_SIGNATURE);
  }

  @Test
  void malformedAndUnsignedTokensAreRefused() {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    assertRejected(verifier, "", Reason.MISSING);
    assertRejected(verifier, "not-a-token", Reason.MALFORMED);
    assertRejected(verifier, "a.b.c", Reason.MALFORMED);
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
    String body = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"title\":\"big-buck-bunny\",\"exp\":9999999999}".getBytes());
    assertRejected(verifier, header + "." + body + ".", Reason.MALFORMED);
    assertRejected(verifier, "x".repeat(PlaybackTokenVerifier.MAX_TOKEN_CHARS + 1), Reason.MALFORMED);
  }

  @Test
  void expiryAndNotBeforeAreCheckedOnEveryUseEvenWhenCached() {
    MutableClock clock = new MutableClock(NOW);
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().hs256(SECRET).clock(clock)
        .clockSkew(Duration.ZERO).build();
    String token = PlaybackTokenSigner.hs256(SECRET)
        .sign(claims().notBefore(NOW.plusSeconds(60)).expiresAt(NOW.plusSeconds(120)).build());

    assertRejected(verifier, token, Reason.NOT_YET_VALID);
    clock.now = NOW.plusSeconds(61);
    assertThat(verifier.verify(token).titleId()).isEqualTo("big-buck-bunny");
    clock.now = NOW.plusSeconds(121);
    assertRejected(verifier, token, Reason.EXPIRED);
  }

  @Test
  void viewerIdsFollowOneRuleWhenMintedAndWhenVerifiedAndTheProgressStoreAcceptsThem() throws Exception {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    for (String viewer : List.of("alice", "alice.smith+tv@example.com", "6f1c3a52-7d0e-4c1b-9a57-2f4a9d3e8b10",
        "auth0|5f7c8ec7c33c6c004bbafe82", "urn:viewer:42", "x".repeat(ViewerId.MAX_LENGTH))) {
      String token = PlaybackTokenSigner.hs256(SECRET).sign(claims().viewer(viewer).build());
      String verified = verifier.verify(token).viewer();
      assertThat(verified).isEqualTo(viewer);
      assertThat(new WatchProgress(verified, UUID.randomUUID(), Duration.ZERO, Duration.ofMinutes(1), NOW).viewerId())
          .isEqualTo(viewer);
    }

    assertThatThrownBy(() -> claims().viewer("alice smith"))
        .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("viewer may contain only")
        .hasMessageContaining("U+0020 at character 6").hasMessageContaining("'alice smith'");
    assertThatThrownBy(() -> claims().viewer("alice\u0000")).hasMessageContaining("U+0000 at character 6")
        .hasMessageNotContaining("\u0000");
    assertThatThrownBy(() -> claims().viewer("jos\u00e9")).hasMessageContaining("U+00E9 at character 4");
    assertThatThrownBy(() -> claims().viewer("x".repeat(ViewerId.MAX_LENGTH + 1)))
        .hasMessageContaining("viewer must be 1 to 128 characters (129 given)");
  }

  @Test
  void aTokenMintedElsewhereForAViewerIdOutsideTheRuleIsMalformed() throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .subject("alice smith").claim("title", "big-buck-bunny").expirationTime(Date.from(NOW.plusSeconds(60)))
        .build());
    jwt.sign(new MACSigner(SECRET));

    assertThatThrownBy(() -> verifierAt(NOW, SECRET).verify(jwt.serialize()))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("U+0020");
  }

  @Test
  void expiryAndNotBeforeGetTheSameClockSkewAndTheirEdgesFollowRfc7519() {
    Duration skew = Duration.ofSeconds(30);
    MutableClock clock = new MutableClock(NOW);
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().hs256(SECRET).clock(clock).clockSkew(skew)
        .build();
    Instant notBefore = NOW.plusSeconds(60);
    Instant expiry = NOW.plusSeconds(120);
    String token = PlaybackTokenSigner.hs256(SECRET).sign(claims().notBefore(notBefore).expiresAt(expiry).build());

    clock.now = notBefore.minus(skew).minusMillis(1);
    assertRejected(verifier, token, Reason.NOT_YET_VALID);
    clock.now = notBefore.minus(skew);
    assertThat(verifier.verify(token).expiresAt()).isEqualTo(expiry);
    clock.now = expiry.plus(skew).minusMillis(1);
    assertThat(verifier.verify(token).expiresAt()).isEqualTo(expiry);
    clock.now = expiry.plus(skew);
    assertRejected(verifier, token, Reason.EXPIRED);
  }

  @Test
  void authoriseChecksTitleAndClient() throws Exception {
    PlaybackTokenVerifier verifier = verifierAt(NOW, SECRET);
    String token = PlaybackTokenSigner.hs256(SECRET).sign(claims().clientIp("127.0.0.1").build());
    InetAddress loopback = InetAddress.getByName("127.0.0.1");

    assertThat(verifier.authorise(token, "big-buck-bunny", loopback).viewer()).isEqualTo("alice");
    assertThatThrownBy(() -> verifier.authorise(token, "sintel", loopback))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TITLE));
    assertThatThrownBy(() -> verifier.authorise(token, "big-buck-bunny", InetAddress.getByName("10.0.0.1")))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_CLIENT));
  }

  @Test
  void es256TokensVerifyWithOnlyThePublicKeyReadFromPem(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Path privatePem = writePem(dir.resolve("signing.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
    Path publicPem = writePem(dir.resolve("verify.pem"), "PUBLIC KEY", pair.getPublic().getEncoded());

    ECPrivateKey privateKey = PemKeys.readEcPrivateKey(privatePem);
    ECPublicKey publicKey = PemKeys.readEcPublicKey(publicPem);
    PlaybackTokenSigner signer = PlaybackTokenSigner.es256(privateKey);
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().es256(publicKey).hs256(SECRET)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    assertThat(verifier.keyIds()).contains(signer.keyId());
    assertThat(verifier.verify(signer.sign(claims().build())).viewer()).isEqualTo("alice");
    assertThat(PemKeys.holdsPrivateKey(privatePem)).isTrue();
    assertThatThrownBy(() -> PemKeys.readEcPublicKey(privatePem))
        .hasMessageContaining("holds a private key").hasMessageContaining("-pubout");
  }

  @Test
  void es256KeysOnAnotherCurveAreRefusedWhereTheyAreGiven() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = generator.generateKeyPair();
    assertThatThrownBy(() -> PlaybackTokenSigner.es256((ECPrivateKey) p384.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("384-bit curve")
        .hasMessageContaining("P-256");
    assertThatThrownBy(() -> PlaybackTokenSigner.es256("k1", (ECPrivateKey) p384.getPrivate()))
        .hasMessageContaining("384-bit curve");
    assertThatThrownBy(() -> PlaybackTokenVerifier.builder().es256((ECPublicKey) p384.getPublic()))
        .hasMessageContaining("384-bit curve");
    assertThatThrownBy(() -> PlaybackTokenVerifier.builder().es256("k1", (ECPublicKey) p384.getPublic()))
        .hasMessageContaining("384-bit curve");
  }

  @Test
  void anHs256TokenCannotBeForgedWithTheEs256PublicKeyAsSecret() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().es256(publicKey)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    String esKid = verifier.keyIds().iterator().next();

    String forged = PlaybackTokenSigner.hs256(esKid, publicKey.getEncoded()).sign(claims().build());

    assertRejected(verifier, forged, Reason.UNKNOWN_KEY);
  }

  @Test
  void badConfigurationFailsWithTheLimitNamed() {
    assertThatThrownBy(() -> PlaybackTokenSigner.hs256("short".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("at least 32 bytes, got 5");
    assertThatThrownBy(() -> PlaybackClaims.builder().title("../etc"))
        .hasMessageContaining("title id '../etc' is not valid");
    assertThatThrownBy(() -> PlaybackClaims.builder().clientIp("example.com"))
        .hasMessageContaining("not an IPv4 or IPv6 address literal");
    assertThatThrownBy(() -> PlaybackClaims.builder().maxHeight(100_000)).hasMessageContaining("8640");
    assertThatThrownBy(() -> PlaybackClaims.builder().maxStreams(-1)).hasMessageContaining("max streams");
    assertThatThrownBy(() -> PlaybackTokenVerifier.builder().build()).hasMessageContaining("at least one key");
    assertThatThrownBy(() -> PlaybackTokenVerifier.builder().hs256(SECRET).hs256(SECRET))
        .hasMessageContaining("added twice");
  }

  @Test
  void aClientIpThatIsNotALiteralIsRefusedWithoutANameLookup() {
    for (String notALiteral : List.of("999.1.1.1", "01.2.3.4", "1.2.3.256")) {
      assertThatThrownBy(() -> PlaybackClaims.builder().clientIp(notALiteral))
          .as(notALiteral).hasMessageContaining("not an IPv4 or IPv6 address literal")
          .satisfies(e -> assertThat(e.getCause()).as("a failed lookup of " + notALiteral).isNull());
    }
    assertThat(PlaybackClaims.builder().title("t").expiresAt(NOW).clientIp("0.10.200.255").build().clientAddress())
        .hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("0.10.200.255"));
  }

  @Test
  void cacheStaysWithinItsBound() {
    VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(1), Duration.ofSeconds(10),
        Clock.fixed(NOW, ZoneOffset.UTC));
    PlaybackClaims c = claims().build();
    for (int i = 0; i < 1000; i++) {
      cache.put("token-" + i, c);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void cachedTokenIsForgottenAtItsOwnExpiryPlusSkewOrTheTtl() {
    MovableClock clock = new MovableClock(NOW);
    VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(10), Duration.ofSeconds(10), clock);
    cache.put("short", claims().expiresAt(NOW.plusSeconds(30)).build());
    cache.put("long", claims().expiresAt(NOW.plusSeconds(3600)).build());

    clock.now = NOW.plusSeconds(39);
    assertThat(cache.get("short")).isNotNull();
    clock.now = NOW.plusSeconds(41);
    assertThat(cache.get("short")).as("gone at exp + skew").isNull();
    assertThat(cache.get("long")).isNotNull();
    clock.now = NOW.plusSeconds(640);
    assertThat(cache.get("long")).as("last presented at 41 s: kept for the ttl after that").isNotNull();
    clock.now = NOW.plusSeconds(640 + 601);
    assertThat(cache.get("long")).as("gone the ttl after it was last presented, although exp is later").isNull();
  }

  @Test
  void aTokenPresentedWithinTheTtlIsRememberedUntilItsExpiry() {
    MovableClock clock = new MovableClock(NOW);
    VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(10), Duration.ofSeconds(10), clock);
    cache.put("playing", claims().expiresAt(NOW.plusSeconds(7200)).build());
    cache.put("idle", claims().expiresAt(NOW.plusSeconds(7200)).build());

    for (int minute = 5; minute <= 115; minute += 5) {
      clock.now = NOW.plusSeconds(minute * 60L);
      assertThat(cache.get("playing")).as("presented every 5 minutes, minute " + minute).isNotNull();
    }
    assertThat(cache.get("idle")).as("not presented for longer than the ttl").isNull();
    clock.now = NOW.plusSeconds(7211);
    assertThat(cache.get("playing")).as("gone at exp + skew, however often presented").isNull();
  }

  /** A clock tests move by hand. */
  private static final class MovableClock extends Clock {
    volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static ECPublicKey rfc7515A3PublicKey() {
    try {
      return new ECKey.Builder(Curve.P_256, new Base64URL(RFC_7515_A3_X), new Base64URL(RFC_7515_A3_Y)).build()
          .toECPublicKey();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  private static ECPrivateKey rfc7515A3PrivateKey() {
    try {
      return new ECKey.Builder(Curve.P_256, new Base64URL(RFC_7515_A3_X), new Base64URL(RFC_7515_A3_Y))
          .d(new Base64URL(RFC_7515_A3_D)).build().toECPrivateKey();
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  private static Path writePem(Path file, String type, byte[] der) throws Exception {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static void assertRejected(PlaybackTokenVerifier verifier, String token, Reason reason) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
