package io.streamkit.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.util.Date;

/** Maps {@link PlaybackClaims} to and from a JWT claims set; the claim names live here and nowhere else. */
final class ClaimsCodec {

  static final String TITLE = "title";
  static final String SESSION = "sid";
  static final String CLIENT_IP = "ip";
  static final String MAX_HEIGHT = "max_height";
  static final String PREVIEW = "preview";

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
    if (claims.preview()) {
      jwt.claim(PREVIEW, true);
    }
    return jwt.build();
  }

  static PlaybackClaims fromJwt(JWTClaimsSet jwt) {
    try {
      Date exp = jwt.getExpirationTime();
      String title = jwt.getStringClaim(TITLE);
      if (exp == null || title == null) {
        throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "exp and title claims are required");
      }
      PlaybackClaims.Builder b = PlaybackClaims.builder().title(title).expiresAt(exp.toInstant());
      if (jwt.getSubject() != null) {
        b.viewer(jwt.getSubject());
      }
      String session = jwt.getStringClaim(SESSION);
      if (session != null) {
        b.sessionId(session);
      }
      Date nbf = jwt.getNotBeforeTime();
      if (nbf != null) {
        b.notBefore(nbf.toInstant());
      }
      Date iat = jwt.getIssueTime();
      if (iat != null) {
        b.issuedAt(iat.toInstant());
      }
      String ip = jwt.getStringClaim(CLIENT_IP);
      if (ip != null) {
        b.clientIp(ip);
      }
      Integer maxHeight = jwt.getIntegerClaim(MAX_HEIGHT);
      if (maxHeight != null) {
        b.maxHeight(maxHeight);
      }
      Boolean preview = jwt.getBooleanClaim(PREVIEW);
      if (preview != null) {
        b.preview(preview);
      }
      return b.build();
    } catch (ParseException | IllegalArgumentException e) {
      throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, e.getMessage());
    }
  }

}
