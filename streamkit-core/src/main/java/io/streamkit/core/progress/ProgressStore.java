package io.streamkit.core.progress;

import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * Where viewers stopped watching. One row per viewer and title; a reading only replaces the stored one if its client
 * timestamp is not older, so heartbeats from two devices or arriving out of order never move a viewer backwards in
 * time. Writes for a title that is not in the catalog throw {@link io.streamkit.core.title.UnknownTitleException}.
 *
 * <p>For a steady stream of heartbeats, put a {@link ProgressWriter} in front of the store.
 *
 * <p>The implementation from {@link io.streamkit.core.store.StreamkitStore#progress()} is thread-safe; database
 * failures surface as {@link io.streamkit.core.store.StoreException}.
 */
public interface ProgressStore {

  /**
   * Stores one reading unless a newer one is stored; a stored reading with the same client timestamp is replaced.
   *
   * @param progress the reading
   * @return whether the reading was stored
   * @throws io.streamkit.core.title.UnknownTitleException if its title is not in the catalog
   */
  boolean upsert(WatchProgress progress);

  /**
   * Stores many readings in as few statements as the database allows, in one transaction. Readings for the same
   * viewer and title are reduced to the newest first; each then follows the rule of {@link #upsert}.
   *
   * @param progress the readings, in any order; empty does nothing
   * @throws io.streamkit.core.title.UnknownTitleException naming every title of the batch that is not in the
   *     catalog; nothing is stored
   */
  void upsertAll(Collection<WatchProgress> progress);

  /**
   * {@return the stored reading of a viewer for a title, or empty if the viewer never reported one}
   *
   * @param viewerId the viewer, following {@link io.streamkit.core.ViewerId}
   * @param titleId the title's catalog id
   * @throws io.streamkit.core.InvalidValueException for a {@code null} title id or a viewer id that breaks the rule
   */
  Optional<WatchProgress> get(String viewerId, UUID titleId);

  /**
   * {@return the viewer's readings of titles that are started but not completed (see
   * {@link WatchProgress#inProgress()}), most recently watched (newest client timestamp) first}
   *
   * @param viewerId the viewer, following {@link io.streamkit.core.ViewerId}
   * @param page which slice of the list to return
   * @throws io.streamkit.core.InvalidValueException for a {@code null} page or a viewer id that breaks the rule
   */
  Page<WatchProgress> continueWatching(String viewerId, PageRequest page);
}
