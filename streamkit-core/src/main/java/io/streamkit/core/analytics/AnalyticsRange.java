package io.streamkit.core.analytics;

import io.streamkit.core.InvalidValueException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The spans a time series covers, in UTC hours or days ending with the current, partial one. */
public enum AnalyticsRange {
  /** The last 24 hours, one point per hour. */
  LAST_24_HOURS("24h", ChronoUnit.HOURS, 24),
  /** The last 7 days, one point per day. */
  LAST_7_DAYS("7d", ChronoUnit.DAYS, 7),
  /** The last 30 days, one point per day. */
  LAST_30_DAYS("30d", ChronoUnit.DAYS, 30);

  private final String wireName;
  private final ChronoUnit step;
  private final int points;

  AnalyticsRange(String wireName, ChronoUnit step, int points) {
    this.wireName = wireName;
    this.step = step;
    this.points = points;
  }

  /** {@return the name in URLs: {@code 24h}, {@code 7d} or {@code 30d}} */
  public String wireName() {
    return wireName;
  }

  /** {@return how many points a series over this range has} */
  public int points() {
    return points;
  }

  /** {@return the length of one point's bucket} */
  public Duration step() {
    return step.getDuration();
  }

  /**
   * {@return the start of the first bucket of a series that ends with the bucket holding {@code now}}
   *
   * @param now the current instant
   */
  public Instant start(Instant now) {
    return now.truncatedTo(step).minus(step.getDuration().multipliedBy(points - 1L));
  }

  /**
   * {@return the range with this wire name}
   *
   * @param wireName {@code 24h}, {@code 7d} or {@code 30d}
   * @throws InvalidValueException naming the accepted names, for {@code null} or an unknown name
   */
  public static AnalyticsRange fromWireName(String wireName) {
    InvalidValueException.requireNonNull("range", wireName);
    return Arrays.stream(values()).filter(range -> range.wireName.equals(wireName)).findFirst()
        .orElseThrow(() -> new InvalidValueException("range", wireName, "must be one of "
            + Arrays.stream(values()).map(AnalyticsRange::wireName).collect(Collectors.joining(", "))));
  }
}
