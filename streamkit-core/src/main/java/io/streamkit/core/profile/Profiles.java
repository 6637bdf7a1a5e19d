package io.streamkit.core.profile;

import io.streamkit.core.title.MaturityRating;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Viewers' profiles. Thread-safe; database failures surface as {@link io.streamkit.core.store.StoreException}. */
public interface Profiles {

  /**
   * Creates a profile for a viewer.
   *
   * @param ownerId the viewer, following {@link io.streamkit.core.ViewerId}
   * @param name a name none of the viewer's other profiles has, checked by {@link Profile#checkName}
   * @param maxRating the most mature rating it may watch, or {@code null} for no limit
   * @return the new profile
   * @throws io.streamkit.core.InvalidValueException if the viewer id or the name is not valid
   * @throws ProfileRefusedException if the viewer already has a profile of that name, or
   *     {@link Profile#MAX_PROFILES_PER_VIEWER} profiles
   */
  Profile create(String ownerId, String name, MaturityRating maxRating);

  /**
   * {@return the viewer's profiles, oldest first; profiles created in the same millisecond by name (unique per viewer)}
   *
   * @param ownerId the viewer, following {@link io.streamkit.core.ViewerId}
   * @throws io.streamkit.core.InvalidValueException if the viewer id is not valid
   */
  List<Profile> list(String ownerId);

  /**
   * Looks a profile up.
   *
   * @param id the profile's id
   * @return the profile, or empty
   */
  Optional<Profile> find(UUID id);

  /**
   * Deletes one of a viewer's profiles with its watch progress, in one transaction.
   *
   * @param ownerId the viewer the profile must belong to
   * @param id the profile
   * @return whether the viewer had that profile (another viewer's profile is neither deleted nor revealed)
   * @throws io.streamkit.core.InvalidValueException if the viewer id is not valid
   */
  boolean delete(String ownerId, UUID id);
}
