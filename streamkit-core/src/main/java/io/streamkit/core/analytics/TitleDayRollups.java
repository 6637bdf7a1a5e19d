package io.streamkit.core.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Plays and watch time per title and UTC day, folded with the hourly rollups by {@link AnalyticsRollups} so that
 * {@link AnalyticsRollups#topTitles} over 7 or 30 days reads at most one row per title and day rather than 24. A
 * fold takes its title hours here before they merge with the stored hours, sums them per day, and {@link #write}
 * adds the sums to the stored day rows in the fold's transaction, under its lock on the state row: a day row stays
 * the sum of the title's hour rows of that day, a late event lands in its own day as in its own hour, and a fold
 * that fails or is repeated adds nothing twice. The days are the UTC days of the daily buckets of
 * {@link AnalyticsRollups#series}; migration V16 derived the days of hours folded before it.
 */
final class TitleDayRollups {

  /** The bucket of the rows here: a UTC day. */
  static final Duration DAY = Duration.ofDays(1);
  /** Plays ({@code p}) and watch time in ms ({@code w}) per title from the UTC day starting at the parameter. */
  static final String SUMS_SINCE = "SELECT title_id, SUM(plays) AS p, SUM(watch_ms) AS w"
      + " FROM streamkit_rollup_title_days WHERE day_start >= ? GROUP BY title_id";

  private static final int WRITE_BATCH = 1_000;

  /** One title and UTC day (epoch milliseconds of its start). */
  private record Key(UUID title, long day) {
  }

  /** Plays and watch milliseconds per title day of this fold. */
  private final Map<Key, long[]> sums = new HashMap<>();

  /**
   * Sums one fold's title hours per day; call it before the hours merge with stored rows, so only this fold counts.
   *
   * @param titleHours the fold's rollups per title and UTC hour (epoch milliseconds)
   */
  TitleDayRollups(Map<UUID, TreeMap<Long, HourRollup>> titleHours) {
    titleHours.forEach((title, hours) -> hours.forEach((hour, rollup) -> {
      long[] sum = sums.computeIfAbsent(new Key(title, hour - Math.floorMod(hour, DAY.toMillis())),
          key -> new long[2]);
      sum[0] += rollup.plays;
      sum[1] += rollup.watchMillis;
    }));
  }

  /**
   * Adds this fold's sums to the stored day rows, creating the rows a day's first fold needs. Runs in the fold's
   * transaction; a title deleted since its events were read is skipped, as its hours are.
   */
  void write(Connection connection) throws SQLException {
    // Every day the fold touched gets a row, even with no plays, so a title that is in the hours of a range is in
    // its days too. No other fold runs meanwhile (the state row is locked), so NOT EXISTS cannot race.
    try (PreparedStatement create = connection.prepareStatement("INSERT INTO streamkit_rollup_title_days"
            + " (title_id, day_start, plays, watch_ms) SELECT t.id, ?, 0, 0 FROM streamkit_titles t WHERE t.id = ?"
            + " AND NOT EXISTS (SELECT 1 FROM streamkit_rollup_title_days d WHERE d.title_id = t.id"
            + " AND d.day_start = ?)");
        PreparedStatement add = connection.prepareStatement("UPDATE streamkit_rollup_title_days"
            + " SET plays = plays + ?, watch_ms = watch_ms + ? WHERE title_id = ? AND day_start = ?")) {
      int pending = 0;
      for (Map.Entry<Key, long[]> entry : sums.entrySet()) {
        OffsetDateTime day = Instant.ofEpochMilli(entry.getKey().day()).atOffset(ZoneOffset.UTC);
        UUID title = entry.getKey().title();
        create.setObject(1, day);
        create.setObject(2, title);
        create.setObject(3, day);
        create.addBatch();
        add.setLong(1, entry.getValue()[0]);
        add.setLong(2, entry.getValue()[1]);
        add.setObject(3, title);
        add.setObject(4, day);
        add.addBatch();
        if (++pending == WRITE_BATCH) {
          create.executeBatch();
          add.executeBatch();
          pending = 0;
        }
      }
      create.executeBatch();
      add.executeBatch();
    }
  }
}
