package io.streamkit.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link PlaybackAnalytics} reports from the rollups once the events are folded, the same on every database
 * behind {@link StreamkitStore}.
 */
public abstract class AnalyticsContractTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  protected StreamkitStore store;
  private PlaybackAnalytics analytics;
  private AnalyticsRollups rollups;
  private final List<PlaybackEvent> events = new ArrayList<>();

  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = emptyStore().build();
    analytics = PlaybackAnalytics.of(store);
    rollups = AnalyticsRollups.builder(store).settleLag(Duration.ZERO).build();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    dropStore();
  }

  @Test
  void aTitleNobodyWatchedReportsZerosAndNoQoeFigures() {
    UUID title = store.catalog().create("Quiet", "").id();
    rollups.fold();

    TitleAnalytics report = analytics.title(title);

    assertThat(report.plays()).isZero();
    assertThat(report.uniqueViewers()).isZero();
    assertThat(report.watchTimeSeconds()).isZero();
    assertThat(report.completionRate()).isZero();
    assertThat(report.dropOff()).hasSize(PlaybackAnalytics.DROP_OFF_BUCKETS)
        .allSatisfy(bucket -> assertThat(bucket.viewers()).isZero());
    assertThat(report.qoe().startupMsP50()).isNull();
    assertThat(report.qoe().averageBitrate()).isNull();
    assertThat(report.qoe().rebufferRatio()).isZero();
  }

  @Test
  void unknownTitleIsRefusedByName() {
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(() -> analytics.title(unknown)).isInstanceOf(UnknownTitleException.class)
        .hasMessageContaining(unknown.toString());
  }

  @Test
  void playsViewersWatchTimeAndCompletionFollowFoldedSessionsAndDropOffFollowsProgress() {
    UUID title = store.catalog().create("Watched", "").id();
    UUID other = store.catalog().create("Other", "").id();
    // alice watches 100 s to the end in a1, then seeks 40 s ahead in a2 one second after playing (1 s watched);
    // bob watches 25 s; carol only errs; erin has a progress reading and no event.
    event(title, "alice", "a1", PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", "400"));
    event(title, "alice", "a1", PlaybackEventType.PLAY, 0, 1, Map.of());
    event(title, "alice", "a1", PlaybackEventType.PAUSE, 60, 60_001, Map.of());
    event(title, "alice", "a1", PlaybackEventType.ENDED, 100, 100_001, Map.of());
    event(title, "alice", "a2", PlaybackEventType.PLAY, 50, 200_000, Map.of());
    event(title, "alice", "a2", PlaybackEventType.SEEK, 90, 201_000, Map.of());
    event(title, "bob", "b1", PlaybackEventType.PLAY, 0, 0, Map.of());
    event(title, "bob", "b1", PlaybackEventType.PAUSE, 25, 25_000, Map.of());
    event(title, "carol", "c1", PlaybackEventType.ERROR, 0, 0, Map.of("message", "decode"));
    event(other, "dave", "d1", PlaybackEventType.PLAY, 0, 0, Map.of());
    store.events().appendBatch(events);
    progress("alice", title, 98, 100);
    progress("bob", title, 25, 100);
    progress("erin", title, 0, 100);
    progress("dave", other, 10, 100);
    rollups.fold();

    TitleAnalytics report = analytics.title(title);

    assertThat(report.plays()).isEqualTo(3);
    assertThat(report.uniqueViewers()).isEqualTo(3);
    assertThat(report.watchTimeSeconds()).isCloseTo(126.0, within(1e-9));
    assertThat(report.completionRate()).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(report.qoe().errors()).isEqualTo(1);
    assertThat(report.dropOff().get(0)).isEqualTo(new TitleAnalytics.DropOffBucket(0, 10, 1));
    assertThat(report.dropOff().get(2)).isEqualTo(new TitleAnalytics.DropOffBucket(20, 30, 1));
    assertThat(report.dropOff().get(9)).isEqualTo(new TitleAnalytics.DropOffBucket(90, 100, 1));
    assertThat(report.dropOff().stream().mapToLong(TitleAnalytics.DropOffBucket::viewers).sum()).isEqualTo(3);
  }

  @Test
  void eventsStoredAfterTheLastFoldAreCountedByTheNextFold() {
    UUID title = store.catalog().create("Later", "").id();
    event(title, "alice", "a1", PlaybackEventType.PLAY, 0, 0, Map.of());
    store.events().appendBatch(events);
    rollups.fold();
    events.clear();
    event(title, "bob", "b1", PlaybackEventType.PLAY, 0, 0, Map.of());
    store.events().appendBatch(events);

    assertThat(analytics.title(title).plays()).isEqualTo(1);
    assertThat(analytics.platform().plays()).isEqualTo(1);

    rollups.fold();

    assertThat(analytics.title(title).plays()).isEqualTo(2);
    assertThat(analytics.platform().uniqueViewers()).isEqualTo(2);
  }

  @Test
  void startupPercentilesRebufferRatioAndTimeWeightedBitrate() {
    UUID title = store.catalog().create("QoE", "").id();
    for (int i = 1; i <= 20; i++) {
      event(title, "v" + i, "s" + i, PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", String.valueOf(i * 100)));
    }
    // s1 runs 10 s at 1 Mb/s then 30 s at 4 Mb/s: 3.25 Mb/s time-weighted (the plain mean would be 2.5); 40 s watched.
    event(title, "v1", "s1", PlaybackEventType.VARIANT_SWITCH, 0, 0, Map.of("bitrate", "1000000"));
    event(title, "v1", "s1", PlaybackEventType.VARIANT_SWITCH, 10, 10_000, Map.of("bitrate", "4000000"));
    event(title, "v1", "s1", PlaybackEventType.ENDED, 40, 40_000, Map.of());
    // s2 stalls twice: 2 s, then 3 s, and watches 5 + 4 + 11 s; a third stall never ends and does not count.
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_START, 5, 5_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_END, 5, 7_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_START, 9, 11_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_END, 9, 14_000, Map.of());
    event(title, "v2", "s2", PlaybackEventType.REBUFFER_START, 20, 30_000, Map.of());
    // s3 watches 1 s; its bitrate is not a number and is ignored.
    event(title, "v3", "s3", PlaybackEventType.VARIANT_SWITCH, 1, 1_000, Map.of("bitrate", "not-a-number"));
    store.events().appendBatch(events);
    rollups.fold();

    TitleAnalytics.Qoe qoe = analytics.title(title).qoe();

    assertThat(qoe.startupMsP50()).isCloseTo(1000L, withinPercentage(5));
    assertThat(qoe.startupMsP95()).isCloseTo(1900L, withinPercentage(5));
    assertThat(qoe.averageBitrate()).isEqualTo(3_250_000);
    assertThat(qoe.rebufferRatio()).isCloseTo(5.0 / (61.0 + 5.0), within(1e-9));
  }

  @Test
  void platformSummaryCountsEveryTitle() {
    UUID published = store.catalog().create("Published", "").id();
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(published, next);
    }
    UUID draft = store.catalog().create("Draft", "").id();
    event(published, "alice", "a1", PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", "300"));
    event(published, "alice", "a1", PlaybackEventType.ERROR, 3, 3_000, Map.of());
    event(draft, "admin", "p1", PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", "700"));
    event(draft, "admin", "p1", PlaybackEventType.REBUFFER_START, 1, 1_000, Map.of());
    event(draft, "admin", "p1", PlaybackEventType.REBUFFER_END, 1, 3_000, Map.of());
    store.events().appendBatch(events);
    rollups.fold();

    PlatformAnalytics summary = analytics.platform();

    assertThat(summary.titles()).isEqualTo(2);
    assertThat(summary.publishedTitles()).isEqualTo(1);
    assertThat(summary.plays()).isEqualTo(2);
    assertThat(summary.uniqueViewers()).isEqualTo(2);
    assertThat(summary.watchTimeSeconds()).isCloseTo(4.0, within(1e-9));
    assertThat(summary.startupMsP50()).isCloseTo(300L, withinPercentage(5));
    assertThat(summary.rebufferRatio()).isCloseTo(2.0 / 6.0, within(1e-9));
    assertThat(summary.errors()).isEqualTo(1);
  }

  private void event(UUID title, String viewer, String session, PlaybackEventType type, double positionSeconds,
      long atMillis, Map<String, String> attributes) {
    events.add(new PlaybackEvent(type, viewer, title, session, Duration.ofMillis((long) (positionSeconds * 1000)),
        attributes, T0.plusMillis(atMillis)));
  }

  private void progress(String viewer, UUID title, double positionSeconds, double durationSeconds) {
    store.progress().upsert(WatchProgress.ofSeconds(viewer, title, positionSeconds, durationSeconds, T0));
  }
}
