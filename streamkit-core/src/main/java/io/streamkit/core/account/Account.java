package io.streamkit.core.account;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireSingleLineText;
import static io.streamkit.core.InvalidValueException.requireText;

import io.streamkit.core.InvalidValueException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A person or program that manages the platform, as {@link Accounts} returns it. Immutable.
 *
 * @param id a random UUID
 * @param name unique display name, 1 to {@link #MAX_NAME_LENGTH} characters (an e-mail address, say)
 * @param role what the account may do
 * @param createdAt when the account was created, to the millisecond
 */
public record Account(String id, String name, Role role, Instant createdAt) {

  /** The longest name, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /**
   * Checks the components and truncates the time to the millisecond, as stored.
   *
   * @param id the account's id
   * @param name its name, not blank, at most {@link #MAX_NAME_LENGTH} characters
   * @param role its role
   * @param createdAt when it was created
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public Account {
    requireNonNull("account id", id);
    requireText("account name", name, MAX_NAME_LENGTH);
    requireNonNull("account role", role);
    createdAt = requireNonNull("account createdAt", createdAt).truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * An account name as it will be stored: trimmed, 1 to {@link #MAX_NAME_LENGTH} characters, one line without control
   * characters.
   *
   * @param name the name as typed
   * @return the trimmed name
   * @throws InvalidValueException naming {@code account name} and what is wrong with it
   */
  public static String checkName(String name) {
    return requireSingleLineText("account name", name, MAX_NAME_LENGTH);
  }
}
