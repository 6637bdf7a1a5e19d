package io.streamkit.core.analytics;

import static io.streamkit.core.InvalidValueException.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StoreException;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Playback analytics from hourly rollups: {@link #fold} adds the events stored since the last fold to one row per
 * title and UTC hour (and one per hour over every title), and the reports ({@link #summary}, {@link #series},
 * {@link #topTitles}) read only those rows, so their cost grows with the hours asked for, not with the events. The
 * top titles over days read per-title UTC-day sums of plays and watch time that the fold keeps with the hours
 * ({@code TitleDayRollups}).
 *
 * <p><b>Nothing is added to the event insert path.</b> Updating rollups inside each event batch's transaction would
 * serialise every writer on the hot rows of the current hour; the fold runs apart, on a schedule, on one server at a
 * time ({@link #claimFold}, a lease row as {@link io.streamkit.core.recommend.Recommender#claimRecomputation}).
 *
 * <p><b>Watermark.</b> Events carry an identity id, but ids are drawn when a transaction inserts, not when it
 * commits: an id below one already visible may still appear. So a fold notes the highest id visible (the horizon)
 * and folds up to it only once it is {@link Builder#settleLag} old, by when every transaction that drew a lower id
 * has committed (event batches commit in milliseconds). The folded rows and the new watermark are written in one
 * transaction that first locks the state row ({@code SELECT ... FOR UPDATE}), so two folds at once, or a fold
 * repeated after a failure, never count an event twice. Late events (an {@code occurredAt} hours back) fold into
 * their own hour (and day) whenever they arrive. The reports lag the events by the settle lag plus the fold period;
 * each series says when the rollups were last folded.
 *
 * <p><b>Measures</b>, per title and hour of the event's {@code occurredAt}:
 * <ul>
 *   <li>plays: sessions' first {@code play} or {@code startup} event;
 *   <li>unique viewers: a HyperLogLog sketch ({@link ViewerSketch}), mergeable across hours and titles;
 *   <li>watch time: each step of a session's position between consecutive events, capped by the wall-clock time
 *       between them (a seek forward is not watching);
 *   <li>completions: {@code ended} events; errors: {@code error} events;
 *   <li>startup time: a logarithmic histogram ({@link LatencySketch}) of {@code startup} events' {@code startupMs},
 *       quantiles within 5 %;
 *   <li>stalled time: a {@code rebuffer_end} event's {@code durationMs}, or else the time since the session's open
 *       {@code rebuffer_start}; rebuffer ratio = stalled / (watch + stalled);
 *   <li>average bitrate: each reported {@code bitrate} weighted by the time until the session's next event;
 *   <li>buffer length, measured throughput, encoded bitrate and starvations from the origin's {@code cmcd} events
 *       (Common Media Client Data, CTA-5004), which count apart from the session's timeline ({@link CmcdRollup}).
 * </ul>
 * Each title hour is also kept per kind of client ({@link io.streamkit.core.event.PlaybackClient}: device class,
 * browser, operating system) for {@link #clients}; see {@code ClientRollups}.
 * Session-ordered measures need a session's previous event, which may have been folded earlier: the fold keeps, per
 * session, whether it played, its last event and an open stall, and forgets sessions quiet for
 * {@value #SESSION_EXPIRY_HOURS} hours (of event time) — a later event of such a session starts afresh. An event
 * older than its session's last folded event is counted but does not move the session's position.
 *
 * <p>Thread-safe; every call is its own database work. Database failures surface as {@link StoreException}.
 */
public final class AnalyticsRollups {

  /** By default an event is folded once its id has been visible for 30 seconds. */
  public static final Duration DEFAULT_SETTLE_LAG = Duration.ofSeconds(30);
  /** The longest settle lag accepted. */
  public static final Duration MAX_SETTLE_LAG = Duration.ofHours(1);
  /** By default one fold transaction takes at most this many events; a fold runs as many as it needs. */
  public static final int DEFAULT_EVENTS_PER_TRANSACTION = 100_000;
  /** The most events one fold transaction may take. */
  public static final int MAX_EVENTS_PER_TRANSACTION = 1_000_000;
  /** Hours of event time after which the fold forgets a quiet session. */
  public static final int SESSION_EXPIRY_HOURS = 24;
  /** The longest list {@link #topTitles} returns. */
  public static final int MAX_TOP_TITLES = 100;
  /** The longest node id in {@link #claimFold}, in characters. */
  public static final int MAX_NODE_ID_LENGTH = 128;

  private static final int FETCH_SIZE = 5_000;
  private static final int WRITE_BATCH = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() { };
  private static final String TOUCHED = " WHERE EXISTS (SELECT 1 FROM streamkit_events e WHERE e.id > ?"
      + " AND e.id <= ? AND e.title_id = s.title_id AND e.session_id = s.session_id)";

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration settleLag;
  private final int eventsPerTransaction;

  private AnalyticsRollups(Builder builder) {
    this.dataSource = builder.store.dataSource();
    this.clock = builder.clock;
    this.settleLag = builder.settleLag;
    this.eventsPerTransaction = builder.eventsPerTransaction;
  }

  /**
   * {@return a builder for rollups in {@code store}'s database, with the defaults above}
   *
   * @param store the store whose events are folded and whose rollup tables are written; it stays the caller's
   * @throws InvalidValueException if {@code store} is {@code null}
   */
  public static Builder builder(StreamkitStore store) {
    return new Builder(requireNonNull("store", store));
  }

  /**
   * Claims the next fold for {@code node} when none was claimed in the last {@code period}: a conditional update of
   * one row, so of several servers asking at once one gets {@code true} per period. Folding without a claim is safe
   * too (the fold locks its state row); the claim only spares the others the wait.
   *
   * @param node the claiming node's id, 1 to {@link #MAX_NODE_ID_LENGTH} characters
   * @param period how long the claim holds
   * @return whether {@code node} should call {@link #fold} now
   * @throws InvalidValueException for a blank or too long node id, or a period out of 1 second to 1 day
   * @throws StoreException if the database cannot be written
   */
  public boolean claimFold(String node, Duration period) {
    InvalidValueException.requireSingleLineText("node", node, MAX_NODE_ID_LENGTH);
    InvalidValueException.requireRange("period", period, Duration.ofSeconds(1), Duration.ofDays(1));
    Instant now = clock.instant();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement("UPDATE streamkit_rollup_state"
            + " SET lease_owner = ?, lease_until = ? WHERE id = 1 AND lease_until <= ?")) {
      update.setString(1, node);
      update.setObject(2, utc(now.plus(period)));
      update.setObject(3, utc(now));
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot claim the analytics fold", e);
    }
  }

  /**
   * Folds every settled event not folded yet into the rollups, in transactions of at most
   * {@link Builder#eventsPerTransaction} events, each with its watermark; then notes the new horizon.
   *
   * @return what was folded
   * @throws StoreException if the database cannot be read or written; what was committed stays, the rest is
   *     folded by the next call
   */
  public Fold fold() {
    long events = 0;
    int transactions = 0;
    while (true) {
      long folded = foldOnce();
      if (folded < 0) {
        break;
      }
      if (folded > 0) {
        events += folded;
        transactions++;
      }
    }
    return new Fold(events, transactions, foldedThrough());
  }

  /**
   * Folds one transaction's worth; returns the events folded (0 when it only noted a horizon ready at once), or -1
   * when there is nothing to do until the horizon settles or events arrive.
   */
  private long foldOnce() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        long result = foldLocked(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot fold events into the analytics rollups", e);
    }
  }

  private long foldLocked(Connection connection) throws SQLException {
    long through;
    long horizon;
    Instant noted;
    try (PreparedStatement lock = connection.prepareStatement("SELECT folded_through, horizon_id,"
        + " horizon_noted_at FROM streamkit_rollup_state WHERE id = 1 FOR UPDATE");
        ResultSet row = lock.executeQuery()) {
      row.next();
      through = row.getLong(1);
      horizon = row.getLong(2);
      noted = row.getObject(3, OffsetDateTime.class).toInstant();
    }
    Instant now = clock.instant();
    if (horizon <= through) {
      long visible = maxEventId(connection);
      if (visible <= through) {
        return -1;
      }
      noteHorizon(connection, visible, now);
      // With no settle lag the new horizon is ready at once; otherwise a later fold takes it.
      return settleLag.isZero() ? 0 : -1;
    }
    if (noted.plus(settleLag).isAfter(now)) {
      return -1;
    }
    long upTo = Math.min(horizon, through + eventsPerTransaction);
    long folded = foldRange(connection, through, upTo);
    try (PreparedStatement update = connection.prepareStatement("UPDATE streamkit_rollup_state"
        + " SET folded_through = ?, folded_at = ? WHERE id = 1")) {
      update.setLong(1, upTo);
      update.setObject(2, utc(now));
      update.executeUpdate();
    }
    return folded;
  }

  private static long maxEventId(Connection connection) throws SQLException {
    try (PreparedStatement read = connection.prepareStatement("SELECT MAX(id) FROM streamkit_events");
        ResultSet row = read.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  private static void noteHorizon(Connection connection, long horizon, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE streamkit_rollup_state"
        + " SET horizon_id = ?, horizon_noted_at = ? WHERE id = 1")) {
      update.setLong(1, horizon);
      update.setObject(2, utc(now));
      update.executeUpdate();
    }
  }

  private long foldRange(Connection connection, long after, long upTo) throws SQLException {
    Map<String, SessionState> sessions = new HashMap<>();
    try (PreparedStatement read = connection.prepareStatement("SELECT s.title_id, s.session_id, s.played,"
        + " s.last_event_at, s.last_position_ms, s.stall_started_at, s.bitrate, s.bitrate_since"
        + " FROM streamkit_rollup_sessions s" + TOUCHED)) {
      read.setLong(1, after);
      read.setLong(2, upTo);
      read.setFetchSize(FETCH_SIZE);
      try (ResultSet row = read.executeQuery()) {
        while (row.next()) {
          SessionState state = new SessionState(row.getObject(1, UUID.class), row.getString(2));
          state.played = row.getBoolean(3);
          state.lastAt = millis(row, 4);
          state.lastPosition = row.getLong(5);
          state.stallStartedAt = millis(row, 6);
          long bitrate = row.getLong(7);
          state.bitrate = row.wasNull() ? -1 : bitrate;
          state.bitrateSince = millis(row, 8);
          sessions.put(state.key(), state);
        }
      }
    }
    ClientRollups clients = new ClientRollups();
    long events = 0;
    long latest = Long.MIN_VALUE;
    try (PreparedStatement read = connection.prepareStatement("SELECT title_id, session_id, viewer_id,"
        + " event_type, position_ms, attributes, occurred_at, " + ClientRollups.EVENT_COLUMNS
        + " FROM streamkit_events WHERE id > ? AND id <= ?"
        + " ORDER BY title_id, session_id, occurred_at, id")) {
      read.setLong(1, after);
      read.setLong(2, upTo);
      read.setFetchSize(FETCH_SIZE);
      try (ResultSet row = read.executeQuery()) {
        SessionState state = null;
        while (row.next()) {
          UUID title = row.getObject(1, UUID.class);
          String session = row.getString(2);
          String type = row.getString(4);
          long at = row.getObject(7, OffsetDateTime.class).toInstant().toEpochMilli();
          long hour = at - Math.floorMod(at, 3_600_000L);
          HourRollup rollup = clients.rollup(title, hour, row, 8);
          if (type.equals(CmcdRollup.EVENT_TYPE)) {
            rollup.viewers.add(row.getString(3));
            rollup.cmcd.add(row.getString(6));
          } else {
            if (state == null || !state.title.equals(title) || !state.session.equals(session)) {
              SessionState known = sessions.get(SessionState.key(title, session));
              state = known != null ? known : new SessionState(title, session);
              sessions.put(state.key(), state);
            }
            state.accept(rollup, row.getString(3), type, row.getLong(5), row.getString(6), at);
          }
          latest = Math.max(latest, at);
          events++;
        }
      }
    }
    writeSessions(connection, sessions, after, upTo, latest);
    Map<UUID, TreeMap<Long, HourRollup>> titleHours = clients.titleHours();
    TitleDayRollups days = new TitleDayRollups(titleHours);
    writeRollups(connection, titleHours);
    days.write(connection);
    clients.write(connection);
    return events;
  }

  private static void writeSessions(Connection connection, Map<String, SessionState> sessions, long after,
      long upTo, long latest) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM streamkit_rollup_sessions s"
        + TOUCHED)) {
      delete.setLong(1, after);
      delete.setLong(2, upTo);
      delete.executeUpdate();
    }
    // A title deleted since its events were read would break the foreign key: INSERT ... SELECT skips it.
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_rollup_sessions"
        + " (title_id, session_id, played, last_event_at, last_position_ms, stall_started_at, bitrate,"
        + " bitrate_since) SELECT id, ?, ?, ?, ?, ?, ?, ? FROM streamkit_titles WHERE id = ?")) {
      int pending = 0;
      for (SessionState state : sessions.values()) {
        insert.setString(1, state.session);
        insert.setBoolean(2, state.played);
        insert.setObject(3, utcMillis(state.lastAt));
        insert.setLong(4, state.lastPosition);
        insert.setObject(5, state.stallStartedAt < 0 ? null : utcMillis(state.stallStartedAt));
        insert.setObject(6, state.bitrate < 0 ? null : state.bitrate);
        insert.setObject(7, state.bitrate < 0 ? null : utcMillis(state.bitrateSince));
        insert.setObject(8, state.title);
        insert.addBatch();
        if (++pending == WRITE_BATCH) {
          insert.executeBatch();
          pending = 0;
        }
      }
      insert.executeBatch();
    }
    if (latest != Long.MIN_VALUE) {
      try (PreparedStatement expire = connection.prepareStatement(
          "DELETE FROM streamkit_rollup_sessions WHERE last_event_at < ?")) {
        expire.setObject(1, utcMillis(latest - Duration.ofHours(SESSION_EXPIRY_HOURS).toMillis()));
        expire.executeUpdate();
      }
    }
  }

  private static void writeRollups(Connection connection, Map<UUID, TreeMap<Long, HourRollup>> titles)
      throws SQLException {
    TreeMap<Long, HourRollup> platform = new TreeMap<>();
    for (Map.Entry<UUID, TreeMap<Long, HourRollup>> title : titles.entrySet()) {
      TreeMap<Long, HourRollup> hours = title.getValue();
      for (Map.Entry<Long, HourRollup> hour : hours.entrySet()) {
        platform.computeIfAbsent(hour.getKey(), h -> new HourRollup()).merge(hour.getValue());
      }
      try (PreparedStatement read = connection.prepareStatement("SELECT hour_start, " + HourRollup.COLUMNS
          + " FROM streamkit_rollup_title_hours WHERE title_id = ? AND hour_start >= ? AND hour_start <= ?")) {
        read.setObject(1, title.getKey());
        read.setObject(2, utcMillis(hours.firstKey()));
        read.setObject(3, utcMillis(hours.lastKey()));
        mergeStored(read, hours);
      }
    }
    try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM streamkit_rollup_title_hours WHERE title_id = ? AND hour_start = ?");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_rollup_title_hours"
            + " (title_id, hour_start, " + HourRollup.COLUMNS + ") SELECT id, ?, " + HourRollup.PARAMETERS
            + " FROM streamkit_titles WHERE id = ?")) {
      int pending = 0;
      for (Map.Entry<UUID, TreeMap<Long, HourRollup>> title : titles.entrySet()) {
        for (Map.Entry<Long, HourRollup> hour : title.getValue().entrySet()) {
          delete.setObject(1, title.getKey());
          delete.setObject(2, utcMillis(hour.getKey()));
          delete.addBatch();
          insert.setObject(1, utcMillis(hour.getKey()));
          hour.getValue().bind(insert, 2);
          insert.setObject(2 + HourRollup.COLUMN_COUNT, title.getKey());
          insert.addBatch();
          if (++pending == WRITE_BATCH) {
            delete.executeBatch();
            insert.executeBatch();
            pending = 0;
          }
        }
      }
      delete.executeBatch();
      insert.executeBatch();
    }
    if (platform.isEmpty()) {
      return;
    }
    try (PreparedStatement read = connection.prepareStatement("SELECT hour_start, " + HourRollup.COLUMNS
        + " FROM streamkit_rollup_platform_hours WHERE hour_start >= ? AND hour_start <= ?")) {
      read.setObject(1, utcMillis(platform.firstKey()));
      read.setObject(2, utcMillis(platform.lastKey()));
      mergeStored(read, platform);
    }
    try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM streamkit_rollup_platform_hours WHERE hour_start = ?");
        PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_rollup_platform_hours"
            + " (hour_start, " + HourRollup.COLUMNS + ") VALUES (?, " + HourRollup.PARAMETERS + ")")) {
      for (Map.Entry<Long, HourRollup> hour : platform.entrySet()) {
        delete.setObject(1, utcMillis(hour.getKey()));
        delete.addBatch();
        insert.setObject(1, utcMillis(hour.getKey()));
        hour.getValue().bind(insert, 2);
        insert.addBatch();
      }
      delete.executeBatch();
      insert.executeBatch();
    }
  }

  /** Merges the stored rows the query returns into those of {@code hours} with the same hour. */
  private static void mergeStored(PreparedStatement read, TreeMap<Long, HourRollup> hours) throws SQLException {
    try (ResultSet row = read.executeQuery()) {
      while (row.next()) {
        HourRollup fresh = hours.get(row.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli());
        if (fresh != null) {
          fresh.merge(HourRollup.read(row, 2));
        }
      }
    }
  }

  /**
   * {@return the measures of one title, or of every title, from {@code from} (inclusive, rounded down to the hour)
   * to now, as folded so far}
   *
   * @param titleId the title, or {@code null} for every title
   * @param from the earliest instant counted; {@link Instant#EPOCH} for all time
   * @throws UnknownTitleException if {@code titleId} is not in the catalog
   * @throws InvalidValueException if {@code from} is {@code null}
   * @throws StoreException if the database cannot be read
   */
  public AnalyticsSummary summary(UUID titleId, Instant from) {
    requireNonNull("from", from);
    try (Connection connection = dataSource.getConnection()) {
      requireTitle(connection, titleId);
      HourRollup total = new HourRollup();
      readHours(connection, titleId, from.truncatedTo(ChronoUnit.HOURS), (hour, rollup) -> total.merge(rollup));
      return total.summary();
    } catch (SQLException e) {
      throw new StoreException("cannot read the analytics rollups", e);
    }
  }

  /**
   * {@return one measure over a range for one title or every title, one point per hour or UTC day ending with the
   * current one, as folded so far}
   *
   * @param metric the measure
   * @param range the span and its buckets
   * @param titleId the title, or {@code null} for every title
   * @throws UnknownTitleException if {@code titleId} is not in the catalog
   * @throws InvalidValueException if {@code metric} or {@code range} is {@code null}
   * @throws StoreException if the database cannot be read
   */
  public AnalyticsSeries series(AnalyticsMetric metric, AnalyticsRange range, UUID titleId) {
    requireNonNull("metric", metric);
    requireNonNull("range", range);
    Instant start = range.start(clock.instant());
    long step = range.step().toMillis();
    HourRollup[] buckets = new HourRollup[range.points()];
    HourRollup total = new HourRollup();
    try (Connection connection = dataSource.getConnection()) {
      requireTitle(connection, titleId);
      readHours(connection, titleId, start, (hour, rollup) -> {
        int index = (int) ((hour - start.toEpochMilli()) / step);
        if (index < buckets.length) {
          if (buckets[index] == null) {
            buckets[index] = new HourRollup();
          }
          buckets[index].merge(rollup);
          total.merge(rollup);
        }
      });
      List<AnalyticsSeries.Point> points = new ArrayList<>(buckets.length);
      for (int i = 0; i < buckets.length; i++) {
        HourRollup bucket = buckets[i] != null ? buckets[i] : new HourRollup();
        points.add(new AnalyticsSeries.Point(start.plusMillis(i * step), metric.of(bucket.summary())));
      }
      return new AnalyticsSeries(metric.wireName(), range.wireName(), titleId, points,
          metric.of(total.summary()), foldedAt(connection));
    } catch (SQLException e) {
      throw new StoreException("cannot read the analytics rollups", e);
    }
  }

  /**
   * {@return the most played titles over a range, most plays first, ties by watch time then id} The range spans
   * what a {@link #series} over it does: for {@link AnalyticsRange#LAST_24_HOURS} the 24 UTC hours ending with the
   * current one, read from the title hours; for the 7 and 30 day ranges the UTC days ending with today (from
   * midnight UTC 6 or 29 days ago), read from per-title day rows that the fold keeps beside the hours
   * ({@code TitleDayRollups}), so the cost grows with days × titles, not hours × titles.
   *
   * @param range the span counted
   * @param limit the longest list, 1 to {@link #MAX_TOP_TITLES}
   * @throws InvalidValueException for a {@code null} range or a limit out of range
   * @throws StoreException if the database cannot be read
   */
  public List<TopTitle> topTitles(AnalyticsRange range, int limit) {
    requireNonNull("range", range);
    InvalidValueException.requireRange("limit", limit, 1, MAX_TOP_TITLES);
    String sums = range.step().equals(TitleDayRollups.DAY) ? TitleDayRollups.SUMS_SINCE
        : "SELECT title_id, SUM(plays) AS p, SUM(watch_ms) AS w FROM streamkit_rollup_title_hours"
            + " WHERE hour_start >= ? GROUP BY title_id";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement read = connection.prepareStatement("SELECT r.title_id, t.name, r.p, r.w FROM (" + sums
            + ") r JOIN streamkit_titles t ON t.id = r.title_id ORDER BY r.p DESC, r.w DESC, r.title_id")) {
      read.setObject(1, utc(range.start(clock.instant())));
      read.setMaxRows(limit);
      List<TopTitle> top = new ArrayList<>();
      try (ResultSet row = read.executeQuery()) {
        while (row.next()) {
          top.add(new TopTitle(row.getObject(1, UUID.class), row.getString(2), row.getLong(3),
              row.getLong(4) / 1000.0));
        }
      }
      return top;
    } catch (SQLException e) {
      throw new StoreException("cannot read the top titles from the analytics rollups", e);
    }
  }

  /**
   * {@return playback over a range for one title or every title, broken down by device class, browser and
   * operating system, as folded so far}
   *
   * @param range the span counted
   * @param titleId the title, or {@code null} for every title
   * @throws UnknownTitleException if {@code titleId} is not in the catalog
   * @throws InvalidValueException if {@code range} is {@code null}
   * @throws StoreException if the database cannot be read
   */
  public ClientBreakdown clients(AnalyticsRange range, UUID titleId) {
    requireNonNull("range", range);
    try (Connection connection = dataSource.getConnection()) {
      requireTitle(connection, titleId);
      return ClientRollups.read(connection, range, range.start(clock.instant()), titleId, foldedAt(connection));
    } catch (SQLException e) {
      throw new StoreException("cannot read the client breakdown from the analytics rollups", e);
    }
  }

  private Instant foldedThrough() {
    try (Connection connection = dataSource.getConnection()) {
      return foldedAt(connection);
    } catch (SQLException e) {
      throw new StoreException("cannot read the analytics fold state", e);
    }
  }

  private static Instant foldedAt(Connection connection) throws SQLException {
    try (PreparedStatement read = connection.prepareStatement(
            "SELECT folded_at FROM streamkit_rollup_state WHERE id = 1");
        ResultSet row = read.executeQuery()) {
      OffsetDateTime at = row.next() ? row.getObject(1, OffsetDateTime.class) : null;
      return at == null ? null : at.toInstant();
    }
  }

  @FunctionalInterface
  private interface HourSink {
    void accept(long hour, HourRollup rollup);
  }

  private static void readHours(Connection connection, UUID titleId, Instant from, HourSink sink)
      throws SQLException {
    String sql = titleId == null
        ? "SELECT hour_start, " + HourRollup.COLUMNS + " FROM streamkit_rollup_platform_hours WHERE hour_start >= ?"
        : "SELECT hour_start, " + HourRollup.COLUMNS + " FROM streamkit_rollup_title_hours WHERE hour_start >= ?"
            + " AND title_id = ?";
    try (PreparedStatement read = connection.prepareStatement(sql)) {
      read.setObject(1, utc(from));
      if (titleId != null) {
        read.setObject(2, titleId);
      }
      try (ResultSet row = read.executeQuery()) {
        while (row.next()) {
          sink.accept(row.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli(), HourRollup.read(row, 2));
        }
      }
    }
  }

  private static void requireTitle(Connection connection, UUID titleId) throws SQLException {
    if (titleId == null) {
      return;
    }
    try (PreparedStatement read = connection.prepareStatement("SELECT 1 FROM streamkit_titles WHERE id = ?")) {
      read.setObject(1, titleId);
      try (ResultSet row = read.executeQuery()) {
        if (!row.next()) {
          throw new UnknownTitleException(titleId);
        }
      }
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static OffsetDateTime utcMillis(long epochMillis) {
    return utc(Instant.ofEpochMilli(epochMillis));
  }

  private static long millis(ResultSet row, int column) throws SQLException {
    OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
    return at == null ? -1 : at.toInstant().toEpochMilli();
  }

  /** What the fold carries for one session between events, and between folds through the sessions table. */
  private static final class SessionState {
    private static final String PLAY = PlaybackEventType.PLAY.wireName();
    private static final String STARTUP = PlaybackEventType.STARTUP.wireName();
    private static final String VARIANT_SWITCH = PlaybackEventType.VARIANT_SWITCH.wireName();
    private static final String REBUFFER_START = PlaybackEventType.REBUFFER_START.wireName();
    private static final String REBUFFER_END = PlaybackEventType.REBUFFER_END.wireName();
    private static final String ERROR = PlaybackEventType.ERROR.wireName();
    private static final String ENDED = PlaybackEventType.ENDED.wireName();

    final UUID title;
    final String session;
    boolean played;
    long lastAt = -1;
    long lastPosition;
    long stallStartedAt = -1;
    long bitrate = -1;
    long bitrateSince;

    SessionState(UUID title, String session) {
      this.title = title;
      this.session = session;
    }

    static String key(UUID title, String session) {
      return title + "/" + session;
    }

    String key() {
      return key(title, session);
    }

    void accept(HourRollup rollup, String viewer, String type, long position, String attributesJson, long at) {
      rollup.viewers.add(viewer);
      if (at < lastAt) {
        countOnly(rollup, type, attributesJson);
        return;
      }
      if (lastAt >= 0 && position > lastPosition) {
        rollup.watchMillis += Math.min(position - lastPosition, at - lastAt);
      }
      lastAt = at;
      lastPosition = position;
      if (type.equals(PLAY) || type.equals(STARTUP)) {
        if (!played) {
          played = true;
          rollup.plays++;
        }
      }
      if (type.equals(REBUFFER_START)) {
        if (stallStartedAt < 0) {
          stallStartedAt = at;
        }
      } else if (type.equals(REBUFFER_END)) {
        long reported = wholeNumber(attributes(attributesJson).get("durationMs"));
        if (reported >= 0) {
          rollup.stalledMillis += reported;
        } else if (stallStartedAt >= 0) {
          rollup.stalledMillis += at - stallStartedAt;
        }
        stallStartedAt = -1;
      } else if (type.equals(ERROR)) {
        rollup.errors++;
      } else if (type.equals(ENDED)) {
        rollup.completions++;
      }
      closeBitrate(rollup, at);
      if (type.equals(STARTUP) || type.equals(VARIANT_SWITCH)) {
        Map<String, String> attributes = attributes(attributesJson);
        if (type.equals(STARTUP)) {
          countStartup(rollup, attributes);
        }
        long reported = wholeNumber(attributes.get("bitrate"));
        if (reported >= 0) {
          bitrate = reported;
          bitrateSince = at;
        }
      } else if (type.equals(ENDED)) {
        bitrate = -1;
      }
    }

    /** An event older than the session's last: counted, but it does not move the session's clock. */
    private void countOnly(HourRollup rollup, String type, String attributesJson) {
      if (type.equals(ERROR)) {
        rollup.errors++;
      } else if (type.equals(ENDED)) {
        rollup.completions++;
      } else if (type.equals(STARTUP)) {
        countStartup(rollup, attributes(attributesJson));
      }
      if ((type.equals(PLAY) || type.equals(STARTUP)) && !played) {
        played = true;
        rollup.plays++;
      }
    }

    private static void countStartup(HourRollup rollup, Map<String, String> attributes) {
      long startup = wholeNumber(attributes.get("startupMs"));
      if (startup >= 0) {
        rollup.startup.add(startup);
        rollup.startups++;
      }
    }

    private void closeBitrate(HourRollup rollup, long until) {
      if (bitrate >= 0 && until > bitrateSince) {
        rollup.bitrateProduct += (double) bitrate * (until - bitrateSince);
        rollup.bitrateMillis += until - bitrateSince;
        bitrateSince = until;
      }
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

  /**
   * What one {@link #fold} did.
   *
   * @param events events folded
   * @param transactions transactions that folded events (0 when nothing was settled)
   * @param foldedAt when the rollups were last folded, null if never
   */
  public record Fold(long events, int transactions, Instant foldedAt) {
  }

  /** Settings of {@link AnalyticsRollups}, validated as they are set. */
  public static final class Builder {

    private final StreamkitStore store;
    private Clock clock = Clock.systemUTC();
    private Duration settleLag = DEFAULT_SETTLE_LAG;
    private int eventsPerTransaction = DEFAULT_EVENTS_PER_TRANSACTION;

    private Builder(StreamkitStore store) {
      this.store = store;
    }

    /**
     * Sets the clock that places series and ages the horizon; the system UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     * @throws InvalidValueException if {@code clock} is {@code null}
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull("clock", clock);
      return this;
    }

    /**
     * Sets how long an event id must have been visible before it is folded; {@link #DEFAULT_SETTLE_LAG} by
     * default. It must exceed the longest event insert transaction; zero folds at once and is safe only when
     * nothing inserts events during a fold (tests, a single writer).
     *
     * @param settleLag 0 to {@link #MAX_SETTLE_LAG}
     * @return this builder
     * @throws InvalidValueException if {@code settleLag} is out of range
     */
    public Builder settleLag(Duration settleLag) {
      this.settleLag = InvalidValueException.requireRange("settleLag", settleLag, Duration.ZERO, MAX_SETTLE_LAG);
      return this;
    }

    /**
     * Sets how many events one fold transaction takes at most; {@value #DEFAULT_EVENTS_PER_TRANSACTION} by
     * default. Larger transactions fold faster and hold the state row's lock longer.
     *
     * @param events 1 to {@link #MAX_EVENTS_PER_TRANSACTION}
     * @return this builder
     * @throws InvalidValueException if {@code events} is out of range
     */
    public Builder eventsPerTransaction(int events) {
      this.eventsPerTransaction = (int) InvalidValueException.requireRange("eventsPerTransaction", events, 1,
          MAX_EVENTS_PER_TRANSACTION);
      return this;
    }

    /** {@return rollups with these settings} */
    public AnalyticsRollups build() {
      return new AnalyticsRollups(this);
    }
  }
}
