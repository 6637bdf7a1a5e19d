package io.streamkit.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import io.streamkit.core.title.MaturityRating;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Maps {@link PlaybackClaims} to and from a JWT claims set; the claim names live here and nowhere else. */
final class ClaimsCodec {

  static final String SUBJECT = "sub";
  static final String EXPIRATION = "exp";
  static final String NOT_BEFORE = "nbf";
  static final String ISSUED_AT = "iat";
  static final String TITLE = "title";
  static final String SESSION = "sid";
  static final String CLIENT_IP = "ip";
  static final String MAX_HEIGHT = "max_height";
  static final String MAX_STREAMS = "max_streams";
  static final String PREVIEW = "preview";
  static final String MAX_RATING = "max_rating";
  static final String CATEGORIES = "categories";
  static final String PROFILE = "profile";
  static final String COUNTRY = "country";
  /** The seconds either side of the epoch that a {@link Date} (milliseconds in a long) can hold. */
  static final long MAX_DATE_SECONDS = Long.MAX_VALUE / 1000;

  private ClaimsCodec() {}

  static JWTClaimsSet toJwt(PlaybackClaims claims) {
    JWTClaimsSet.Builder jwt = new JWTClaimsSet.Builder()
        .subject(claims.viewer())
        .claim(TITLE, claims.titleId())
        .claim(SESSION, claims.sessionId())
        .expirationTime(Date.from(claims.expiresAt()));
    claims.notBefore().ifPresent(t -> jwt.notBeforeTime(Date.from(t)));
    claims.issuedAt().ifPresent(t -> jwt.issueTime(Date.from(t)));
    claims.clientAddress().ifPresent(a -> jwt.claim(CLIENT_IP, a.getHostAddress()));
    claims.maxHeight().ifPresent(h -> jwt.claim(MAX_HEIGHT, h));
    claims.maxStreams().ifPresent(n -> jwt.claim(MAX_STREAMS, n));
    if (claims.preview()) {
      jwt.claim(PREVIEW, true);
    }
    claims.maxRating().ifPresent(r -> jwt.claim(MAX_RATING, r.label()));
    if (!claims.categories().isEmpty()) {
      jwt.claim(CATEGORIES, claims.categories());
    }
    claims.profile().ifPresent(p -> jwt.claim(PROFILE, p.toString()));
    claims.country().ifPresent(c -> jwt.claim(COUNTRY, c));
    return jwt.build();
  }

  /**
   * Reads the claims from the token's payload, a JSON object (RFC 7519 §7.2 step 10), each claim with its own JSON
   * type: strings, a boolean, {@code max_height} and {@code max_streams} whole numbers, and the dates NumericDates (RFC 7519 §2: seconds,
   * fractions dropped) that a {@link Date} can hold. nimbus-jose-jwt's own claims set is not used because it turns a
   * numeric {@code sub} into text and lets a date beyond {@code Date}'s range wrap around (an {@code nbf} in the far
   * future became a date in the past), so a token could mean something other than what it says.
   */
  static PlaybackClaims fromJson(Map<String, Object> json) {
    try {
      Instant exp = numericDate(json, EXPIRATION);
      String title = string(json, TITLE);
      if (exp == null || title == null) {
        throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "exp and title claims are required");
      }
      PlaybackClaims.Builder b = PlaybackClaims.builder().title(title).expiresAt(exp);
      String viewer = string(json, SUBJECT);
      if (viewer != null) {
        b.viewer(viewer);
      }
      String session = string(json, SESSION);
      if (session != null) {
        b.sessionId(session);
      }
      b.notBefore(numericDate(json, NOT_BEFORE)).issuedAt(numericDate(json, ISSUED_AT));
      String ip = string(json, CLIENT_IP);
      if (ip != null) {
        b.clientIp(ip);
      }
      Object maxHeight = json.get(MAX_HEIGHT);
      if (maxHeight != null) {
        b.maxHeight(wholeNumber(maxHeight, MAX_HEIGHT));
      }
      Object maxStreams = json.get(MAX_STREAMS);
      if (maxStreams != null) {
        b.maxStreams(wholeNumber(maxStreams, MAX_STREAMS));
      }
      Object preview = json.get(PREVIEW);
      if (preview != null) {
        if (!(preview instanceof Boolean value)) {
          throw new IllegalArgumentException(PREVIEW + " must be true or false");
        }
        b.preview(value);
      }
      String maxRating = string(json, MAX_RATING);
      if (maxRating != null) {
        b.maxRating(MaturityRating.fromLabel(MAX_RATING, maxRating));
      }
      Object categories = json.get(CATEGORIES);
      if (categories != null) {
        if (!(categories instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
          throw new IllegalArgumentException(CATEGORIES + " must be an array of strings");
        }
        b.categories(list.stream().map(String.class::cast).toList());
      }
      String profile = string(json, PROFILE);
      if (profile != null) {
        b.profile(profileId(profile));
      }
      b.country(string(json, COUNTRY));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, e.getMessage());
    }
  }

  /** A profile id is a UUID in its canonical form; {@link UUID#fromString} alone also takes shortened groups. */
  private static UUID profileId(String text) {
    UUID id = UUID.fromString(text);
    if (!id.toString().equalsIgnoreCase(text)) {
      throw new IllegalArgumentException(PROFILE + " must be a UUID such as 123e4567-e89b-12d3-a456-426614174000");
    }
    return id;
  }

  private static String string(Map<String, Object> json, String name) {
    Object value = json.get(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new IllegalArgumentException(name + " must be a string");
  }

  private static Instant numericDate(Map<String, Object> json, String name) {
    Object value = json.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number)) {
      throw new IllegalArgumentException(name + " must be a number of seconds since the epoch");
    }
    long seconds = number instanceof Long l ? l : (long) number.doubleValue();
    if (seconds < -MAX_DATE_SECONDS || seconds > MAX_DATE_SECONDS || !Double.isFinite(number.doubleValue())) {
      throw new IllegalArgumentException(name + " " + number + " is beyond the dates a token can hold");
    }
    return Instant.ofEpochSecond(seconds);
  }

  private static int wholeNumber(Object value, String name) {
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
        && Math.abs(number.doubleValue()) <= Integer.MAX_VALUE) {
      return number.intValue();
    }
    throw new IllegalArgumentException(name + " must be a whole number, got " + value);
  }
}
