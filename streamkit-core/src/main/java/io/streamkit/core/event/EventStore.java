package io.streamkit.core.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An append-only log of playback events. Events for a title that is not in the catalog throw
 * {@link io.streamkit.core.title.UnknownTitleException}; deleting a title deletes its events.
 *
 * <p>The implementation from {@link io.streamkit.core.store.StreamkitStore#events()} is thread-safe; database
 * failures surface as {@link io.streamkit.core.store.StoreException}.
 */
public interface EventStore {

  /** The most events {@link #findByTitle} returns at once. */
  int MAX_QUERY_LIMIT = 10_000;

  /**
   * Appends all events in one transaction: either all are stored or none.
   *
   * @param events the events to store, in any order; an empty list does nothing
   * @throws io.streamkit.core.title.UnknownTitleException naming every title of the batch that is not in the
   *     catalog; nothing is stored
   * @throws io.streamkit.core.InvalidValueException if {@code events} is or holds {@code null}
   */
  void appendBatch(List<PlaybackEvent> events);

  /**
   * {@return a title's events with {@code from <= occurredAt < until}, oldest first, at most {@code limit}}
   * Events that occurred in the same millisecond come in the order they were appended.
   *
   * @param titleId the title's catalog id
   * @param from the earliest {@code occurredAt} included
   * @param until the first {@code occurredAt} excluded
   * @param limit the most events returned, 1 to {@link #MAX_QUERY_LIMIT}
   * @throws io.streamkit.core.InvalidValueException for a {@code null} argument or a limit out of range
   */
  List<PlaybackEvent> findByTitle(UUID titleId, Instant from, Instant until, int limit);
}
