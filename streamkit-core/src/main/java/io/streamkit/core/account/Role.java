package io.streamkit.core.account;

import io.streamkit.core.InvalidValueException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What an account may do with the management API. The server decides which endpoint needs which role; the roles
 * themselves are ordered by trust only for display.
 */
public enum Role {
  /** Everything: accounts, keys, the audit log, analytics, and all a moderator and an editor may do. */
  ADMIN,
  /** Uploads, title metadata and subtitles; publishing only where the deployment allows editors to publish. */
  EDITOR,
  /** Publishes, unpublishes and rejects titles. */
  MODERATOR,
  /** No management endpoint; an account that only watches. */
  VIEWER;

  /** {@return the name used in JSON, in the database and in tokens: lower case, e.g. {@code editor}} */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role a wire name names, in any case.
   *
   * @param field the name the message gives the value (e.g. {@code role})
   * @param text {@code admin}, {@code editor}, {@code moderator} or {@code viewer}
   * @return the role
   * @throws InvalidValueException naming {@code field} and the roles there are, if {@code text} names none
   */
  public static Role parse(String field, String text) {
    InvalidValueException.requireNonNull(field, text);
    for (Role role : values()) {
      if (role.wireName().equalsIgnoreCase(text.trim())) {
        return role;
      }
    }
    throw new InvalidValueException(field, text, "must be one of "
        + Arrays.stream(values()).map(Role::wireName).toList());
  }
}
