package io.streamkit.core.progress;

import java.time.Duration;

/**
 * A {@link ProgressWriter} could not take another reading within its offer timeout because {@code maxPending}
 * readings are already waiting: the database is slower than the heartbeats arrive. The reading was not taken.
 */
public class ProgressWriterFullException extends RuntimeException {

  /**
   * An exception whose message names the limits and what to change.
   *
   * @param maxPending the writer's limit of waiting viewer-title pairs
   * @param offerTimeout how long the refused reading waited for room
   */
  public ProgressWriterFullException(int maxPending, Duration offerTimeout) {
    super("progress writer is full: " + maxPending + " readings are waiting for the database and none was written"
        + " within " + offerTimeout.toMillis() + " ms; raise maxPending or the connection pool size, check the"
        + " database, or drop heartbeats upstream");
  }
}
