package io.streamkit.core.profile;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireSingleLineText;

import io.streamkit.core.ViewerId;
import io.streamkit.core.title.MaturityRating;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * One viewer's profile, as {@link Profiles} returns it: a name people pick it by and, for a child, the most mature
 * rating it may watch. Immutable.
 *
 * <p>Its watch progress is kept under {@link #progressViewerId()}, the profile's own id: a UUID is a valid
 * {@link ViewerId}, so the progress store, "continue watching" and recommendations serve a profile exactly as they
 * serve a viewer, without a column of their own.
 *
 * @param id a random UUID
 * @param ownerId the viewer whose profile it is, following {@link ViewerId}
 * @param name unique among the owner's profiles, 1 to {@link #MAX_NAME_LENGTH} characters
 * @param maxRating the most mature rating the profile may watch, or {@code null} for no limit
 * @param createdAt when the profile was created, to the millisecond
 */
public record Profile(UUID id, String ownerId, String name, MaturityRating maxRating, Instant createdAt) {

  /** The longest profile name, in characters: what fits on a profile picker's tile. */
  public static final int MAX_NAME_LENGTH = 64;
  /** The most profiles one viewer keeps: a household, not a directory. */
  public static final int MAX_PROFILES_PER_VIEWER = 10;

  /**
   * Checks the components and truncates the time to the millisecond, as stored.
   *
   * @param id the profile's id
   * @param ownerId its viewer
   * @param name its name
   * @param maxRating its limit, or {@code null}
   * @param createdAt when it was created
   * @throws io.streamkit.core.InvalidValueException naming the first component that breaks its rule
   */
  public Profile {
    requireNonNull("profile id", id);
    ViewerId.require("profile ownerId", ownerId);
    checkName(name);
    createdAt = requireNonNull("profile createdAt", createdAt).truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * A profile name as it will be stored: trimmed, 1 to {@link #MAX_NAME_LENGTH} characters, one line without control
   * characters.
   *
   * @param name the name as typed
   * @return the trimmed name
   * @throws io.streamkit.core.InvalidValueException naming {@code profile name} and what is wrong with it
   */
  public static String checkName(String name) {
    return requireSingleLineText("profile name", name, MAX_NAME_LENGTH);
  }

  /** {@return the profile's limit, empty when it may watch everything} */
  public Optional<MaturityRating> maxRatingIfLimited() {
    return Optional.ofNullable(maxRating);
  }

  /**
   * {@return the stricter of this profile's limit and {@code other}} Empty only when neither limits.
   *
   * @param other another limit (a token's {@code max_rating}), or empty
   */
  public Optional<MaturityRating> stricterLimit(Optional<MaturityRating> other) {
    if (maxRating == null) {
      return other;
    }
    return Optional.of(other.filter(o -> o.compareTo(maxRating) < 0).orElse(maxRating));
  }

  /** {@return the viewer id the progress store keeps this profile's watch progress under: the profile's id} */
  public String progressViewerId() {
    return id.toString();
  }
}
