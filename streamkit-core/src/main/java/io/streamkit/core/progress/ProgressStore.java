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
 */
public interface ProgressStore {

  /**
   * Stores one reading unless a newer one is stored.
   *
   * @return whether the reading was stored
   */
  boolean upsert(WatchProgress progress);

  /**
   * Stores many readings in as few statements as the database allows. Readings for the same viewer and title are
   * reduced to the newest first.
   */
  void upsertAll(Collection<WatchProgress> progress);

  Optional<WatchProgress> get(String viewerId, UUID titleId);

  /**
   * The viewer's titles that are started but not completed (see {@link WatchProgress#inProgress()}), most recently
   * watched first.
   */
  Page<WatchProgress> continueWatching(String viewerId, PageRequest page);
}
