package io.streamkit.core.account;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireSingleLineText;

import io.streamkit.core.InvalidValueException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An API key as stored: everything but the secret, of which the store keeps only a SHA-256 hash. Immutable.
 *
 * @param id a random UUID, how the key is listed and revoked
 * @param accountId the account the key authenticates
 * @param label what the key is for, 1 to {@link #MAX_LABEL_LENGTH} characters (e.g. {@code ci upload job})
 * @param createdAt when it was issued, to the millisecond
 * @param revokedAt when it was revoked, to the millisecond; {@code null} while it works
 */
public record ApiKey(String id, String accountId, String label, Instant createdAt, Instant revokedAt) {

  /** The longest label, in characters. */
  public static final int MAX_LABEL_LENGTH = 200;

  /**
   * Checks the components and truncates the times to the millisecond, as stored.
   *
   * @param id the key's id
   * @param accountId its account's id
   * @param label its label
   * @param createdAt when it was issued
   * @param revokedAt when it was revoked, or {@code null}
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public ApiKey {
    requireNonNull("API key id", id);
    requireNonNull("API key accountId", accountId);
    requireNonNull("API key label", label);
    createdAt = requireNonNull("API key createdAt", createdAt).truncatedTo(ChronoUnit.MILLIS);
    revokedAt = revokedAt == null ? null : revokedAt.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * A label as it will be stored: trimmed, 1 to {@link #MAX_LABEL_LENGTH} characters, one line.
   *
   * @param label the label as typed
   * @return the trimmed label
   * @throws InvalidValueException naming {@code API key label} and what is wrong with it
   */
  public static String checkLabel(String label) {
    return requireSingleLineText("API key label", label, MAX_LABEL_LENGTH);
  }
}
