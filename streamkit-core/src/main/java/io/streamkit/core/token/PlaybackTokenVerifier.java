package io.streamkit.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.streamkit.core.token.TokenRejectedException.Reason;
import java.net.InetAddress;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies playback tokens and decides whether one authorises a request for a title from a client address.
 *
 * <p>Design. A player fetches one master playlist, a handful of media playlists and then a segment every few seconds,
 * all with the same token, so the expensive part (parsing the JWS and checking the signature) is done once per token
 * and its result kept in a bounded cache ({@link VerifiedTokenCache}); the cheap per-request checks (expiry against
 * the clock, title, client address) run every time, so a cached token still stops working the second it expires.
 *
 * <p>Keys are looked up by {@code kid}; several keys may be held at once, which is how keys rotate: add the new key
 * to every origin, then mint with it, then drop the old one after the longest token lifetime. A key added without an
 * id answers to its RFC 7638 JWK thumbprint and, during the transition from earlier releases, to the legacy id those
 * releases minted with (see {@code KeyIds}). A key only verifies
 * tokens of its own algorithm, so an HS256 token cannot be checked against an ES256 public key used as an HMAC secret
 * (the classic algorithm-confusion attack). HMAC comparison is constant-time: nimbus-jose-jwt's {@code MACVerifier}
 * compares with {@code ConstantTimeUtils.areEqual}; ECDSA verification does not compare secrets.
 *
 * <p>Time. RFC 7519 requires the current time to be before {@code exp} (§4.1.4) and at or after {@code nbf} (§4.1.5),
 * each allowing "some small leeway ... to account for clock skew". Both claims get the same leeway, the clock skew
 * ({@link #DEFAULT_CLOCK_SKEW} unless set): a token is accepted from {@code nbf - skew} inclusive until
 * {@code exp + skew} exclusive, so the minting side's clock may run ahead of or behind ours by the skew.
 *
 * <p>Thread-safe: build one and share it across all request threads.
 */
public final class PlaybackTokenVerifier {

  /** Leeway for disagreement between the minting clock and ours, applied alike to {@code exp} and {@code nbf}. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(10);
  /** Verified tokens remembered; about 200 bytes each plus the token text. */
  public static final int DEFAULT_CACHE_SIZE = 100_000;
  /** The longest a verified token is remembered, however long it stays valid. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(10);
  /** Tokens longer than this are refused before parsing (a playback token is a few hundred bytes). */
  public static final int MAX_TOKEN_CHARS = 4096;

  private record Key(JWSAlgorithm algorithm, JWSVerifier verifier) {}

  private final Map<String, Key> keys;
  private final Clock clock;
  private final long clockSkewMillis;
  private final VerifiedTokenCache cache;

  private PlaybackTokenVerifier(Builder b) {
    this.keys = Map.copyOf(b.keys);
    this.clock = b.clock;
    this.clockSkewMillis = b.clockSkew.toMillis();
    this.cache = new VerifiedTokenCache(b.cacheSize, b.cacheTtl, b.clockSkew, clock);
  }

  /** {@return an empty builder; add at least one key} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the key ids this verifier accepts, in the order they were added} A key added without an id appears
   * twice, as its RFC 7638 thumbprint and then its legacy id.
   */
  public Set<String> keyIds() {
    return keys.keySet();
  }

  /**
   * Checks signature, expiry and not-before (each with the clock skew as leeway), but not the title or the client;
   * see {@link #authorise} for a request.
   *
   * @param token the compact JWS as minted, at most {@link #MAX_TOKEN_CHARS} characters
   * @return the verified claims
   * @throws TokenRejectedException naming the reason when the token is refused ({@code null} or empty is
   *     {@link TokenRejectedException.Reason#MISSING})
   */
  public PlaybackClaims verify(String token) {
    if (token == null || token.isEmpty()) {
      throw new TokenRejectedException(Reason.MISSING, "no token");
    }
    PlaybackClaims claims = cache.get(token);
    if (claims == null) {
      claims = verifySignature(token);
      cache.put(token, claims);
    }
    // In epoch milliseconds, as the claims' NumericDate seconds fit them exactly: no Instant per request.
    long now = clock.millis();
    if (now >= claims.expiresAt().toEpochMilli() + clockSkewMillis) {
      throw new TokenRejectedException(Reason.EXPIRED, "expired at " + claims.expiresAt());
    }
    Instant notBefore = claims.notBeforeOrNull();
    if (notBefore != null && now < notBefore.toEpochMilli() - clockSkewMillis) {
      throw new TokenRejectedException(Reason.NOT_YET_VALID, "not valid before " + notBefore);
    }
    return claims;
  }

  /**
   * {@return whether {@code token} passed this verifier's signature check before and is still in its verified-token
   * cache} A look-up and nothing more: expiry, title and client are checked by {@link #verify} and {@link #authorise}
   * only. A caller that refuses to check tokens for a while (a client locked out after failed checks) can still let
   * such a token through, since admitting it costs no signature check and it cannot be a guess.
   *
   * @param token the compact JWS as presented; {@code null} or empty was never verified
   */
  public boolean wasVerified(String token) {
    return token != null && !token.isEmpty() && cache.get(token) != null;
  }

  /**
   * Verifies the token and checks that it opens {@code titleId} for {@code client}.
   *
   * @param token the compact JWS as minted
   * @param titleId the title the request is for, compared exactly with the token's title claim
   * @param client the address the request came from
   * @return the verified claims
   * @throws TokenRejectedException naming the reason when the request is not authorised
   */
  public PlaybackClaims authorise(String token, String titleId, InetAddress client) {
    PlaybackClaims claims = verify(token);
    if (!claims.titleId().equals(titleId)) {
      throw new TokenRejectedException(Reason.WRONG_TITLE, "token is for another title");
    }
    if (!claims.allowsClient(client)) {
      throw new TokenRejectedException(Reason.WRONG_CLIENT, "token is bound to another client address");
    }
    return claims;
  }

  private PlaybackClaims verifySignature(String token) {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new TokenRejectedException(Reason.MALFORMED, "longer than " + MAX_TOKEN_CHARS + " characters");
    }
    if (!isCompactSerialization(token)) {
      throw new TokenRejectedException(Reason.MALFORMED,
          "not three canonical base64url parts joined by '.' (RFC 7515 §7.1)");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new TokenRejectedException(Reason.MALFORMED, e.getMessage());
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    Key key = findKey(jwt.getHeader().getKeyID(), algorithm);
    try {
      if (!jwt.verify(key.verifier())) {
        throw new TokenRejectedException(Reason.BAD_SIGNATURE, "signature does not verify");
      }
      Map<String, Object> payload = jwt.getPayload().toJSONObject();
      if (payload == null) {
        throw new TokenRejectedException(Reason.MALFORMED, "the payload is not a JSON object");
      }
      return ClaimsCodec.fromJson(payload);
    } catch (JOSEException e) {
      throw new TokenRejectedException(Reason.BAD_SIGNATURE, e.getMessage());
    }
  }

  /**
   * RFC 7515 §7.1 and §2: three parts of base64url characters without padding, each in its canonical form (RFC 4648
   * §3.5: the bits a last character leaves over are zero). The parser alone skips characters outside the alphabet
   * and ignores left-over bits, so altered strings would verify as the same token and each fill the verified-token
   * cache anew.
   */
  private static boolean isCompactSerialization(String token) {
    int parts = 1;
    int partLength = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (!canonicalEnd(token, i, partLength) || ++parts > 3) {
          return false;
        }
        partLength = 0;
      } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
        partLength++;
      } else {
        return false;
      }
    }
    return parts == 3 && canonicalEnd(token, token.length(), partLength);
  }

  /** Whether the part ending before {@code end} leaves no bits over: 4n, 4n+2 (4 zero bits) or 4n+3 (2) chars. */
  private static boolean canonicalEnd(String token, int end, int partLength) {
    int rest = partLength % 4;
    if (rest == 0) {
      return true;
    }
    if (rest == 1) {
      return false;
    }
    char last = token.charAt(end - 1);
    int value = last >= 'A' && last <= 'Z' ? last - 'A' : last >= 'a' && last <= 'z' ? last - 'a' + 26
        : last >= '0' && last <= '9' ? last - '0' + 52 : last == '-' ? 62 : 63;
    return (value & (rest == 2 ? 0x0f : 0x03)) == 0;
  }

  private Key findKey(String keyId, JWSAlgorithm algorithm) {
    if (keyId == null) {
      Key only = null;
      for (Key k : new LinkedHashSet<>(keys.values())) {
        if (k.algorithm().equals(algorithm)) {
          if (only != null) {
            throw new TokenRejectedException(Reason.UNKNOWN_KEY, "no kid and several " + algorithm + " keys");
          }
          only = k;
        }
      }
      if (only == null) {
        throw new TokenRejectedException(Reason.UNKNOWN_KEY, "no " + algorithm + " key");
      }
      return only;
    }
    Key key = keys.get(keyId);
    if (key == null || !key.algorithm().equals(algorithm)) {
      throw new TokenRejectedException(Reason.UNKNOWN_KEY, "no " + algorithm + " key with this kid");
    }
    return key;
  }

  /** Collects keys and limits; each value is checked as it is set. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Key> keys = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private int cacheSize = DEFAULT_CACHE_SIZE;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;

    private Builder() {}

    /**
     * Accepts HS256 tokens signed with this secret under its RFC 7638 thumbprint, and under the legacy id earlier
     * releases derived from it.
     *
     * @param secret the shared secret, at least {@link PlaybackTokenSigner#MIN_HS256_SECRET_BYTES} bytes
     * @return this builder
     * @throws IllegalArgumentException for a secret shorter than 32 bytes, or one added before
     */
    public Builder hs256(byte[] secret) {
      Key key = hmac(secret);
      return add(KeyIds.forSecret(secret), key).add(KeyIds.legacyForSecret(secret), key);
    }

    /**
     * Accepts HS256 tokens signed with this secret under {@code keyId} only.
     *
     * @param keyId the {@code kid} the minting side uses, 1 to 64 characters
     * @param secret the shared secret, at least {@link PlaybackTokenSigner#MIN_HS256_SECRET_BYTES} bytes
     * @return this builder
     * @throws IllegalArgumentException for a secret shorter than 32 bytes, or a key id blank, over 64 characters or
     *     added before
     */
    public Builder hs256(String keyId, byte[] secret) {
      return add(keyId, hmac(secret));
    }

    /**
     * Accepts ES256 tokens signed by the private half of this key under the public key's RFC 7638 thumbprint, and
     * under the legacy id earlier releases derived from it.
     *
     * @param publicKey the public key, on P-256
     * @return this builder
     * @throws IllegalArgumentException for a key on another curve, one the JOSE library refuses, or one added before
     */
    public Builder es256(ECPublicKey publicKey) {
      Key key = ecdsa(publicKey);
      // ecdsa() has refused other curves, for which the thumbprint below would name a key ES256 cannot use.
      return add(KeyIds.forPublicKey(publicKey), key).add(KeyIds.legacyForPublicKey(publicKey), key);
    }

    /**
     * Accepts ES256 tokens signed by the private half of this key under {@code keyId} only.
     *
     * @param keyId the {@code kid} the minting side uses, 1 to 64 characters
     * @param publicKey the public key, on P-256
     * @return this builder
     * @throws IllegalArgumentException for a key on another curve or one the JOSE library refuses, or a key id
     *     blank, over 64 characters or added before
     */
    public Builder es256(String keyId, ECPublicKey publicKey) {
      return add(keyId, ecdsa(publicKey));
    }

    private static Key hmac(byte[] secret) {
      try {
        return new Key(JWSAlgorithm.HS256, new MACVerifier(PlaybackTokenSigner.requireSecret(secret)));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("HS256 secret rejected: " + e.getMessage(), e);
      }
    }

    private static Key ecdsa(ECPublicKey publicKey) {
      PemKeys.requireP256("the ES256 public key", publicKey.getParams());
      try {
        return new Key(JWSAlgorithm.ES256, new ECDSAVerifier(publicKey));
      } catch (JOSEException e) {
        throw new IllegalArgumentException("ES256 public key rejected: " + e.getMessage(), e);
      }
    }

    private Builder add(String keyId, Key key) {
      PlaybackTokenSigner.requireKeyId(keyId);
      if (keys.putIfAbsent(keyId, key) != null) {
        throw new IllegalArgumentException("key id " + keyId + " was added twice; each key needs its own id");
      }
      return this;
    }

    /**
     * Sets the clock that expiry and not-before are checked against; the system UTC clock by default.
     *
     * @param clock the clock; tests pass one they move
     * @return this builder
     * @throws NullPointerException if {@code clock} is {@code null}
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the leeway for {@code exp} and {@code nbf} alike; {@link #DEFAULT_CLOCK_SKEW} by default.
     *
     * @param skew 0 to 5 minutes
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("clock skew must be between 0 and 5 minutes, got " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * Sets how many verified tokens to remember; {@link #DEFAULT_CACHE_SIZE} by default.
     *
     * @param size 0 to 10 000 000; {@code 0} verifies every request's signature
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder cacheSize(int size) {
      if (size < 0 || size > 10_000_000) {
        throw new IllegalArgumentException("token cache size must be between 0 and 10000000, got " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /**
     * Sets how long a verified token is remembered after it was last presented; {@link #DEFAULT_CACHE_TTL} by
     * default. An entry also goes when its token expires.
     *
     * @param ttl a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    public Builder cacheTtl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("token cache ttl must be positive, got " + ttl);
      }
      this.cacheTtl = ttl;
      return this;
    }

    /**
     * {@return the verifier}
     *
     * @throws IllegalArgumentException if no key was added
     */
    public PlaybackTokenVerifier build() {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("a token verifier needs at least one key: call hs256(...) or es256(...)");
      }
      return new PlaybackTokenVerifier(this);
    }
  }
}
