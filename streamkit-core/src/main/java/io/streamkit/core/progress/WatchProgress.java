package io.streamkit.core.progress;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireRange;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import java.time.Clock;
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
 * @param clientTimestamp when the player took the reading; a store keeps the reading with the newest timestamp.
 *     This constructor takes it as given (rows read back, imports); readings from players go through
 *     {@link #ofSeconds(String, UUID, double, double, Instant, Clock)}, which refuses timestamps from the future
 */
public record WatchProgress(String viewerId, UUID titleId, Duration position, Duration duration,
    Instant clientTimestamp) {

  /** The longest viewer id, in characters: {@link ViewerId#MAX_LENGTH}. */
  public static final int MAX_VIEWER_ID_LENGTH = ViewerId.MAX_LENGTH;
  /** A title counts as watched from 95 % of its duration on, so end credits do not keep it in "continue watching". */
  public static final int COMPLETED_PERCENT = 95;
  /** The longest title duration accepted: 24 hours, as for a catalog title. */
  public static final Duration MAX_DURATION = Duration.ofHours(24);
  /**
   * How far a player's clock may run ahead of the server's. Phones and browsers synchronise to within seconds; five
   * minutes absorbs a badly set device without letting one reading outrank a viewer's later ones for long.
   */
  public static final Duration MAX_CLIENT_CLOCK_AHEAD = Duration.ofMinutes(5);

  /**
   * Checks every component and truncates the times to the millisecond; the client timestamp is taken as given.
   *
   * @param viewerId the application's viewer id, following {@link ViewerId}
   * @param titleId the catalog id of the title; whether it exists is checked when the reading is stored
   * @param position playback position, 0 to {@code duration}
   * @param duration the title's duration as the player knows it, 1 ms to {@link #MAX_DURATION}
   * @param clientTimestamp when the player took the reading
   * @throws InvalidValueException naming the first component that breaks its rule
   */
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
   * A reading in seconds, as HTML media elements report {@code currentTime} and {@code duration}, with its client
   * timestamp checked against the system clock; see {@link #ofSeconds(String, UUID, double, double, Instant, Clock)}.
   *
   * @param viewerId the application's viewer id, following {@link ViewerId}
   * @param titleId the catalog id of the title
   * @param positionSeconds the player's {@code currentTime}, in seconds
   * @param durationSeconds the player's {@code duration}, in seconds
   * @param clientTimestamp when the player took the reading, by the player's clock
   * @return the reading, times rounded to the nanosecond and then truncated to the millisecond
   * @throws InvalidValueException for NaN, infinite or negative seconds, a position beyond the duration, or a client
   *     timestamp before 1970 or more than {@link #MAX_CLIENT_CLOCK_AHEAD} ahead of the system clock
   */
  public static WatchProgress ofSeconds(String viewerId, UUID titleId, double positionSeconds,
      double durationSeconds, Instant clientTimestamp) {
    return ofSeconds(viewerId, titleId, positionSeconds, durationSeconds, clientTimestamp, Clock.systemUTC());
  }

  /**
   * A reading from a player, in seconds as HTML media elements report {@code currentTime} and {@code duration}.
   *
   * <p>The newest client timestamp wins in a {@link ProgressStore}, so a reading stamped in the future would hide
   * every later one until that time came. Client timestamps may therefore be at most
   * {@link #MAX_CLIENT_CLOCK_AHEAD} ahead of {@code serverClock} (a player's clock that is off by more is refused
   * rather than trusted), and not before 1970-01-01T00:00:00Z.
   *
   * @param viewerId the application's viewer id, following {@link ViewerId}
   * @param titleId the catalog id of the title
   * @param positionSeconds the player's {@code currentTime}, in seconds
   * @param durationSeconds the player's {@code duration}, in seconds, up to {@link #MAX_DURATION}
   * @param clientTimestamp when the player took the reading, by the player's clock
   * @param serverClock the clock client timestamps are compared with
   * @return the reading, times rounded to the nanosecond and then truncated to the millisecond
   * @throws InvalidValueException for NaN, infinite or negative seconds, a position beyond the duration, or a client
   *     timestamp outside that window
   */
  public static WatchProgress ofSeconds(String viewerId, UUID titleId, double positionSeconds,
      double durationSeconds, Instant clientTimestamp, Clock serverClock) {
    requireNonNull("clientTimestamp", clientTimestamp);
    Instant serverNow = requireNonNull("serverClock", serverClock).instant();
    if (clientTimestamp.isBefore(Instant.EPOCH)
        || clientTimestamp.isAfter(serverNow.plus(MAX_CLIENT_CLOCK_AHEAD))) {
      throw new InvalidValueException("clientTimestamp", clientTimestamp, "must be from 1970 on and at most "
          + MAX_CLIENT_CLOCK_AHEAD.toMinutes() + " minutes after the server's time " + serverNow
          + "; send the player's current time, and check the device's clock");
    }
    return new WatchProgress(viewerId, titleId, seconds("position", positionSeconds),
        seconds("duration", durationSeconds), clientTimestamp);
  }

  /** {@return whether the viewer reached {@link #COMPLETED_PERCENT} of the duration} */
  public boolean completed() {
    return position.toMillis() * 100 >= duration.toMillis() * COMPLETED_PERCENT;
  }

  /** {@return whether this reading belongs in "continue watching": started and not completed} */
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
