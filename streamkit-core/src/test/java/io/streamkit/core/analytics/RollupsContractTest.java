package io.streamkit.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.UnknownTitleException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link AnalyticsRollups} folds and reports, the same on every database behind {@link StreamkitStore}. */
public abstract class RollupsContractTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:30:00Z");
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  protected StreamkitStore store;
  private final ManualClock clock = new ManualClock(NOW);
  private AnalyticsRollups rollups;
  private final List<PlaybackEvent> events = new ArrayList<>();

  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = emptyStore().build();
    rollups = AnalyticsRollups.builder(store).clock(clock).settleLag(Duration.ZERO).build();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    dropStore();
  }

  @Test
  void foldedRollupsReportPlaysStartupBitrateAndRebuffering() {
    UUID title = store.catalog().create("QoE", "").id();
    for (int i = 1; i <= 20; i++) {
      event(title, "v" + i, "s" + i, PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", String.valueOf(i * 100)));
    }
    // s1 runs 10 s at 1 Mb/s then 30 s at 4 Mb/s: 3.25 Mb/s time-weighted, 40 s watched.
    event(title, "v1", "s1", PlaybackEventType.VARIANT_SWITCH, 0, 0, Map.of("bitrate", "1000000"));
    event(title, "v1", "s1", PlaybackEventType.VARIANT_SWITCH, 10, 10_000, Map.of("bitrate", "4000000"));
    event(title, "v1", "s1", PlaybackEventType.ENDED, 40, 40_000, Map.of());
    // s2 stalls 2 s (reported by the player) and 3 s (paired), watches 5 + 4 + 11 s; the last stall never ends.
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_START, 5, 5_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_END, 5, 7_000, Map.of("durationMs", "2000"));
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_START, 9, 11_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_END, 9, 14_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_START, 20, 30_000, Map.of());
    event(title, "v3", "s3", PlaybackEventType.ERROR, 0, 1_000, Map.of("message", "decode"));
    append();

    assertThat(rollups.fold().events()).isEqualTo(29);
    AnalyticsSummary summary = rollups.summary(title, Instant.EPOCH);

    assertThat(summary.plays()).isEqualTo(20);
    assertThat(summary.uniqueViewers()).isCloseTo(20L, within(1L));
    assertThat(summary.completions()).isEqualTo(1);
    assertThat(summary.errors()).isEqualTo(1);
    assertThat(summary.watchTimeSeconds()).isCloseTo(60.0, within(1e-9));
    assertThat(summary.rebufferRatio()).isCloseTo(5.0 / 65.0, within(1e-9));
    assertThat(summary.averageBitrate()).isEqualTo(3_250_000);
    assertThat(summary.startupMsP50()).isCloseTo(1000L, within(50L));
    assertThat(summary.startupMsP95()).isCloseTo(1900L, within(95L));
    assertThat(rollups.summary(null, Instant.EPOCH)).isEqualTo(summary);
  }

  @Test
  void foldingAgainCountsNothingTwiceAndSessionsCarryOverBetweenFolds() {
    UUID title = store.catalog().create("Twice", "").id();
    event(title, "alice", "a1", PlaybackEventType.PLAY, 0, 0, Map.of());
    event(title, "alice", "a1", PlaybackEventType.REBUFFER_START, 10, 10_000, Map.of());
    append();
    rollups.fold();
    assertThat(rollups.fold().events()).isZero();

    // The same session resumes after the fold: not a second play; the stall opened before the fold ends now.
    event(title, "alice", "a1", PlaybackEventType.REBUFFER_END, 10, 13_000, Map.of());
    event(title, "alice", "a1", PlaybackEventType.PLAY, 10, 13_500, Map.of());
    event(title, "alice", "a1", PlaybackEventType.ENDED, 30, 33_500, Map.of());
    append();
    assertThat(rollups.fold().events()).isEqualTo(3);
    rollups.fold();

    AnalyticsSummary summary = rollups.summary(title, Instant.EPOCH);
    assertThat(summary.plays()).isEqualTo(1);
    assertThat(summary.watchTimeSeconds()).isCloseTo(30.0, within(1e-9));
    assertThat(summary.rebufferRatio()).isCloseTo(3.0 / 33.0, within(1e-9));
    assertThat(summary.completions()).isEqualTo(1);
  }

  @Test
  void concurrentFoldsCountEveryEventOnce() throws Exception {
    UUID title = store.catalog().create("Busy", "").id();
    for (int session = 0; session < 300; session++) {
      for (int step = 0; step < 5; step++) {
        event(title, "viewer" + session, "s" + session, step == 0 ? PlaybackEventType.PLAY
            : PlaybackEventType.ERROR, step, step * 1_000L, Map.of());
      }
    }
    append();
    AnalyticsRollups small = AnalyticsRollups.builder(store).clock(clock).settleLag(Duration.ZERO)
        .eventsPerTransaction(97).build();
    CyclicBarrier start = new CyclicBarrier(3);
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      List<Future<Long>> folds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Callable<Long> fold = () -> {
          start.await();
          return small.fold().events();
        };
        folds.add(threads.submit(fold));
      }
      long folded = 0;
      for (Future<Long> fold : folds) {
        folded += fold.get();
      }
      assertThat(folded).isEqualTo(1_500);
    } finally {
      threads.shutdownNow();
    }

    AnalyticsSummary summary = rollups.summary(title, Instant.EPOCH);
    assertThat(summary.plays()).isEqualTo(300);
    assertThat(summary.errors()).isEqualTo(1_200);
    assertThat(summary.uniqueViewers()).isCloseTo(300L, within(15L));
    assertThat(summary.watchTimeSeconds()).isCloseTo(1_200.0, within(1e-9));
    assertThat(rollups.topTitles(AnalyticsRange.LAST_7_DAYS, 1)).singleElement()
        .isEqualTo(new TopTitle(title, "Busy", 300L, 1_200.0));
  }

  @Test
  void eventsAreFoldedOnlyOnceTheirIdsSettleAndLateEventsJoinTheirOwnHour() {
    AnalyticsRollups lagging = AnalyticsRollups.builder(store).clock(clock).settleLag(Duration.ofSeconds(30))
        .build();
    UUID title = store.catalog().create("Late", "").id();
    event(title, "alice", "a1", PlaybackEventType.PLAY, 0, 0, Map.of());
    append();
    assertThat(lagging.fold().events()).as("the horizon was just noted").isZero();

    // Stored within the settle lag, and reporting a play three hours back: folded with the next horizon.
    events.add(new PlaybackEvent(PlaybackEventType.PLAY, "bob", title, "b1", Duration.ZERO, Map.of(),
        T0.minus(Duration.ofHours(3))));
    append();
    clock.advance(Duration.ofSeconds(30));
    assertThat(lagging.fold().events()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(lagging.fold().events()).isEqualTo(1);

    AnalyticsSeries plays = lagging.series(AnalyticsMetric.PLAYS, AnalyticsRange.LAST_24_HOURS, title);
    assertThat(plays.points()).hasSize(24);
    assertThat(plays.points().get(23)).isEqualTo(new AnalyticsSeries.Point(T0, 1L));
    assertThat(plays.points().get(20)).isEqualTo(new AnalyticsSeries.Point(T0.minus(Duration.ofHours(3)), 1L));
    assertThat(plays.points().stream().mapToLong(point -> point.value().longValue()).sum()).isEqualTo(2);
    assertThat(plays.total()).isEqualTo(2L);
    assertThat(plays.foldedAt()).isEqualTo(clock.instant());
  }

  @Test
  void seriesBucketByHourOrDayAndTopTitlesRankByPlays() {
    UUID popular = store.catalog().create("Popular", "").id();
    UUID quiet = store.catalog().create("Quiet", "").id();
    for (int day = 0; day < 3; day++) {
      for (int viewer = 0; viewer <= day; viewer++) {
        events.add(new PlaybackEvent(PlaybackEventType.STARTUP, "v" + viewer, popular, "p" + day + "-" + viewer,
            Duration.ZERO, Map.of("startupMs", "500"), T0.minus(Duration.ofDays(day))));
      }
    }
    events.add(new PlaybackEvent(PlaybackEventType.PLAY, "v9", quiet, "q", Duration.ZERO, Map.of(),
        T0.minus(Duration.ofDays(40))));
    append();
    rollups.fold();

    AnalyticsSeries week = rollups.series(AnalyticsMetric.PLAYS, AnalyticsRange.LAST_7_DAYS, null);
    assertThat(week.points()).extracting(AnalyticsSeries.Point::value)
        .containsExactly(0L, 0L, 0L, 0L, 3L, 2L, 1L);
    assertThat(week.points().get(6).start()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    AnalyticsSeries startup = rollups.series(AnalyticsMetric.STARTUP_P50, AnalyticsRange.LAST_30_DAYS, popular);
    assertThat(startup.points()).hasSize(30);
    assertThat(startup.points().get(0).value()).isNull();
    assertThat(startup.points().get(29).value().longValue()).isCloseTo(500L, within(25L));
    assertThat(rollups.series(AnalyticsMetric.UNIQUE_VIEWERS, AnalyticsRange.LAST_30_DAYS, popular).total())
        .isEqualTo(3L);

    assertThat(rollups.topTitles(AnalyticsRange.LAST_30_DAYS, 10)).extracting(TopTitle::name, TopTitle::plays)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Popular", 6L));
    assertThat(rollups.summary(quiet, Instant.EPOCH).plays()).isEqualTo(1);
  }

  @Test
  void topTitlesOverDaysEqualTheHoursTheyCoverWithLateEventsAndRepeatedFolds() {
    UUID early = store.catalog().create("Early", "").id();
    UUID busy = store.catalog().create("Busy", "").id();
    UUID rare = store.catalog().create("Rare", "").id();
    // The 7-day range starts at 2026-02-23T00:00Z and the 30-day range at 2026-01-31T00:00Z, as the series' days.
    session(early, "e1", "2026-02-22T23:30:00Z");
    session(early, "e2", "2026-02-23T00:10:00Z");
    session(early, "e3", "2026-02-28T23:59:50Z");
    for (int i = 0; i < 3; i++) {
      session(busy, "b" + i, "2026-03-01T11:0" + i + ":00Z");
    }
    session(busy, "b9", "2026-02-10T12:00:00Z");
    session(rare, "r1", "2026-01-30T23:00:00Z");
    session(rare, "r2", "2026-02-25T08:00:00Z");
    append();
    // Small transactions, so one day's row is added to by several of them.
    AnalyticsRollups small = AnalyticsRollups.builder(store).clock(clock).settleLag(Duration.ZERO)
        .eventsPerTransaction(3).build();
    assertThat(small.fold().events()).isEqualTo(18);

    assertTop(AnalyticsRange.LAST_7_DAYS, "Busy", 3L, "Early", 2L, "Rare", 1L);
    assertTop(AnalyticsRange.LAST_30_DAYS, "Busy", 4L, "Early", 3L, "Rare", 1L);
    assertTop(AnalyticsRange.LAST_24_HOURS, "Busy", 3L, "Early", 1L);

    // Late sessions: one into a day the title already has, one into a day it has not; then folds with nothing new.
    session(early, "e4", "2026-02-23T08:00:00Z");
    session(early, "e5", "2026-02-26T16:00:00Z");
    session(rare, "r3", "2026-02-24T05:00:00Z");
    session(rare, "r4", "2026-02-22T05:00:00Z");
    append();
    assertThat(small.fold().events()).isEqualTo(8);
    assertThat(small.fold().events()).isZero();
    assertThat(rollups.fold().events()).isZero();

    assertTop(AnalyticsRange.LAST_7_DAYS, "Early", 4L, "Busy", 3L, "Rare", 2L);
    assertTop(AnalyticsRange.LAST_30_DAYS, "Early", 5L, "Busy", 4L, "Rare", 3L);
    assertThat(rollups.topTitles(AnalyticsRange.LAST_30_DAYS, 1)).singleElement()
        .isEqualTo(new TopTitle(early, "Early", 5L, 100.0));
  }

  @Test
  void deletingATitleDropsItsRollupsAndUnknownNamesAreRefused() {
    UUID title = store.catalog().create("Gone", "").id();
    event(title, "alice", "a1", PlaybackEventType.PLAY, 0, 0, Map.of());
    append();
    rollups.fold();
    store.catalog().delete(title);

    assertThatThrownBy(() -> rollups.summary(title, Instant.EPOCH)).isInstanceOf(UnknownTitleException.class)
        .hasMessageContaining(title.toString());
    assertThat(rollups.topTitles(AnalyticsRange.LAST_24_HOURS, 5)).isEmpty();
    assertThatThrownBy(() -> AnalyticsRange.fromWireName("1y")).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("24h, 7d, 30d");
    assertThatThrownBy(() -> AnalyticsMetric.fromWireName("views")).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("watchTimeSeconds");
  }

  private void event(UUID title, String viewer, String session, PlaybackEventType type, double positionSeconds,
      long atMillis, Map<String, String> attributes) {
    events.add(new PlaybackEvent(type, viewer, title, session, Duration.ofMillis((long) (positionSeconds * 1000)),
        attributes, T0.plusMillis(atMillis)));
  }

  /** A session from {@code start}: a play, then a pause 20 s on at position 20 s (20 s watched). */
  private void session(UUID title, String session, String start) {
    Instant at = Instant.parse(start);
    events.add(new PlaybackEvent(PlaybackEventType.PLAY, "viewer-" + session, title, session, Duration.ZERO,
        Map.of(), at));
    events.add(new PlaybackEvent(PlaybackEventType.PAUSE, "viewer-" + session, title, session,
        Duration.ofSeconds(20), Map.of(), at.plusSeconds(20)));
  }

  /**
   * Asserts the top titles over {@code range} by name and plays ({@code name, plays, name, plays, ...} in order),
   * and that each title's plays and watch time are the sums of the hourly points a series over the range reads.
   */
  private void assertTop(AnalyticsRange range, Object... namesAndPlays) {
    List<TopTitle> top = rollups.topTitles(range, AnalyticsRollups.MAX_TOP_TITLES);
    List<org.assertj.core.groups.Tuple> expected = new ArrayList<>();
    for (int i = 0; i < namesAndPlays.length; i += 2) {
      expected.add(org.assertj.core.groups.Tuple.tuple(namesAndPlays[i], namesAndPlays[i + 1]));
    }
    assertThat(top).as(range.wireName()).extracting(TopTitle::name, TopTitle::plays)
        .containsExactlyElementsOf(expected);
    for (TopTitle title : top) {
      assertThat(title.plays()).as(title.name() + " over " + range.wireName())
          .isEqualTo(rollups.series(AnalyticsMetric.PLAYS, range, title.titleId()).total());
      assertThat(title.watchTimeSeconds()).as(title.name() + " over " + range.wireName())
          .isEqualTo(rollups.series(AnalyticsMetric.WATCH_TIME, range, title.titleId()).total())
          .isEqualTo(title.plays() * 20.0);
    }
  }

  private void append() {
    store.events().appendBatch(events);
    events.clear();
  }

  /** A clock tests move by hand. */
  private static final class ManualClock extends Clock {
    private final AtomicLong millis;

    ManualClock(Instant start) {
      millis = new AtomicLong(start.toEpochMilli());
    }

    void advance(Duration duration) {
      millis.addAndGet(duration.toMillis());
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the manual clock is UTC only");
    }
  }
}
