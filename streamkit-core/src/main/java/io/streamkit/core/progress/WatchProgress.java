package io.streamkit.core.progress;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireRange;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * How far a viewer got in a title, as reported by one player heartbeat. Times are kept to the millisecond.
 *
 * @param viewerId the application's viewer id, following {@link ViewerId} (1 to {@link #MAX_VIEWER_ID_LENGTH} ASCII
 *     letters, digits or {@code . _ ~ - @ : + |})
 * @param titleId the catalog id of the title
 * @param position playback position, 0 to {@code duration}
 * @param duration the title's duration as the player knows it, above 0
 * @param clientTimestamp when the player took the reading; a store keeps the reading with the newest timestamp
 */
public record WatchProgress(String viewerId, UUID titleId, Duration position, Duration duration,
    Instant clientTimestamp) {

  public static final int MAX_VIEWER_ID_LENGTH = ViewerId.MAX_LENGTH;
  /** A title counts as watched from 95 % of its duration on, so end credits do not keep it in "continue watching". */
  public static final int COMPLETED_PERCENT = 95;
  public static final Duration MAX_DURATION = Duration.ofHours(24);

  public WatchProgress {
    ViewerId.require("viewerId", viewerId);
    requireNonNull("titleId", titleId);
    duration = requireRange("duration", requireNonNull("duration", duration).truncatedTo(ChronoUnit.MILLIS),
        Duration.ofMillis(1), MAX_DURATION);
    position = requireNonNull("position", position).truncatedTo(ChronoUnit.MILLIS);
    if (position.isNegative() || position.compareTo(duration) > 0) {
      throw new InvalidValueException("position", position, "must be between 0 and the duration " + duration);
    }
    clientTimestamp = requireNonNull("clientTimestamp", clientTimestamp).truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * A reading in seconds, as HTML media elements report {@code currentTime} and {@code duration}.
   *
   * @throws InvalidValueException for NaN, infinite or negative seconds, or a position beyond the duration
   */
  public static WatchProgress ofSeconds(String viewerId, UUID titleId, double positionSeconds,
      double durationSeconds, Instant clientTimestamp) {
    return new WatchProgress(viewerId, titleId, seconds("position", positionSeconds),
        seconds("duration", durationSeconds), clientTimestamp);
  }

  /** Whether the viewer reached {@link #COMPLETED_PERCENT} of the duration. */
  public boolean completed() {
    return position.toMillis() * 100 >= duration.toMillis() * COMPLETED_PERCENT;
  }

  /** Whether this reading belongs in "continue watching": started and not completed. */
  public boolean inProgress() {
    return !position.isZero() && !completed();
  }

  private static Duration seconds(String field, double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      throw new InvalidValueException(field, seconds, "must be a finite number of seconds, 0 or more");
    }
    return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
  }
}
