package io.streamkit.core;

import java.util.Locale;

/**
 * The one rule for viewer ids, the application's name for the person watching: 1 to {@value #MAX_LENGTH} characters,
 * each an ASCII letter or digit or one of {@code . _ ~ - @ : + |}. That is RFC 3986's unreserved set (§2.3) plus
 * {@code @}, {@code :} and {@code +} for e-mail addresses and URNs, and {@code |} for identity-provider subjects such
 * as {@code auth0|5f7c8ec7c33c6c004bbafe82}; UUIDs and numeric ids fit as they are. Whitespace, control characters,
 * quotes, slashes and non-ASCII letters are refused: a viewer id travels in token claims, URLs, log lines and SQL,
 * and must look the same in all of them. Applications whose user ids fall outside the set map them, e.g. to a UUID.
 * As a regular expression: {@code [A-Za-z0-9._~@:+|-]{1,128}}.
 *
 * <p>The rule is checked where playback tokens are minted and verified
 * ({@link io.streamkit.core.token.PlaybackClaims.Builder#viewer}), and where watch progress and playback events are
 * created and looked up, so a viewer whose token verifies can always read and write their progress.
 */
public final class ViewerId {

  /** The longest viewer id, in characters; the stores keep viewer ids in {@code VARCHAR(128)} columns. */
  public static final int MAX_LENGTH = 128;

  private static final String ALLOWED = "ASCII letters, digits and . _ ~ - @ : + |";

  private ViewerId() {}

  /**
   * Checks a viewer id against the rule.
   *
   * @param field how the caller names the value in the message, e.g. {@code viewerId}
   * @param viewerId the id to check
   * @return {@code viewerId}, unchanged
   * @throws InvalidValueException naming the field when the id is {@code null}, empty or longer than
   *     {@link #MAX_LENGTH}, and, for a character outside the set, its code point and position (counted from 1)
   */
  public static String require(String field, String viewerId) {
    InvalidValueException.requireNonNull(field, viewerId);
    if (viewerId.isEmpty() || viewerId.length() > MAX_LENGTH) {
      throw new InvalidValueException(field, InvalidValueException.escaped(viewerId), "must be 1 to " + MAX_LENGTH
          + " characters (" + viewerId.length() + " given); use an id such as a UUID or an e-mail address");
    }
    for (int i = 0; i < viewerId.length(); ) {
      int codePoint = viewerId.codePointAt(i);
      if (!allowed(codePoint)) {
        throw new InvalidValueException(field, InvalidValueException.escaped(viewerId), "may contain only "
            + ALLOWED + " (found " + String.format(Locale.ROOT, "U+%04X at character %d", codePoint, i + 1)
            + "); map the application's id to one, e.g. a UUID");
      }
      i += Character.charCount(codePoint);
    }
    return viewerId;
  }

  private static boolean allowed(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_~@:+|".indexOf(c) >= 0;
  }
}
