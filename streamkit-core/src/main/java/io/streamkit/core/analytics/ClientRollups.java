package io.streamkit.core.analytics;

import io.streamkit.core.event.PlaybackClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The breakdown of the rollups by kind of client ({@link PlaybackClient}), folded with them by
 * {@link AnalyticsRollups}. During a fold every event is accepted into the rollup of its title, hour and client
 * ({@link #rollup}); the title rollups are the merge of those ({@link #titleHours}), so one pass over the events
 * serves both and the counters and sketches of a title hour are exactly the sum of its clients'. Each client row
 * keeps plays, watch time, stalled time, errors and the two sketches (startup histogram, viewer HyperLogLog); the
 * rows are written as the title rows are, merged with what earlier folds stored for the same hour.
 */
final class ClientRollups {

  /** The client columns of {@code streamkit_events}, in the order {@link #rollup} reads them. */
  static final String EVENT_COLUMNS = "device_class, browser, os_family";

  private static final String KEY_COLUMNS = "device_class, browser, os_family";
  private static final String COLUMNS = "plays, watch_ms, stalled_ms, errors, startups, startup_histogram,"
      + " viewers_hll";
  private static final int WRITE_BATCH = 1_000;

  private final Map<Key, HourRollup> rollups = new HashMap<>();

  /** One title (null: every title), UTC hour (epoch milliseconds) and kind of client. */
  private record Key(UUID title, long hour, String device, String browser, String os) {
  }

  /** {@return the rollup of this title, hour and the client in {@link #EVENT_COLUMNS} from column {@code first}} */
  HourRollup rollup(UUID title, long hour, ResultSet row, int first) throws SQLException {
    return rollups.computeIfAbsent(new Key(title, hour, row.getString(first), row.getString(first + 1),
        row.getString(first + 2)), key -> new HourRollup());
  }

  /** {@return every title's hours of this fold, each the merge of its clients' rollups} */
  Map<UUID, TreeMap<Long, HourRollup>> titleHours() {
    Map<UUID, TreeMap<Long, HourRollup>> titles = new HashMap<>();
    rollups.forEach((key, rollup) -> titles.computeIfAbsent(key.title(), t -> new TreeMap<>())
        .computeIfAbsent(key.hour(), h -> new HourRollup()).merge(rollup));
    return titles;
  }

  /** Adds this fold's client rollups to the stored per-title and platform rows. */
  void write(Connection connection) throws SQLException {
    if (rollups.isEmpty()) {
      return;
    }
    // Merged with stored rows below: copies, so titleHours() stays this fold's alone whenever it is called.
    Map<Key, HourRollup> titles = new HashMap<>();
    Map<Key, HourRollup> platform = new HashMap<>();
    Map<UUID, long[]> titleSpans = new HashMap<>();
    rollups.forEach((key, rollup) -> {
      titles.computeIfAbsent(key, k -> new HourRollup()).merge(rollup);
      platform.computeIfAbsent(new Key(null, key.hour(), key.device(), key.browser(), key.os()),
          k -> new HourRollup()).merge(rollup);
      titleSpans.merge(key.title(), new long[] {key.hour(), key.hour()},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    });
    try (PreparedStatement read = connection.prepareStatement("SELECT title_id, hour_start, " + KEY_COLUMNS + ", "
        + COLUMNS + " FROM streamkit_rollup_title_client_hours WHERE title_id = ? AND hour_start >= ?"
        + " AND hour_start <= ?")) {
      for (Map.Entry<UUID, long[]> span : titleSpans.entrySet()) {
        read.setObject(1, span.getKey());
        read.setObject(2, utc(span.getValue()[0]));
        read.setObject(3, utc(span.getValue()[1]));
        mergeStored(read, titles, row -> row.getObject(1, UUID.class), 2);
      }
    }
    long first = platform.keySet().stream().mapToLong(Key::hour).min().orElseThrow();
    long last = platform.keySet().stream().mapToLong(Key::hour).max().orElseThrow();
    try (PreparedStatement read = connection.prepareStatement("SELECT hour_start, " + KEY_COLUMNS + ", " + COLUMNS
        + " FROM streamkit_rollup_platform_client_hours WHERE hour_start >= ? AND hour_start <= ?")) {
      read.setObject(1, utc(first));
      read.setObject(2, utc(last));
      mergeStored(read, platform, row -> null, 1);
    }
    String keyMatch = " hour_start = ? AND device_class = ? AND browser = ? AND os_family = ?";
    // A title deleted since its events were read would break the foreign key: INSERT ... SELECT skips it.
    try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM streamkit_rollup_title_client_hours WHERE title_id = ? AND" + keyMatch);
        PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_rollup_title_client_hours"
            + " (title_id, hour_start, " + KEY_COLUMNS + ", " + COLUMNS + ") SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?, ? FROM streamkit_titles WHERE id = ?")) {
      int pending = 0;
      for (Map.Entry<Key, HourRollup> entry : titles.entrySet()) {
        Key key = entry.getKey();
        delete.setObject(1, key.title());
        bindKey(delete, 2, key);
        delete.addBatch();
        bindKey(insert, 1, key);
        bind(insert, 5, entry.getValue());
        insert.setObject(12, key.title());
        insert.addBatch();
        if (++pending == WRITE_BATCH) {
          delete.executeBatch();
          insert.executeBatch();
          pending = 0;
        }
      }
      delete.executeBatch();
      insert.executeBatch();
    }
    try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM streamkit_rollup_platform_client_hours WHERE" + keyMatch);
        PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_rollup_platform_client_hours"
            + " (hour_start, " + KEY_COLUMNS + ", " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<Key, HourRollup> entry : platform.entrySet()) {
        bindKey(delete, 1, entry.getKey());
        delete.addBatch();
        bindKey(insert, 1, entry.getKey());
        bind(insert, 5, entry.getValue());
        insert.addBatch();
      }
      delete.executeBatch();
      insert.executeBatch();
    }
  }

  @FunctionalInterface
  private interface TitleColumn {
    UUID read(ResultSet row) throws SQLException;
  }

  /** Merges stored rows (hour and client key from column {@code first}) into the fresh rollups with their key. */
  private static void mergeStored(PreparedStatement read, Map<Key, HourRollup> fresh, TitleColumn title, int first)
      throws SQLException {
    try (ResultSet row = read.executeQuery()) {
      while (row.next()) {
        HourRollup rollup = fresh.get(new Key(title.read(row), millis(row, first), row.getString(first + 1),
            row.getString(first + 2), row.getString(first + 3)));
        if (rollup != null) {
          rollup.merge(read(row, first + 4));
        }
      }
    }
  }

  /**
   * {@return the breakdown of one title, or of every title, from {@code from} on}
   *
   * @param connection the connection to read with
   * @param range the range, for the report
   * @param from the start of the range's first bucket
   * @param titleId the title, or null for every title (checked by the caller)
   * @param foldedAt when the rollups were last folded, null if never
   */
  static ClientBreakdown read(Connection connection, AnalyticsRange range, Instant from, UUID titleId,
      Instant foldedAt) throws SQLException {
    // Hours merge per kind of client first (a few dozen kinds at most), so each row's sketches merge once.
    Map<Key, HourRollup> kinds = new HashMap<>();
    String sql = titleId == null
        ? "SELECT " + KEY_COLUMNS + ", " + COLUMNS + " FROM streamkit_rollup_platform_client_hours"
            + " WHERE hour_start >= ?"
        : "SELECT " + KEY_COLUMNS + ", " + COLUMNS + " FROM streamkit_rollup_title_client_hours"
            + " WHERE title_id = ? AND hour_start >= ?";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int parameter = 1;
      if (titleId != null) {
        statement.setObject(parameter++, titleId);
      }
      statement.setObject(parameter, from.atOffset(ZoneOffset.UTC));
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          kinds.merge(new Key(null, 0, row.getString(1), row.getString(2), row.getString(3)), read(row, 4),
              (kind, hour) -> {
                kind.merge(hour);
                return kind;
              });
        }
      }
    }
    Map<String, HourRollup> devices = new TreeMap<>();
    Map<String, HourRollup> browsers = new TreeMap<>();
    Map<String, HourRollup> systems = new TreeMap<>();
    kinds.forEach((kind, rollup) -> {
      devices.computeIfAbsent(kind.device(), name -> new HourRollup()).merge(rollup);
      browsers.computeIfAbsent(kind.browser(), name -> new HourRollup()).merge(rollup);
      systems.computeIfAbsent(kind.os(), name -> new HourRollup()).merge(rollup);
    });
    return new ClientBreakdown(range.wireName(), titleId, segments(devices), segments(browsers),
        segments(systems), foldedAt);
  }

  private static List<ClientBreakdown.Segment> segments(Map<String, HourRollup> rollups) {
    List<ClientBreakdown.Segment> segments = new ArrayList<>(rollups.size());
    rollups.forEach((name, rollup) -> {
      AnalyticsSummary summary = rollup.summary();
      segments.add(new ClientBreakdown.Segment(name, summary.plays(), summary.uniqueViewers(),
          summary.watchTimeSeconds(), rollup.stalledMillis / 1000.0, summary.rebufferRatio(),
          summary.startupMsP50(), summary.errors()));
    });
    segments.sort(Comparator.comparingLong(ClientBreakdown.Segment::plays).reversed()
        .thenComparing(Comparator.comparingDouble(ClientBreakdown.Segment::watchTimeSeconds).reversed())
        .thenComparing(ClientBreakdown.Segment::name));
    return segments;
  }

  /** Reads {@link #COLUMNS} from column {@code first}; the measures the client rows do not keep stay zero. */
  private static HourRollup read(ResultSet row, int first) throws SQLException {
    HourRollup rollup = new HourRollup(LatencySketch.decode(row.getString(first + 5)),
        ViewerSketch.decode(row.getString(first + 6)));
    rollup.plays = row.getLong(first);
    rollup.watchMillis = row.getLong(first + 1);
    rollup.stalledMillis = row.getLong(first + 2);
    rollup.errors = row.getLong(first + 3);
    rollup.startups = row.getLong(first + 4);
    return rollup;
  }

  private static void bind(PreparedStatement statement, int first, HourRollup rollup) throws SQLException {
    statement.setLong(first, rollup.plays);
    statement.setLong(first + 1, rollup.watchMillis);
    statement.setLong(first + 2, rollup.stalledMillis);
    statement.setLong(first + 3, rollup.errors);
    statement.setLong(first + 4, rollup.startups);
    statement.setString(first + 5, rollup.startup.encode());
    statement.setString(first + 6, rollup.viewers.encode());
  }

  private static void bindKey(PreparedStatement statement, int first, Key key) throws SQLException {
    statement.setObject(first, utc(key.hour()));
    statement.setString(first + 1, key.device());
    statement.setString(first + 2, key.browser());
    statement.setString(first + 3, key.os());
  }

  private static OffsetDateTime utc(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
  }

  private static long millis(ResultSet row, int column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
  }
}
