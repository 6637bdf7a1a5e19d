package io.streamkit.core.analytics;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.store.StoreException;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * All-time reports for one title and for the platform. Every playback measure is read from the hourly rollups of
 * {@link AnalyticsRollups} (so a report costs the title's hours, not its events, and counts the events folded so
 * far: the fold runs every minute or so, after a settle lag); only the drop-off curve reads the progress table,
 * whose rows are bounded by the viewers of one title. Stateless and thread-safe; every call reads the database
 * afresh.
 *
 * <p>Definitions (see {@link AnalyticsRollups} for how each rollup measure is folded):
 * <ul>
 *   <li><b>Plays</b>: sessions whose first {@code play} or {@code startup} event was folded.
 *   <li><b>Unique viewers</b>: distinct viewer ids with an event, estimated by a HyperLogLog sketch (near exact below
 *       a few thousand, about 3 % error beyond). Viewers with only a progress reading and no event are not counted.
 *   <li><b>Watch time</b>: position advanced during playback, each step capped by the wall-clock time between the
 *       session's events, so a seek forward is not watching and re-watching counts again.
 *   <li><b>Completion rate</b>: {@code ended} events divided by plays, at most 1.
 *   <li><b>Drop-off</b>: each viewer's latest stored progress position as a fraction of the duration that viewer's
 *       player reported, counted in {@link #DROP_OFF_BUCKETS} equal buckets; bucket bounds are shown in seconds of
 *       the title's duration.
 *   <li><b>Startup time</b> p50/p95: quantiles of {@code startup} events' {@code startupMs}, within 5 %.
 *   <li><b>Rebuffer ratio</b>: stalled time / (watch time + stalled time); a {@code rebuffer_end} event's
 *       {@code durationMs}, or else the time since the session's {@code rebuffer_start}.
 *   <li><b>Average bitrate</b>: the reported {@code bitrate}s weighted by the time until the session's next event;
 *       null when no report was followed by any time.
 *   <li><b>Errors</b>: {@code error} events.
 * </ul>
 */
public final class PlaybackAnalytics {

  /** Equal slices of a title's duration in {@link TitleAnalytics#dropOff()}. */
  public static final int DROP_OFF_BUCKETS = 10;

  private final DataSource dataSource;
  private final AnalyticsRollups rollups;

  private PlaybackAnalytics(DataSource dataSource, AnalyticsRollups rollups) {
    this.dataSource = dataSource;
    this.rollups = rollups;
  }

  /**
   * {@return reports over the rollups and the progress table of {@code store}}
   *
   * @param store the store whose database is read; it stays the caller's to close
   * @throws io.streamkit.core.InvalidValueException if {@code store} is {@code null}
   */
  public static PlaybackAnalytics of(StreamkitStore store) {
    InvalidValueException.requireNonNull("store", store);
    return new PlaybackAnalytics(store.dataSource(), AnalyticsRollups.builder(store).build());
  }

  /**
   * {@return the report for one title over all time, as folded so far}
   *
   * @param titleId the title's catalog id
   * @throws UnknownTitleException if the title is not in the catalog
   * @throws io.streamkit.core.InvalidValueException if {@code titleId} is {@code null}
   * @throws StoreException if the database cannot be read
   */
  public TitleAnalytics title(UUID titleId) {
    InvalidValueException.requireNonNull("titleId", titleId);
    AnalyticsSummary summary = rollups.summary(titleId, Instant.EPOCH);
    try (Connection connection = dataSource.getConnection()) {
      Long titleDurationMs = titleDuration(connection, titleId);
      double durationSeconds = (titleDurationMs != null ? titleDurationMs
          : longs(connection, "SELECT COALESCE(MAX(duration_ms), 0) FROM streamkit_progress WHERE title_id = ?",
              titleId)[0]) / 1000.0;
      TitleAnalytics.Qoe qoe = new TitleAnalytics.Qoe(summary.startupMsP50(), summary.startupMsP95(),
          summary.rebufferRatio(), summary.averageBitrate(), summary.errors());
      return new TitleAnalytics(titleId, summary.plays(), summary.uniqueViewers(), summary.watchTimeSeconds(),
          summary.plays() == 0 ? 0 : Math.min(1.0, (double) summary.completions() / summary.plays()),
          dropOff(connection, titleId, durationSeconds), qoe);
    } catch (SQLException e) {
      throw new StoreException("cannot compute analytics for title " + titleId, e);
    }
  }

  /**
   * {@return the summary over every title and all time, as folded so far}
   *
   * @throws StoreException if the database cannot be read
   */
  public PlatformAnalytics platform() {
    AnalyticsSummary summary = rollups.summary(null, Instant.EPOCH);
    try (Connection connection = dataSource.getConnection()) {
      long[] titles = longs(connection, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = '"
          + TitleStatus.PUBLISHED.name() + "' THEN 1 ELSE 0 END), 0) FROM streamkit_titles");
      return new PlatformAnalytics(titles[0], titles[1], summary.plays(), summary.uniqueViewers(),
          summary.watchTimeSeconds(), summary.startupMsP50(), summary.rebufferRatio(), summary.errors());
    } catch (SQLException e) {
      throw new StoreException("cannot compute platform analytics", e);
    }
  }

  private static Long titleDuration(Connection connection, UUID titleId) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT duration_ms FROM streamkit_titles WHERE id = ?")) {
      statement.setObject(1, titleId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new UnknownTitleException(titleId);
        }
        long duration = row.getLong(1);
        return row.wasNull() ? null : duration;
      }
    }
  }

  private static List<TitleAnalytics.DropOffBucket> dropOff(Connection connection, UUID titleId,
      double durationSeconds) throws SQLException {
    long[] counts = new long[DROP_OFF_BUCKETS];
    // Integer division on BIGINT columns truncates on both databases; a position equal to the duration joins the
    // last bucket. H2 cannot group by an output expression, hence the derived table.
    try (PreparedStatement statement = connection.prepareStatement("SELECT bucket, COUNT(*) FROM (SELECT CASE"
        + " WHEN position_ms * " + DROP_OFF_BUCKETS + " / duration_ms >= " + DROP_OFF_BUCKETS
        + " THEN " + (DROP_OFF_BUCKETS - 1) + " ELSE position_ms * " + DROP_OFF_BUCKETS + " / duration_ms END"
        + " AS bucket FROM streamkit_progress WHERE title_id = ?) b GROUP BY bucket")) {
      statement.setObject(1, titleId);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          counts[row.getInt(1)] = row.getLong(2);
        }
      }
    }
    List<TitleAnalytics.DropOffBucket> buckets = new ArrayList<>(DROP_OFF_BUCKETS);
    double width = durationSeconds / DROP_OFF_BUCKETS;
    for (int i = 0; i < DROP_OFF_BUCKETS; i++) {
      buckets.add(new TitleAnalytics.DropOffBucket(i * width, (i + 1) * width, counts[i]));
    }
    return buckets;
  }

  private static long[] longs(Connection connection, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        long[] values = new long[row.getMetaData().getColumnCount()];
        for (int i = 0; i < values.length; i++) {
          values[i] = row.getLong(i + 1);
        }
        return values;
      }
    }
  }
}
