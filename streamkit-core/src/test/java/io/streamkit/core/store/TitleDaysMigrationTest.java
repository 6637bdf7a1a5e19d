package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.analytics.AnalyticsRange;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.analytics.TopTitle;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hourly rollups folded before migration V16, which adds per-title UTC-day rows for the top titles over days, are
 * summed into those days when the store opens and migrates the database, and later folds add to the same days: on
 * H2, and on PostgreSQL when configured.
 */
class TitleDaysMigrationTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:30:00Z");

  @TempDir
  Path dataDirectory;

  @Test
  void h2SumsStoredHoursIntoDays() throws Exception {
    String url = "jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve(StreamkitStore.H2_FILE_NAME);
    UUID[] titles = hoursBeforeV16(flyway(url, new H2Dialect()), "");

    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dataDirectory).build()) {
      assertDaysAddUp(store, titles[0], titles[1]);
    }
  }

  @Test
  void postgresSumsStoredHoursIntoDays() throws Exception {
    PostgresTestSchema.require("PostgreSQL migration test");
    PostgresTestSchema schema = PostgresTestSchema.create("streamkit_title_days");
    try {
      UUID[] titles = hoursBeforeV16(flyway(System.getenv(PostgresTestSchema.URL_VARIABLE), new PostgresDialect())
          .schemas(schema.name()).defaultSchema(schema.name()), schema.name() + ".");

      try (StreamkitStore store = schema.store().build()) {
        assertDaysAddUp(store, titles[0], titles[1]);
      }
    } finally {
      schema.drop();
    }
  }

  /** The migrations, shared and the database's own, up to V15, the release before V16. */
  private static FluentConfiguration flyway(String url, SqlDialect dialect) {
    return Flyway.configure().dataSource(url, null, null).locations(StreamkitStore.MIGRATIONS, dialect.migrations())
        .table(StreamkitStore.SCHEMA_HISTORY_TABLE).target("15");
  }

  /**
   * Stores two titles and their hourly rollups as the release before V16 folded them; returns the two ids, the one
   * with hours on both sides of midnight UTC and the 7-day range's start first.
   */
  private static UUID[] hoursBeforeV16(FluentConfiguration configuration, String tablePrefix) throws Exception {
    Flyway flyway = configuration.load();
    flyway.migrate();
    UUID nightly = UUID.randomUUID();
    UUID older = UUID.randomUUID();
    OffsetDateTime created = NOW.minus(Duration.ofDays(60)).atOffset(ZoneOffset.UTC);
    try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
        PreparedStatement title = connection.prepareStatement("INSERT INTO " + tablePrefix + "streamkit_titles"
            + " (id, name, description, status, progress_percent, created_at, updated_at)"
            + " VALUES (?, ?, '', 'PUBLISHED', 100, ?, ?)");
        PreparedStatement hour = connection.prepareStatement("INSERT INTO " + tablePrefix
            + "streamkit_rollup_title_hours (title_id, hour_start, plays, watch_ms, completions, stalled_ms, errors,"
            + " bitrate_ms, bitrate_product, startups, startup_histogram, viewers_hll)"
            + " VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, '', 'S')")) {
      for (Map.Entry<UUID, String> stored : Map.of(nightly, "Nightly", older, "Older").entrySet()) {
        title.setObject(1, stored.getKey());
        title.setString(2, stored.getValue());
        title.setObject(3, created);
        title.setObject(4, created);
        title.executeUpdate();
      }
      // 7 days back from NOW start at 2026-02-23T00:00Z: the hour before is in the 30 days only.
      Object[][] hours = {
          {nightly, "2026-02-22T23:00:00Z", 100, 1_000_000},
          {nightly, "2026-02-23T00:00:00Z", 2, 30_000},
          {nightly, "2026-02-28T23:00:00Z", 3, 40_000},
          {nightly, "2026-03-01T00:00:00Z", 4, 50_000},
          {nightly, "2026-03-01T11:00:00Z", 5, 60_000},
          {older, "2026-02-05T10:00:00Z", 20, 20_000},
          {older, "2026-02-05T11:00:00Z", 30, 30_000},
          {older, "2026-01-30T10:00:00Z", 1_000, 0},
      };
      for (Object[] row : hours) {
        hour.setObject(1, row[0]);
        hour.setObject(2, Instant.parse((String) row[1]).atOffset(ZoneOffset.UTC));
        hour.setLong(3, (Integer) row[2]);
        hour.setLong(4, (Integer) row[3]);
        hour.executeUpdate();
      }
    }
    return new UUID[] {nightly, older};
  }

  private static void assertDaysAddUp(StreamkitStore store, UUID nightly, UUID older) {
    AnalyticsRollups rollups = AnalyticsRollups.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .settleLag(Duration.ZERO).build();
    assertThat(rollups.topTitles(AnalyticsRange.LAST_7_DAYS, 10))
        .containsExactly(new TopTitle(nightly, "Nightly", 14, 180.0));
    assertThat(rollups.topTitles(AnalyticsRange.LAST_30_DAYS, 10)).containsExactly(
        new TopTitle(nightly, "Nightly", 114, 1_180.0), new TopTitle(older, "Older", 50, 50.0));

    // A play folded after the migration adds to the day the migration derived.
    store.events().appendBatch(List.of(new PlaybackEvent(PlaybackEventType.PLAY, "late", older, "s1",
        Duration.ZERO, Map.of(), Instant.parse("2026-02-05T23:00:00Z"))));
    assertThat(rollups.fold().events()).isEqualTo(1);
    assertThat(rollups.topTitles(AnalyticsRange.LAST_30_DAYS, 10)).containsExactly(
        new TopTitle(nightly, "Nightly", 114, 1_180.0), new TopTitle(older, "Older", 51, 50.0));
    assertThat(rollups.topTitles(AnalyticsRange.LAST_24_HOURS, 10))
        .containsExactly(new TopTitle(nightly, "Nightly", 12, 150.0));
  }
}
