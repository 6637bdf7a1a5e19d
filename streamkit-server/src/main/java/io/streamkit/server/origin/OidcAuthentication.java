package io.streamkit.server.origin;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Management access with OIDC access tokens (RFC 9068 JWTs) from an identity provider: a token is accepted when its
 * signature verifies against the provider's JSON Web Key Set, its {@code iss} is the issuer, its {@code aud} holds
 * the audience, it has not expired, and the role claim names a StreamKit role ({@code admin}, {@code editor},
 * {@code moderator} or {@code viewer}). Give it to {@link OriginServer.Builder#oidc}. Immutable.
 *
 * <pre>{@code
 * OidcAuthentication oidc = OidcAuthentication.builder()
 *     .issuer("https://login.example.com/realms/video").audience("streamkit").roleClaim("realm_access.roles").build();
 * }</pre>
 */
public final class OidcAuthentication {

  /** The claim read for the role unless {@link Builder#roleClaim} says otherwise. */
  public static final String DEFAULT_ROLE_CLAIM = "streamkit_role";
  /** Where OpenID Connect Discovery 1.0 section 4 puts the provider's metadata, below the issuer. */
  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
  private static final Pattern CLAIM_PATH = Pattern.compile("[A-Za-z0-9_:/-]+(\\.[A-Za-z0-9_:/-]+){0,4}");

  final String issuer;
  final String audience;
  final URI jwksUrl;
  final String roleClaim;

  private OidcAuthentication(Builder b) {
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.jwksUrl = b.jwksUrl;
    this.roleClaim = b.roleClaim;
  }

  /** {@return a new builder; {@code issuer} and {@code audience} are required} */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings; each setter checks its value at once. Not thread-safe: configure it on one thread. */
  public static final class Builder {
    private String issuer;
    private String audience;
    private URI jwksUrl;
    private String roleClaim = DEFAULT_ROLE_CLAIM;

    private Builder() {}

    /**
     * The issuer tokens must name in {@code iss} (required); also where the key set is discovered when no
     * {@link #jwksUrl} is given.
     *
     * @param issuer an {@code http(s)} URL, exactly as the provider writes it in tokens
     * @return this builder
     * @throws IllegalArgumentException if {@code issuer} is not an {@code http(s)} URL
     */
    public Builder issuer(String issuer) {
      this.issuer = httpUrl("OIDC issuer", issuer).toString();
      return this;
    }

    /**
     * The audience tokens must hold in {@code aud} (required): the name this deployment has at the provider.
     *
     * @param audience 1 to 200 characters, no whitespace
     * @return this builder
     * @throws IllegalArgumentException if {@code audience} is missing, too long or holds whitespace
     */
    public Builder audience(String audience) {
      if (audience == null || audience.isEmpty() || audience.length() > 200 || audience.matches(".*\\s.*")) {
        throw new IllegalArgumentException("OIDC audience must be 1 to 200 characters without whitespace, got "
            + audience);
      }
      this.audience = audience;
      return this;
    }

    /**
     * The provider's JSON Web Key Set. Default: the {@code jwks_uri} of the issuer's discovery document
     * ({@value #DISCOVERY_PATH}), read when the first token arrives.
     *
     * @param jwksUrl an {@code http(s)} URL
     * @return this builder
     * @throws IllegalArgumentException if {@code jwksUrl} is not an {@code http(s)} URL
     */
    public Builder jwksUrl(String jwksUrl) {
      this.jwksUrl = httpUrl("OIDC JWKS URL", jwksUrl);
      return this;
    }

    /**
     * The claim holding the role: a string or an array of strings, of which the most trusted StreamKit role counts;
     * other values are ignored. A dotted name reads a nested claim, e.g. {@code realm_access.roles}.
     *
     * @param claim up to five dot-separated names of letters, digits, {@code _ : / -}; default
     *     {@value #DEFAULT_ROLE_CLAIM}
     * @return this builder
     * @throws IllegalArgumentException if {@code claim} does not have that form
     */
    public Builder roleClaim(String claim) {
      if (claim == null || claim.length() > 200 || !CLAIM_PATH.matcher(claim).matches()) {
        throw new IllegalArgumentException("OIDC role claim must be a claim name such as roles or realm_access.roles,"
            + " got " + claim);
      }
      this.roleClaim = claim;
      return this;
    }

    /**
     * {@return the settings}
     *
     * @throws IllegalArgumentException if the issuer or the audience is not set
     */
    public OidcAuthentication build() {
      if (issuer == null || audience == null) {
        throw new IllegalArgumentException("OIDC needs issuer(...) and audience(...)");
      }
      return new OidcAuthentication(this);
    }

    private static URI httpUrl(String what, String url) {
      Objects.requireNonNull(url, what);
      try {
        URI uri = new URI(url);
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
          return uri;
        }
      } catch (java.net.URISyntaxException e) {
        // refused below
      }
      throw new IllegalArgumentException(what + " must be an http(s) URL such as https://login.example.com/realm,"
          + " got " + url);
    }
  }
}
