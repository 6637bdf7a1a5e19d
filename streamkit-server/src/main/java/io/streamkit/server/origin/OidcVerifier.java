package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.account.Role;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OIDC access tokens as {@link OidcAuthentication} describes. The JWT profile for access tokens (RFC 9068
 * section 4) asks for: a signature by a key of the issuer's key set, {@code typ} {@code at+jwt} (plain {@code JWT}
 * and none are taken too, as providers issue them), {@code iss} exactly the issuer, the audience in {@code aud}, and
 * {@code exp} in the future. The key set comes through nimbus's {@link JWKSourceBuilder}: cached (five minutes),
 * refetched when a token names an unknown {@code kid} (rate-limited), with one retry on a network failure.
 *
 * <p>Every call may block on the network (discovery, the key set), so it runs on the API executor only; the
 * discovery document (OpenID Connect Discovery 1.0 section 4) is read once, when the first token arrives, and read
 * again on the next token if that failed.
 */
final class OidcVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(OidcVerifier.class);
  private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(5);
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

  private final OidcAuthentication settings;
  private volatile DefaultJWTProcessor<SecurityContext> processor;

  OidcVerifier(OidcAuthentication settings) {
    this.settings = settings;
    if (settings.jwksUrl != null) {
      processor = processor(settings.jwksUrl);
    }
  }

  /** A JWS in compact form: three Base64url parts. API keys have no dots, so the two never mix. */
  static boolean looksLikeJwt(String credential) {
    int first = credential.indexOf('.');
    return first > 0 && credential.indexOf('.', first + 1) > first + 1;
  }

  /**
   * The caller a token names.
   *
   * @throws ApiException 401 for a token that does not verify, 403 for one without a StreamKit role, 503 when the
   *     key set cannot be read
   */
  ManagementAccess.Principal verify(String token) {
    JWTClaimsSet claims;
    try {
      claims = processor().process(token, null);
    } catch (KeySourceException e) {
      LOG.warn("cannot read the OIDC key set of {}: {}", settings.issuer, LogText.escape(String.valueOf(e)));
      throw unavailable();
    } catch (ParseException | BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized", "the access token was refused ("
          + LogText.escape(String.valueOf(e.getMessage())) + "); get a new one from " + settings.issuer);
    }
    Role role = role(claims);
    if (role == null) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", "the access token of " + claims.getSubject()
          + " has no StreamKit role in its claim " + settings.roleClaim + "; ask the identity provider's admin to"
          + " give it one of admin, editor, moderator, viewer");
    }
    return new ManagementAccess.Principal("oidc:" + claims.getSubject(), role);
  }

  /** The most trusted role the role claim names (a string or a list), or {@code null}. */
  private Role role(JWTClaimsSet claims) {
    Object value = claims.getClaims();
    for (String name : settings.roleClaim.split("\\.")) {
      value = value instanceof Map<?, ?> map ? map.get(name) : null;
    }
    List<?> values = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
    Role best = null;
    for (Role role : Role.values()) {
      if (best == null && values.stream().anyMatch(v -> role.wireName().equals(String.valueOf(v)))) {
        best = role;
      }
    }
    return best;
  }

  private DefaultJWTProcessor<SecurityContext> processor() {
    DefaultJWTProcessor<SecurityContext> known = processor;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (processor == null) {
        processor = processor(discoverJwksUrl());
      }
      return processor;
    }
  }

  private URI discoverJwksUrl() {
    URI discovery = URI.create(settings.issuer.replaceAll("/+$", "") + OidcAuthentication.DISCOVERY_PATH);
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(DISCOVERY_TIMEOUT).build().send(
          HttpRequest.newBuilder(discovery).timeout(DISCOVERY_TIMEOUT).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode metadata = response.statusCode() == 200 ? Responses.MAPPER.readTree(response.body()) : null;
      // Discovery section 4.3: the document's issuer must be the one it was fetched for.
      if (metadata == null || !settings.issuer.equals(metadata.path("issuer").asText())
          || !metadata.path("jwks_uri").isTextual()) {
        LOG.warn("OIDC discovery at {} answered {} without this issuer and a jwks_uri; set the JWKS URL explicitly",
            discovery, response.statusCode());
        throw unavailable();
      }
      return URI.create(metadata.get("jwks_uri").textValue());
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("OIDC discovery at {} failed: {}", discovery, LogText.escape(String.valueOf(e)));
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
  }

  private DefaultJWTProcessor<SecurityContext> processor(URI jwksUrl) {
    URL url;
    try {
      url = jwksUrl.toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("OIDC JWKS URL " + jwksUrl + " is not a URL", e);
    }
    JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(url).retrying(true).build();
    DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
    jwt.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"), JOSEObjectType.JWT,
        null));
    jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    jwt.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(settings.audience,
        new JWTClaimsSet.Builder().issuer(settings.issuer).build(), Set.of("sub", "exp")));
    return jwt;
  }

  private ApiException unavailable() {
    return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "identity_provider_unavailable", "the identity"
        + " provider's keys at " + settings.issuer + " cannot be read now; retry, and check the origin's log if it"
        + " persists");
  }
}
