package io.streamkit.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StreamkitStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link AnalyticsRollups} folds the origin's {@code cmcd} events (Common Media Client Data, one per media
 * request) into the hourly rollups, the same on every database behind {@link StreamkitStore}.
 */
public abstract class CmcdRollupsContractTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:30:00Z");
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  protected StreamkitStore store;
  private AnalyticsRollups rollups;
  private final List<PlaybackEvent> events = new ArrayList<>();

  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = emptyStore().build();
    rollups = AnalyticsRollups.builder(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).settleLag(Duration.ZERO)
        .build();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    dropStore();
  }

  @Test
  void mediaRequestReportsGiveBufferThroughputBitrateAndStarvations() {
    UUID title = store.catalog().create("CMCD", "").id();
    // The player's own events: a play and the end 40 s later. The origin's cmcd events of the same session come in
    // between, without a position, and must not move the session's timeline.
    event(title, "alice", "s1", PlaybackEventType.PLAY, 0, 0, Map.of());
    cmcd(title, "alice", "s1", 4_000, Map.of("ot", "v", "bl", "2000", "mtp", "5000", "br", "1000", "d", "4000"));
    cmcd(title, "alice", "s1", 8_000, Map.of("ot", "v", "bl", "4000", "mtp", "7000", "br", "3000", "d", "2000",
        "bs", "true"));
    event(title, "alice", "s1", PlaybackEventType.ENDED, 40, 40_000, Map.of());
    // A second viewer with only CMCD (a player that sends no events): a manifest request with throughput only.
    cmcd(title, "bob", "s2", 5_000, Map.of("ot", "m", "mtp", "9000"));
    // Values that are not whole numbers, or out of bounds, are left out of the means.
    cmcd(title, "bob", "s2", 6_000, Map.of("ot", "v", "bl", "-5", "mtp", "fast", "br", "1200", "d", "0"));
    cmcd(title, "bob", "s2", 7_000, Map.of("bl", String.valueOf(CmcdRollup.MAX_BUFFER_MS + 1)));
    append();

    assertThat(rollups.fold().events()).isEqualTo(7);
    AnalyticsSummary summary = rollups.summary(title, Instant.EPOCH);
    assertThat(summary.bufferLengthMs()).isEqualTo(3_000);
    assertThat(summary.measuredThroughputKbps()).isEqualTo(7_000);
    // 1000 kbit/s for 4 s and 3000 kbit/s for 2 s.
    assertThat(summary.encodedBitrateKbps()).isEqualTo(Math.round((1000.0 * 4 + 3000.0 * 2) / 6));
    assertThat(summary.starvations()).isEqualTo(1);
    assertThat(summary.plays()).isEqualTo(1);
    assertThat(summary.uniqueViewers()).isEqualTo(2);
    assertThat(summary.watchTimeSeconds()).isCloseTo(40.0, within(1e-9));
    assertThat(summary.completions()).isEqualTo(1);
    assertThat(rollups.summary(null, Instant.EPOCH)).isEqualTo(summary);
  }

  @Test
  void laterFoldsAddToTheStoredHoursAndSeriesReadTheNewMetrics() {
    UUID title = store.catalog().create("Series", "").id();
    cmcd(title, "alice", "s1", 1_000, Map.of("ot", "v", "bl", "1000", "mtp", "2000", "br", "800", "d", "4000"));
    // Two hours back, arriving in the same batch: its own hour.
    events.add(new PlaybackEvent(PlaybackEventType.CMCD, "carol", title, "s3", Duration.ZERO,
        Map.of("ot", "v", "bl", "9000", "bs", "true"), T0.minus(Duration.ofHours(2))));
    append();
    rollups.fold();
    cmcd(title, "alice", "s1", 2_000, Map.of("ot", "v", "bl", "3000", "mtp", "4000", "br", "1600", "d", "4000",
        "bs", "true"));
    append();
    assertThat(rollups.fold().events()).isEqualTo(1);

    AnalyticsSeries buffer = rollups.series(AnalyticsMetric.BUFFER_LENGTH, AnalyticsRange.LAST_24_HOURS, title);
    assertThat(buffer.metric()).isEqualTo("bufferLengthMs");
    assertThat(buffer.points().get(23)).isEqualTo(new AnalyticsSeries.Point(T0, 2_000L));
    assertThat(buffer.points().get(21)).isEqualTo(new AnalyticsSeries.Point(T0.minus(Duration.ofHours(2)), 9_000L));
    assertThat(buffer.points().get(22).value()).isNull();
    assertThat(buffer.total()).isEqualTo(Math.round((1000 + 3000 + 9000) / 3.0));

    AnalyticsSeries throughput = rollups.series(AnalyticsMetric.MEASURED_THROUGHPUT, AnalyticsRange.LAST_24_HOURS,
        null);
    assertThat(throughput.points().get(23).value()).isEqualTo(3_000L);
    assertThat(throughput.total()).isEqualTo(3_000L);
    assertThat(rollups.series(AnalyticsMetric.ENCODED_BITRATE, AnalyticsRange.LAST_24_HOURS, title).total())
        .isEqualTo(1_200L);
    AnalyticsSeries starvations = rollups.series(AnalyticsMetric.STARVATIONS, AnalyticsRange.LAST_7_DAYS, title);
    assertThat(starvations.points().get(6).value()).isEqualTo(2L);
    assertThat(starvations.total()).isEqualTo(2L);
    assertThat(AnalyticsMetric.fromWireName("measuredThroughputKbps")).isEqualTo(AnalyticsMetric.MEASURED_THROUGHPUT);
  }

  private void event(UUID title, String viewer, String session, PlaybackEventType type, double positionSeconds,
      long atMillis, Map<String, String> attributes) {
    events.add(new PlaybackEvent(type, viewer, title, session, Duration.ofMillis((long) (positionSeconds * 1000)),
        attributes, T0.plusMillis(atMillis)));
  }

  private void cmcd(UUID title, String viewer, String session, long atMillis, Map<String, String> attributes) {
    event(title, viewer, session, PlaybackEventType.CMCD, 0, atMillis, attributes);
  }

  private void append() {
    store.events().appendBatch(events);
    events.clear();
  }
}
