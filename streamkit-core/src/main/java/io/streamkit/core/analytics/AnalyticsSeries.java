package io.streamkit.core.analytics;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One measure over a range, from the rollups. Field names are the JSON names of {@code GET /api/analytics/series}.
 *
 * @param metric the measure's wire name ({@link AnalyticsMetric#wireName()})
 * @param range the range's wire name ({@link AnalyticsRange#wireName()})
 * @param titleId the title, or null for every title
 * @param points one per hour or day of the range, oldest first, the last one the current, partial bucket
 * @param total the measure over the whole range (not the sum of the points for percentiles and ratios)
 * @param foldedAt when the rollups were last folded, null if never; events stored since are not counted yet
 */
public record AnalyticsSeries(String metric, String range, UUID titleId, List<Point> points, Number total,
    Instant foldedAt) {

  /**
   * Copies {@code points}, so the series is immutable.
   *
   * @param metric the measure's wire name
   * @param range the range's wire name
   * @param titleId the title, or null for every title
   * @param points one per hour or day of the range, oldest first
   * @param total the measure over the whole range
   * @param foldedAt when the rollups were last folded, null if never
   * @throws NullPointerException if {@code points} is or holds {@code null}
   */
  public AnalyticsSeries {
    points = List.copyOf(points);
  }

  /**
   * One bucket of a series.
   *
   * @param start the start of the hour or UTC day
   * @param value the measure in that bucket, null where it has none (a percentile without startups)
   */
  public record Point(Instant start, Number value) {
  }
}
