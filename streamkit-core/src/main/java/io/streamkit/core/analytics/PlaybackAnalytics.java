package io.streamkit.core.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StoreException;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Analytics over what players reported, read from a {@link StreamkitStore}'s progress and event tables. Stateless and
 * thread-safe; every call reads the database afresh.
 *
 * <p>Definitions. Aggregations that standard SQL expresses the same way on H2 and PostgreSQL (counts, sums, the
 * drop-off histogram) run in the database. Measures that need the order of a session's events, and percentiles (whose
 * SQL spelling differs: {@code PERCENTILE_CONT} on PostgreSQL, {@code MEDIAN}/{@code PERCENTILE_DISC} variants on
 * H2), are computed here in one pass over the events ordered by session and time, fetched in chunks so memory stays
 * flat.
 * <ul>
 *   <li><b>Plays</b>: distinct sessions with a {@code play} or {@code startup} event.
 *   <li><b>Unique viewers</b>: distinct viewer ids with an event or a progress reading for the title.
 *   <li><b>Watch time</b>: the sum over viewers of the latest stored progress position. Progress heartbeats arrive
 *       every few seconds whether or not the player sends pause or ended events (a closed tab sends neither), so the
 *       position is the robust measure; it does not separate re-watching from skipping ahead.
 *   <li><b>Completion rate</b>: progress readings marked completed (95 % of the duration, see
 *       {@link io.streamkit.core.progress.WatchProgress#COMPLETED_PERCENT}) divided by unique viewers.
 *   <li><b>Drop-off</b>: each viewer's latest position as a fraction of the duration that viewer's player reported,
 *       counted in {@link #DROP_OFF_BUCKETS} equal buckets; bucket bounds are shown in seconds of the title's duration.
 *   <li><b>Startup time</b> p50/p95: nearest-rank percentiles of {@code startup} events' {@code startupMs}.
 *   <li><b>Rebuffer ratio</b>: stalled time / (watch time + stalled time). Stalled time is the wall-clock time from
 *       each {@code rebuffer_start} to the session's next {@code rebuffer_end}; a stall never ended is not counted,
 *       since its length is unknown.
 *   <li><b>Average bitrate</b>: time-weighted mean of the {@code bitrate} attribute of {@code startup} and
 *       {@code variant_switch} events, each bitrate weighted by the wall-clock time until the session's next bitrate
 *       report or its last event; when no report is followed by any time at all, the plain mean of the reports.
 *   <li><b>Errors</b>: {@code error} events.
 * </ul>
 * Attribute values that are not whole numbers are ignored by these measures.
 */
public final class PlaybackAnalytics {

  /** Equal slices of a title's duration in {@link TitleAnalytics#dropOff()}. */
  public static final int DROP_OFF_BUCKETS = 10;
  /** Events fetched per round trip during the pass over a title's events. */
  static final int FETCH_SIZE = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() { };
  private static final String STARTED_TYPES = "('" + PlaybackEventType.PLAY.wireName() + "','"
      + PlaybackEventType.STARTUP.wireName() + "')";

  private final DataSource dataSource;

  private PlaybackAnalytics(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * {@return analytics over the progress and event tables of {@code store}}
   *
   * @param store the store whose database is read; it stays the caller's to close
   * @throws io.streamkit.core.InvalidValueException if {@code store} is {@code null}
   */
  public static PlaybackAnalytics of(StreamkitStore store) {
    InvalidValueException.requireNonNull("store", store);
    return new PlaybackAnalytics(store.dataSource());
  }

  /**
   * {@return the report for one title, read afresh from the database}
   *
   * @param titleId the title's catalog id
   * @throws UnknownTitleException if the title is not in the catalog
   * @throws io.streamkit.core.InvalidValueException if {@code titleId} is {@code null}
   * @throws StoreException if the database cannot be read
   */
  public TitleAnalytics title(UUID titleId) {
    InvalidValueException.requireNonNull("titleId", titleId);
    try (Connection connection = dataSource.getConnection()) {
      Long titleDurationMs = titleDuration(connection, titleId);
      long[] progress = longs(connection, "SELECT COUNT(*), COALESCE(SUM(position_ms), 0),"
          + " COALESCE(SUM(CASE WHEN completed THEN 1 ELSE 0 END), 0), COALESCE(MAX(duration_ms), 0)"
          + " FROM streamkit_progress WHERE title_id = ?", titleId);
      long viewers = longs(connection, "SELECT COUNT(*) FROM (SELECT viewer_id FROM streamkit_events"
          + " WHERE title_id = ? UNION SELECT viewer_id FROM streamkit_progress WHERE title_id = ?) v",
          titleId, titleId)[0];
      long plays = longs(connection, "SELECT COUNT(DISTINCT session_id) FROM streamkit_events"
          + " WHERE title_id = ? AND event_type IN " + STARTED_TYPES, titleId)[0];
      double durationSeconds = (titleDurationMs != null ? titleDurationMs : progress[3]) / 1000.0;
      List<TitleAnalytics.DropOffBucket> dropOff = dropOff(connection, titleId, durationSeconds);
      EventPass events = eventPass(connection, " WHERE title_id = ?", titleId);
      double watchSeconds = progress[1] / 1000.0;
      TitleAnalytics.Qoe qoe = new TitleAnalytics.Qoe(events.startupPercentile(0.50),
          events.startupPercentile(0.95), events.rebufferRatio(watchSeconds), events.averageBitrate(),
          events.errors);
      return new TitleAnalytics(titleId, plays, viewers, watchSeconds,
          viewers == 0 ? 0 : Math.min(1.0, (double) progress[2] / viewers), dropOff, qoe);
    } catch (SQLException e) {
      throw new StoreException("cannot compute analytics for title " + titleId, e);
    }
  }

  /**
   * {@return the summary over every title, read afresh from the database}
   *
   * @throws StoreException if the database cannot be read
   */
  public PlatformAnalytics platform() {
    try (Connection connection = dataSource.getConnection()) {
      long[] titles = longs(connection, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = '"
          + TitleStatus.PUBLISHED.name() + "' THEN 1 ELSE 0 END), 0) FROM streamkit_titles");
      long watchMs = longs(connection, "SELECT COALESCE(SUM(position_ms), 0) FROM streamkit_progress")[0];
      long viewers = longs(connection, "SELECT COUNT(*) FROM (SELECT viewer_id FROM streamkit_events"
          + " UNION SELECT viewer_id FROM streamkit_progress) v")[0];
      long plays = longs(connection, "SELECT COUNT(*) FROM (SELECT DISTINCT title_id, session_id"
          + " FROM streamkit_events WHERE event_type IN " + STARTED_TYPES + ") s")[0];
      EventPass events = eventPass(connection, "");
      double watchSeconds = watchMs / 1000.0;
      return new PlatformAnalytics(titles[0], titles[1], plays, viewers, watchSeconds,
          events.startupPercentile(0.50), events.rebufferRatio(watchSeconds), events.errors);
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

  private static EventPass eventPass(Connection connection, String where, Object... parameters)
      throws SQLException {
    EventPass pass = new EventPass();
    boolean autoCommit = connection.getAutoCommit();
    // PostgreSQL streams a result in FETCH_SIZE chunks only inside a transaction; otherwise it reads it whole.
    connection.setAutoCommit(false);
    try (PreparedStatement statement = connection.prepareStatement("SELECT title_id, session_id, event_type,"
        + " attributes, occurred_at FROM streamkit_events" + where
        + " ORDER BY title_id, session_id, occurred_at, id")) {
      statement.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          pass.accept(row.getObject(1, UUID.class) + "/" + row.getString(2), row.getString(3), row.getString(4),
              row.getObject(5, OffsetDateTime.class).toInstant().toEpochMilli());
        }
      }
      pass.endSession();
      connection.commit();
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    return pass;
  }

  /** The single ordered pass over events that yields the session-dependent measures. */
  static final class EventPass {
    private static final String STARTUP = PlaybackEventType.STARTUP.wireName();
    private static final String VARIANT_SWITCH = PlaybackEventType.VARIANT_SWITCH.wireName();
    private static final String REBUFFER_START = PlaybackEventType.REBUFFER_START.wireName();
    private static final String REBUFFER_END = PlaybackEventType.REBUFFER_END.wireName();
    private static final String ERROR = PlaybackEventType.ERROR.wireName();

    long errors;
    private long stalledMillis;
    private long[] startupMillis = new long[64];
    private int startups;
    private double bitrateMillisProduct;
    private long bitrateMillis;
    private double bitrateSum;
    private long bitrateReports;

    private String session;
    private long lastEventAt;
    private long stallStartedAt = -1;
    private long bitrate = -1;
    private long bitrateSince;

    void accept(String sessionKey, String type, String attributesJson, long at) {
      if (!sessionKey.equals(session)) {
        endSession();
        session = sessionKey;
      }
      lastEventAt = at;
      if (type.equals(ERROR)) {
        errors++;
      } else if (type.equals(REBUFFER_START)) {
        if (stallStartedAt < 0) {
          stallStartedAt = at;
        }
      } else if (type.equals(REBUFFER_END)) {
        if (stallStartedAt >= 0) {
          stalledMillis += at - stallStartedAt;
          stallStartedAt = -1;
        }
      } else if (type.equals(STARTUP) || type.equals(VARIANT_SWITCH)) {
        Map<String, String> attributes = attributes(attributesJson);
        if (type.equals(STARTUP)) {
          long startup = wholeNumber(attributes.get("startupMs"));
          if (startup >= 0) {
            if (startups == startupMillis.length) {
              startupMillis = Arrays.copyOf(startupMillis, startups * 2);
            }
            startupMillis[startups++] = startup;
          }
        }
        long reported = wholeNumber(attributes.get("bitrate"));
        if (reported >= 0) {
          closeBitrate(at);
          bitrate = reported;
          bitrateSince = at;
          bitrateSum += reported;
          bitrateReports++;
        }
      }
    }

    void endSession() {
      if (session != null) {
        closeBitrate(lastEventAt);
      }
      session = null;
      stallStartedAt = -1;
      bitrate = -1;
    }

    private void closeBitrate(long until) {
      if (bitrate >= 0 && until > bitrateSince) {
        bitrateMillisProduct += (double) bitrate * (until - bitrateSince);
        bitrateMillis += until - bitrateSince;
      }
    }

    Long startupPercentile(double fraction) {
      if (startups == 0) {
        return null;
      }
      long[] sorted = Arrays.copyOf(startupMillis, startups);
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(fraction * sorted.length);
      return sorted[Math.max(0, rank - 1)];
    }

    double rebufferRatio(double watchSeconds) {
      double stalledSeconds = stalledMillis / 1000.0;
      double total = watchSeconds + stalledSeconds;
      return total <= 0 ? 0 : stalledSeconds / total;
    }

    Long averageBitrate() {
      if (bitrateMillis > 0) {
        return Math.round(bitrateMillisProduct / bitrateMillis);
      }
      return bitrateReports == 0 ? null : Math.round(bitrateSum / bitrateReports);
    }

    private static Map<String, String> attributes(String json) {
      try {
        return JSON.readValue(json, ATTRIBUTES);
      } catch (JsonProcessingException e) {
        return Map.of();
      }
    }

    private static long wholeNumber(String value) {
      if (value == null) {
        return -1;
      }
      try {
        long parsed = Long.parseLong(value.trim());
        return parsed >= 0 ? parsed : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
