package io.streamkit.core.token;

import java.util.Locale;

/**
 * A playback token was refused. The {@link Reason} is for logs and metrics; what a viewer sees should stay generic
 * so that a failed attempt teaches an attacker nothing about which check failed.
 */
public final class TokenRejectedException extends RuntimeException {

  /** Why a token was refused; the lower-case names are stable and used as metric tags. */
  public enum Reason {
    /** No token was presented. */
    MISSING,
    /** Not a compact JWS, not a JWT, a missing or badly typed claim, or an unsupported algorithm. */
    MALFORMED,
    /** The {@code kid} (or the algorithm for that {@code kid}) matches no key this verifier holds. */
    UNKNOWN_KEY,
    /** The signature does not verify: the token was altered or signed with another key. */
    BAD_SIGNATURE,
    /** The {@code exp} claim is in the past (beyond the allowed clock skew). */
    EXPIRED,
    /** The {@code nbf} claim is in the future (beyond the allowed clock skew). */
    NOT_YET_VALID,
    /** The token is valid but for another title. */
    WRONG_TITLE,
    /** The token is bound to a client address and the request came from another one. */
    WRONG_CLIENT;

    /** {@return the name used in metric tags and logs, e.g. {@code bad_signature}} */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why the token was refused; see {@link #reason()}. */
  private final Reason reason;

  /**
   * An exception with the message {@code playback token rejected (<reason>): <detail>}. It records no stack trace,
   * since refusals are routine and may come in floods.
   *
   * @param reason why the token was refused
   * @param detail what exactly failed, for logs; never shown to viewers
   */
  public TokenRejectedException(Reason reason, String detail) {
    super("playback token rejected (" + reason.tag() + "): " + detail, null, false, false);
    this.reason = reason;
  }

  /** {@return why the token was refused} */
  public Reason reason() {
    return reason;
  }
}
