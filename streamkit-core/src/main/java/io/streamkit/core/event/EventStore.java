package io.streamkit.core.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An append-only log of playback events. Events for a title that is not in the catalog throw
 * {@link io.streamkit.core.title.UnknownTitleException}; deleting a title deletes its events.
 */
public interface EventStore {

  /** The most events {@link #findByTitle} returns at once. */
  int MAX_QUERY_LIMIT = 10_000;

  /** Appends all events in one transaction: either all are stored or none. */
  void appendBatch(List<PlaybackEvent> events);

  /**
   * A title's events with {@code from <= occurredAt < until}, oldest first, at most {@code limit}.
   */
  List<PlaybackEvent> findByTitle(UUID titleId, Instant from, Instant until, int limit);
}
