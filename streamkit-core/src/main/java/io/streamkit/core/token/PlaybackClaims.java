package io.streamkit.core.token;

import io.streamkit.core.ViewerId;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.TitleMetadata;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What one playback token grants: one viewer may play one title until {@link #expiresAt()}, optionally only from one
 * client address and only up to a maximum picture height (a plan limit).
 *
 * <p>Claim names in the JWT (RFC 7519 §4.1 registered names where one fits): {@code sub} viewer, {@code exp} expiry,
 * {@code nbf} not-before, {@code iat} issued-at, {@code sid} session id, and the private claims {@code title},
 * {@code ip}, {@code max_height}, {@code max_streams}, {@code max_rating} (a {@link MaturityRating} label),
 * {@code categories} (an array of category slugs), {@code profile} (the id of one of the viewer's profiles, see
 * {@link io.streamkit.core.profile.Profile}), {@code country} (the viewer's ISO 3166-1 alpha-2 country, checked
 * against a title's regions) and {@code preview}. Viewer ids follow {@link ViewerId}.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlaybackClaims {

  /** Title ids are path segments under {@code titles/}: letters, digits, dot, dash, underscore, no leading dot. */
  public static final Pattern TITLE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  /** The largest {@code max_height} accepted: 8K UHD is 4320 lines; twice that leaves room without being absurd. */
  public static final int MAX_HEIGHT_LIMIT = 8640;
  /** The largest {@code max_streams} accepted. */
  public static final int MAX_STREAMS_LIMIT = 1000;

  private final String viewer;
  private final String titleId;
  private final String sessionId;
  private final Instant expiresAt;
  private final Instant notBefore;
  private final Instant issuedAt;
  private final InetAddress clientAddress;
  private final int maxHeight;
  private final int maxStreams;
  private final boolean preview;
  private final MaturityRating maxRating;
  private final List<String> categories;
  private final UUID profile;
  private final String country;

  private PlaybackClaims(Builder b) {
    this.viewer = b.viewer;
    this.titleId = b.titleId;
    this.sessionId = b.sessionId != null ? b.sessionId : UUID.randomUUID().toString();
    this.expiresAt = b.expiresAt;
    this.notBefore = b.notBefore;
    this.issuedAt = b.issuedAt;
    this.clientAddress = b.clientAddress;
    this.maxHeight = b.maxHeight;
    this.maxStreams = b.maxStreams;
    this.preview = b.preview;
    this.maxRating = b.maxRating;
    this.categories = b.categories;
    this.profile = b.profile;
    this.country = b.country;
  }

  /**
   * {@return an empty builder} {@link Builder#title} and {@link Builder#expiresAt} are required; the viewer defaults
   * to {@code anonymous} and the session id to a random UUID.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the viewer ({@code sub}); {@code anonymous} when the application did not name one} */
  public String viewer() {
    return viewer;
  }

  /** {@return the one title this token opens, as {@link #TITLE_ID} allows} */
  public String titleId() {
    return titleId;
  }

  /** {@return the id of this playback session in logs and analytics ({@code sid})} */
  public String sessionId() {
    return sessionId;
  }

  /** {@return when the token stops working ({@code exp}); verifiers allow their clock skew beyond it} */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@return the earliest time the token works ({@code nbf}), if set; verifiers allow their clock skew before it} */
  public Optional<Instant> notBefore() {
    return Optional.ofNullable(notBefore);
  }

  /** {@return when the token was minted ({@code iat}), if set; for logs only, verifiers do not check it} */
  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /** {@return the only client address allowed to use the token, when it is bound to one} */
  public Optional<InetAddress> clientAddress() {
    return Optional.ofNullable(clientAddress);
  }

  /** {@return the tallest variant (in lines) this viewer may receive, when their plan caps it} */
  public OptionalInt maxHeight() {
    return maxHeight == 0 ? OptionalInt.empty() : OptionalInt.of(maxHeight);
  }

  /**
   * {@return how many streams the viewer's plan lets them watch at once ({@code max_streams}), when the token says;
   * an origin then enforces it instead of its own default}
   */
  public OptionalInt maxStreams() {
    return maxStreams == 0 ? OptionalInt.empty() : OptionalInt.of(maxStreams);
  }

  /**
   * {@return the most mature rating this viewer may play ({@code max_rating}), when the token limits it: a kids
   * profile's limit} Titles rated above it, and unrated titles, are refused and not listed.
   */
  public Optional<MaturityRating> maxRating() {
    return Optional.ofNullable(maxRating);
  }

  /**
   * {@return the categories this viewer may play ({@code categories}); empty when the token does not restrict them}
   * Enforced only where a deployment turns category access on.
   */
  public List<String> categories() {
    return categories;
  }

  /**
   * {@return the viewer's profile this token acts for ({@code profile}), when it names one} Then the profile's own
   * limit applies as well as {@link #maxRating()} (the stricter wins, checked by the origin against the profile as
   * stored), and watch progress, "continue watching" and recommendations are the profile's.
   */
  public Optional<UUID> profile() {
    return Optional.ofNullable(profile);
  }

  /**
   * {@return the viewer's country ({@code country}), when the application that minted the token knows it} A title
   * that lists regions opens only for a viewer in one of them ({@link io.streamkit.core.title.ViewerRegion}).
   */
  public Optional<String> country() {
    return Optional.ofNullable(country);
  }

  /**
   * {@return whether this token was issued to a moderator reviewing a title that is not yet published} An origin
   * backed by a catalog lets only such tokens open titles that viewers cannot see yet.
   */
  public boolean preview() {
    return preview;
  }

  /**
   * {@return whether {@code address} may use this token} Always when unbound; an IPv4-mapped IPv6 address
   * ({@code ::ffff:a.b.c.d}) equals its IPv4 form.
   *
   * @param address the address the request came from
   */
  public boolean allowsClient(InetAddress address) {
    if (clientAddress == null) {
      return true;
    }
    if (clientAddress instanceof Inet4Address && address instanceof Inet4Address) {
      return clientAddress.equals(address); // compares the addresses without copying them: this runs per request
    }
    return Arrays.equals(canonical(clientAddress), canonical(address));
  }

  /** The instant {@code notBefore}, or {@code null}: for the verifier's per-request check, without an Optional. */
  Instant notBeforeOrNull() {
    return notBefore;
  }

  private static byte[] canonical(InetAddress address) {
    byte[] raw = address.getAddress();
    if (raw.length == 16) {
      boolean mapped = raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = raw[i] == 0;
      }
      if (mapped) {
        return Arrays.copyOfRange(raw, 12, 16);
      }
    }
    return raw;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlaybackClaims c
        && viewer.equals(c.viewer)
        && titleId.equals(c.titleId)
        && sessionId.equals(c.sessionId)
        && expiresAt.equals(c.expiresAt)
        && Objects.equals(notBefore, c.notBefore)
        && Objects.equals(issuedAt, c.issuedAt)
        && Objects.equals(clientAddress, c.clientAddress)
        && maxHeight == c.maxHeight && maxStreams == c.maxStreams
        && preview == c.preview
        && Objects.equals(maxRating, c.maxRating)
        && categories.equals(c.categories)
        && Objects.equals(profile, c.profile)
        && Objects.equals(country, c.country);
  }

  @Override
  public int hashCode() {
    return Objects.hash(viewer, titleId, sessionId, expiresAt);
  }

  @Override
  public String toString() {
    return "PlaybackClaims{viewer=" + viewer + ", title=" + titleId + ", session=" + sessionId + ", expires="
        + expiresAt + (notBefore == null ? "" : ", notBefore=" + notBefore)
        + (clientAddress == null ? "" : ", client=" + clientAddress.getHostAddress())
        + (maxHeight == 0 ? "" : ", maxHeight=" + maxHeight)
        + (maxStreams == 0 ? "" : ", maxStreams=" + maxStreams) + (preview ? ", preview" : "")
        + (maxRating == null ? "" : ", maxRating=" + maxRating.label())
        + (categories.isEmpty() ? "" : ", categories=" + categories)
        + (profile == null ? "" : ", profile=" + profile)
        + (country == null ? "" : ", country=" + country) + "}";
  }

  /** Collects claims and checks each value as it is set, naming the property and the limit. Not thread-safe. */
  public static final class Builder {
    private String viewer = "anonymous";
    private String titleId;
    private String sessionId;
    private Instant expiresAt;
    private Instant notBefore;
    private Instant issuedAt;
    private InetAddress clientAddress;
    private int maxHeight;
    private int maxStreams;
    private boolean preview;
    private MaturityRating maxRating;
    private List<String> categories = List.of();
    private UUID profile;
    private String country;

    private Builder() {}

    /**
     * The viewer ({@code sub}), following the {@link ViewerId} rule: 1 to 128 ASCII letters, digits or
     * {@code . _ ~ - @ : + |}, which admits UUIDs and e-mail addresses. The stores accept exactly these ids, so every
     * token that verifies can read and write its viewer's progress; tokens minted elsewhere with another {@code sub}
     * are refused as {@link TokenRejectedException.Reason#MALFORMED}.
     *
     * @param viewer the viewer id; {@code anonymous} if never set
     * @return this builder
     * @throws io.streamkit.core.InvalidValueException naming {@code viewer}, and the code point and position of a
     *     character outside the rule
     */
    public Builder viewer(String viewer) {
      this.viewer = ViewerId.require("viewer", viewer);
      return this;
    }

    /**
     * Sets the one title the token opens. Required.
     *
     * @param titleId 1 to 128 letters, digits, {@code .}, {@code -} or {@code _}, not starting with {@code .}
     *     ({@link #TITLE_ID}): it is a path segment under {@code titles/}
     * @return this builder
     * @throws IllegalArgumentException if the id breaks that rule
     */
    public Builder title(String titleId) {
      if (titleId == null || !TITLE_ID.matcher(titleId).matches()) {
        throw new IllegalArgumentException("title id " + describe(titleId)
            + " is not valid: use 1 to 128 letters, digits, '.', '-' or '_', not starting with '.'");
      }
      this.titleId = titleId;
      return this;
    }

    /**
     * Sets the playback session's id; a random UUID if never set.
     *
     * @param sessionId 1 to 128 characters, not blank
     * @return this builder
     * @throws IllegalArgumentException if the id is {@code null}, blank or too long
     */
    public Builder sessionId(String sessionId) {
      if (sessionId == null || sessionId.isBlank() || sessionId.length() > 128) {
        throw new IllegalArgumentException("session id must be 1 to 128 characters, got " + describe(sessionId));
      }
      this.sessionId = sessionId;
      return this;
    }

    /**
     * Sets when the token stops working. Required. There is no revocation list: a token opens its title until
     * then, so keep it to the length of a viewing.
     *
     * @param expiresAt the expiry, kept to the second in the token ({@code exp} is in whole seconds)
     * @return this builder
     * @throws NullPointerException if {@code expiresAt} is {@code null}
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
      return this;
    }

    /**
     * Sets the earliest time the token works; none by default.
     *
     * @param notBefore the start, earlier than the expiry (checked by {@link #build()}); {@code null} for none
     * @return this builder
     */
    public Builder notBefore(Instant notBefore) {
      this.notBefore = notBefore;
      return this;
    }

    /**
     * Sets when the token was minted, for logs; none by default.
     *
     * @param issuedAt the minting time; {@code null} for none
     * @return this builder
     */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = issuedAt;
      return this;
    }

    /**
     * Binds the token to one client address, given as an IP literal (never a host name: no DNS is done).
     *
     * @param ipLiteral an IPv4 or IPv6 address such as {@code 203.0.113.7} or {@code 2001:db8::1}; {@code null}
     *     unbinds the token
     * @return this builder
     * @throws IllegalArgumentException if the text is not an IP address literal
     */
    public Builder clientIp(String ipLiteral) {
      this.clientAddress = ipLiteral == null ? null : parseIpLiteral(ipLiteral);
      return this;
    }

    /**
     * Binds the token to one client address.
     *
     * @param address the address; {@code null} unbinds the token
     * @return this builder
     */
    public Builder clientAddress(InetAddress address) {
      this.clientAddress = address;
      return this;
    }

    /**
     * Caps the variants this viewer receives by picture height; no cap by default.
     *
     * @param maxHeight the tallest variant in lines, 1 to {@link #MAX_HEIGHT_LIMIT}; {@code 0} removes the cap
     * @return this builder
     * @throws IllegalArgumentException if the height is negative or above the limit
     */
    public Builder maxHeight(int maxHeight) {
      if (maxHeight < 0 || maxHeight > MAX_HEIGHT_LIMIT) {
        throw new IllegalArgumentException(
            "max height must be between 1 and " + MAX_HEIGHT_LIMIT + " lines (0 for no cap), got " + maxHeight);
      }
      this.maxHeight = maxHeight;
      return this;
    }

    /**
     * Caps how many streams the viewer watches at once, for a plan; an origin enforcing stream limits uses it instead
     * of its default. No cap by default.
     *
     * @param maxStreams 1 to {@link #MAX_STREAMS_LIMIT}; {@code 0} removes the cap
     * @return this builder
     * @throws IllegalArgumentException if the number is negative or above the limit
     */
    public Builder maxStreams(int maxStreams) {
      if (maxStreams < 0 || maxStreams > MAX_STREAMS_LIMIT) {
        throw new IllegalArgumentException(
            "max streams must be between 1 and " + MAX_STREAMS_LIMIT + " (0 for no cap), got " + maxStreams);
      }
      this.maxStreams = maxStreams;
      return this;
    }

    /**
     * Marks a moderator's token for reviewing a title before it is published; {@code false} by default.
     *
     * @param preview whether the token is for review
     * @return this builder
     */
    public Builder preview(boolean preview) {
      this.preview = preview;
      return this;
    }

    /**
     * Limits the titles this viewer may play to those rated at or below {@code maxRating}; no limit by default.
     *
     * @param maxRating the most mature rating allowed, or {@code null} for no limit
     * @return this builder
     */
    public Builder maxRating(MaturityRating maxRating) {
      this.maxRating = maxRating;
      return this;
    }

    /**
     * Limits the titles this viewer may play to those in at least one of {@code categories}, where the deployment
     * enforces category access; none by default.
     *
     * @param categories category slugs as {@link TitleMetadata} allows them, at most
     *     {@link TitleMetadata#MAX_CATEGORIES}; empty for no restriction
     * @return this builder
     * @throws io.streamkit.core.InvalidValueException naming a category that breaks the rule
     */
    public Builder categories(List<String> categories) {
      this.categories = TitleMetadata.NONE.withCategories(categories).categories();
      return this;
    }

    /**
     * Names the viewer's profile the token acts for; none by default.
     *
     * @param profile the profile's id, or {@code null} for none
     * @return this builder
     */
    public Builder profile(UUID profile) {
      this.profile = profile;
      return this;
    }

    /**
     * Sets the viewer's country, for titles that list regions; unknown by default.
     *
     * @param country an ISO 3166-1 alpha-2 code in either case, or {@code null} for unknown
     * @return this builder
     * @throws io.streamkit.core.InvalidValueException for anything but two letters
     */
    public Builder country(String country) {
      this.country = country == null ? null : TitleMetadata.requireCountry("country", country);
      return this;
    }

    /**
     * {@return the claims}
     *
     * @throws IllegalArgumentException without a title or an expiry, or with a not-before that is not earlier than
     *     the expiry
     */
    public PlaybackClaims build() {
      if (titleId == null) {
        throw new IllegalArgumentException("a playback token needs a title id: call title(...)");
      }
      if (expiresAt == null) {
        throw new IllegalArgumentException("a playback token needs an expiry: call expiresAt(...)");
      }
      if (notBefore != null && !notBefore.isBefore(expiresAt)) {
        throw new IllegalArgumentException(
            "not-before " + notBefore + " must be earlier than the expiry " + expiresAt);
      }
      return new PlaybackClaims(this);
    }

    private static String describe(String value) {
      return value == null ? "nothing" : "'" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'";
    }
  }

  /**
   * An IPv4 literal ({@code dec-octet}s, RFC 3986 §3.2.2: 0 to 255 without leading zeros) or an IPv6 literal; never a
   * name lookup. A dotted string the JDK cannot read as an address (an octet over 255, a leading zero) would be sent to
   * the resolver by {@link InetAddress#getByName}, so IPv4 is read here; a string with ':' is only ever read as IPv6.
   */
  static InetAddress parseIpLiteral(String literal) {
    byte[] ipv4 = ipv4Octets(literal);
    boolean ipv6 = ipv4 == null && literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
    if (ipv4 == null && !ipv6) {
      throw new IllegalArgumentException("client ip '" + literal + "' is not an IPv4 or IPv6 address literal");
    }
    try {
      return ipv4 != null ? InetAddress.getByAddress(ipv4) : InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("client ip '" + literal + "' is not an IPv4 or IPv6 address literal", e);
    }
  }

  private static byte[] ipv4Octets(String literal) {
    String[] parts = literal.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] octets = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(part) > 255) {
        return null;
      }
      octets[i] = (byte) Integer.parseInt(part);
    }
    return octets;
  }
}
