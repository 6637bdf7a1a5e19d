package io.streamkit.core.token;

import io.streamkit.core.ViewerId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
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
 * {@code ip}, {@code max_height} and {@code preview}. Viewer ids follow {@link ViewerId}.
 */
public final class PlaybackClaims {

  /** Title ids are path segments under {@code titles/}: letters, digits, dot, dash, underscore, no leading dot. */
  public static final Pattern TITLE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  /** The largest {@code max_height} accepted: 8K UHD is 4320 lines; twice that leaves room without being absurd. */
  public static final int MAX_HEIGHT_LIMIT = 8640;

  private final String viewer;
  private final String titleId;
  private final String sessionId;
  private final Instant expiresAt;
  private final Instant notBefore;
  private final Instant issuedAt;
  private final InetAddress clientAddress;
  private final int maxHeight;
  private final boolean preview;

  private PlaybackClaims(Builder b) {
    this.viewer = b.viewer;
    this.titleId = b.titleId;
    this.sessionId = b.sessionId != null ? b.sessionId : UUID.randomUUID().toString();
    this.expiresAt = b.expiresAt;
    this.notBefore = b.notBefore;
    this.issuedAt = b.issuedAt;
    this.clientAddress = b.clientAddress;
    this.maxHeight = b.maxHeight;
    this.preview = b.preview;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The viewer ({@code sub}); {@code "anonymous"} when the application did not name one. */
  public String viewer() {
    return viewer;
  }

  /** The one title this token opens. */
  public String titleId() {
    return titleId;
  }

  /** Identifies this playback session in logs and analytics ({@code sid}). */
  public String sessionId() {
    return sessionId;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Optional<Instant> notBefore() {
    return Optional.ofNullable(notBefore);
  }

  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /** The only client address allowed to use the token, when it is bound to one. */
  public Optional<InetAddress> clientAddress() {
    return Optional.ofNullable(clientAddress);
  }

  /** The tallest variant (in lines) this viewer may receive, when their plan caps it. */
  public OptionalInt maxHeight() {
    return maxHeight == 0 ? OptionalInt.empty() : OptionalInt.of(maxHeight);
  }

  /**
   * Whether this token was issued to a moderator reviewing a title that is not yet published; an origin backed by a
   * catalog lets only such tokens open titles that viewers cannot see yet.
   */
  public boolean preview() {
    return preview;
  }

  /** Whether {@code address} may use this token: always when unbound; IPv4-mapped IPv6 equals its IPv4 form. */
  public boolean allowsClient(InetAddress address) {
    if (clientAddress == null) {
      return true;
    }
    return Arrays.equals(canonical(clientAddress), canonical(address));
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
        && maxHeight == c.maxHeight
        && preview == c.preview;
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
        + (maxHeight == 0 ? "" : ", maxHeight=" + maxHeight) + (preview ? ", preview" : "") + "}";
  }

  /** Collects claims and checks each value as it is set, naming the property and the limit. */
  public static final class Builder {
    private String viewer = "anonymous";
    private String titleId;
    private String sessionId;
    private Instant expiresAt;
    private Instant notBefore;
    private Instant issuedAt;
    private InetAddress clientAddress;
    private int maxHeight;
    private boolean preview;

    private Builder() {}

    /**
     * The viewer ({@code sub}), following the {@link ViewerId} rule: 1 to 128 ASCII letters, digits or
     * {@code . _ ~ - @ : + |}, which admits UUIDs and e-mail addresses. The stores accept exactly these ids, so every
     * token that verifies can read and write its viewer's progress; tokens minted elsewhere with another {@code sub}
     * are refused as {@link TokenRejectedException.Reason#MALFORMED}.
     *
     * @throws io.streamkit.core.InvalidValueException naming {@code viewer}, and the code point and position of a
     *     character outside the rule
     */
    public Builder viewer(String viewer) {
      this.viewer = ViewerId.require("viewer", viewer);
      return this;
    }

    public Builder title(String titleId) {
      if (titleId == null || !TITLE_ID.matcher(titleId).matches()) {
        throw new IllegalArgumentException("title id " + describe(titleId)
            + " is not valid: use 1 to 128 letters, digits, '.', '-' or '_', not starting with '.'");
      }
      this.titleId = titleId;
      return this;
    }

    public Builder sessionId(String sessionId) {
      if (sessionId == null || sessionId.isBlank() || sessionId.length() > 128) {
        throw new IllegalArgumentException("session id must be 1 to 128 characters, got " + describe(sessionId));
      }
      this.sessionId = sessionId;
      return this;
    }

    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
      return this;
    }

    public Builder notBefore(Instant notBefore) {
      this.notBefore = notBefore;
      return this;
    }

    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = issuedAt;
      return this;
    }

    /** Binds the token to one client address, given as an IP literal (never a host name: no DNS is done). */
    public Builder clientIp(String ipLiteral) {
      this.clientAddress = ipLiteral == null ? null : parseIpLiteral(ipLiteral);
      return this;
    }

    public Builder clientAddress(InetAddress address) {
      this.clientAddress = address;
      return this;
    }

    /** Caps the variants this viewer receives; {@code 0} removes the cap. */
    public Builder maxHeight(int maxHeight) {
      if (maxHeight < 0 || maxHeight > MAX_HEIGHT_LIMIT) {
        throw new IllegalArgumentException(
            "max height must be between 1 and " + MAX_HEIGHT_LIMIT + " lines (0 for no cap), got " + maxHeight);
      }
      this.maxHeight = maxHeight;
      return this;
    }

    /** Marks a moderator's token for reviewing a title before it is published. */
    public Builder preview(boolean preview) {
      this.preview = preview;
      return this;
    }

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
