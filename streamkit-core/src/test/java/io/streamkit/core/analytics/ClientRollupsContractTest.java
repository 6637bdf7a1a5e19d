package io.streamkit.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.core.event.PlaybackClient;
import io.streamkit.core.event.PlaybackClient.Browser;
import io.streamkit.core.event.PlaybackClient.Device;
import io.streamkit.core.event.PlaybackClient.Os;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.UnknownTitleException;
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
 * How {@link AnalyticsRollups} breaks playback down by kind of client ({@link PlaybackClient}), the same on every
 * database behind {@link StreamkitStore}.
 */
public abstract class ClientRollupsContractTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:30:00Z");
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final PlaybackClient IPHONE = new PlaybackClient(Device.PHONE, Browser.SAFARI, Os.IOS);
  private static final PlaybackClient WINDOWS_CHROME = new PlaybackClient(Device.DESKTOP, Browser.CHROME,
      Os.WINDOWS);
  private static final PlaybackClient TV = new PlaybackClient(Device.TV, Browser.CHROME, Os.OTHER);
  private static final PlaybackClient LINUX_FIREFOX = new PlaybackClient(Device.DESKTOP, Browser.FIREFOX, Os.LINUX);

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
  void foldsEachKindOfClientApartAndAddsLaterFoldsToTheSameHour() {
    UUID film = store.catalog().create("Film", "").id();
    UUID show = store.catalog().create("Show", "").id();
    // An iPhone watches 30 s of the film in this fold and 20 s more in the next, stalling 4 s.
    event(film, "ann", "p1", IPHONE, PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", "800"));
    event(film, "ann", "p1", IPHONE, PlaybackEventType.PAUSE, 30, 30_000, Map.of());
    // A Windows desktop watches 60 s of the film and errs; a TV watches 10 s; a Linux Firefox watches the show.
    event(film, "bob", "d1", WINDOWS_CHROME, PlaybackEventType.STARTUP, 0, 0, Map.of("startupMs", "200"));
    event(film, "bob", "d1", WINDOWS_CHROME, PlaybackEventType.ERROR, 60, 60_000, Map.of());
    event(film, "cat", "t1", TV, PlaybackEventType.PLAY, 0, 0, Map.of());
    event(film, "cat", "t1", TV, PlaybackEventType.PAUSE, 10, 10_000, Map.of());
    event(show, "dan", "f1", LINUX_FIREFOX, PlaybackEventType.PLAY, 0, 0, Map.of());
    event(show, "dan", "f1", LINUX_FIREFOX, PlaybackEventType.PAUSE, 5, 5_000, Map.of());
    append();
    rollups.fold();
    event(film, "ann", "p1", IPHONE, PlaybackEventType.PLAY, 30, 40_000, Map.of());
    event(film, "ann", "p1", IPHONE, PlaybackEventType.REBUFFER_END, 50, 60_000, Map.of("durationMs", "4000"));
    append();
    rollups.fold();

    ClientBreakdown platform = rollups.clients(AnalyticsRange.LAST_24_HOURS, null);

    assertThat(platform.range()).isEqualTo("24h");
    assertThat(platform.titleId()).isNull();
    assertThat(platform.foldedAt()).isEqualTo(NOW);
    assertThat(platform.devices()).extracting(ClientBreakdown.Segment::name)
        .containsExactly("desktop", "phone", "tv");
    ClientBreakdown.Segment desktop = platform.devices().get(0);
    assertThat(desktop.plays()).isEqualTo(2);
    assertThat(desktop.uniqueViewers()).isEqualTo(2);
    assertThat(desktop.watchTimeSeconds()).isCloseTo(65.0, within(1e-9));
    assertThat(desktop.errors()).isEqualTo(1);
    assertThat(desktop.startupMsP50()).isCloseTo(200L, within(10L));
    ClientBreakdown.Segment phone = platform.devices().get(1);
    assertThat(phone.plays()).isEqualTo(1);
    assertThat(phone.watchTimeSeconds()).isCloseTo(50.0, within(1e-9));
    assertThat(phone.stalledSeconds()).isCloseTo(4.0, within(1e-9));
    assertThat(phone.rebufferRatio()).isCloseTo(4.0 / 54.0, within(1e-9));
    assertThat(phone.startupMsP50()).isCloseTo(800L, within(40L));
    assertThat(platform.browsers()).extracting(ClientBreakdown.Segment::name, ClientBreakdown.Segment::plays)
        .containsExactly(tuple("chrome", 2L),
            tuple("safari", 1L), tuple("firefox", 1L));
    assertThat(platform.operatingSystems()).extracting(ClientBreakdown.Segment::name)
        .containsExactlyInAnyOrder("ios", "windows", "linux", "other");

    ClientBreakdown film24h = rollups.clients(AnalyticsRange.LAST_24_HOURS, film);
    assertThat(film24h.devices()).extracting(ClientBreakdown.Segment::name, ClientBreakdown.Segment::plays)
        .containsExactlyInAnyOrder(tuple("desktop", 1L),
            tuple("phone", 1L), tuple("tv", 1L));
    assertThat(film24h.browsers()).extracting(ClientBreakdown.Segment::name)
        .containsExactly("chrome", "safari");
    // The title's rollups are the merge of its clients'.
    AnalyticsSummary filmSummary = rollups.summary(film, Instant.EPOCH);
    assertThat(filmSummary.plays()).isEqualTo(3);
    assertThat(filmSummary.watchTimeSeconds()).isCloseTo(120.0, within(1e-9));
    assertThat(filmSummary.uniqueViewers()).isEqualTo(3);
  }

  @Test
  void rangesCountOnlyTheirHoursAndStoredEventsKeepTheirClient() {
    UUID film = store.catalog().create("Film", "").id();
    event(film, "ann", "old", IPHONE, PlaybackEventType.PLAY, 0, -Duration.ofDays(3).toMillis(), Map.of());
    event(film, "bob", "new", TV, PlaybackEventType.PLAY, 0, 0, Map.of());
    event(film, "eve", "unknown", PlaybackClient.UNKNOWN, PlaybackEventType.PLAY, 0, 0, Map.of());
    append();
    rollups.fold();

    assertThat(rollups.clients(AnalyticsRange.LAST_24_HOURS, film).devices())
        .extracting(ClientBreakdown.Segment::name).containsExactlyInAnyOrder("tv", "other");
    assertThat(rollups.clients(AnalyticsRange.LAST_7_DAYS, film).devices())
        .extracting(ClientBreakdown.Segment::name).containsExactlyInAnyOrder("tv", "other", "phone");
    assertThat(store.events().findByTitle(film, T0, T0.plusSeconds(1), 10))
        .extracting(PlaybackEvent::client).containsExactlyInAnyOrder(TV, PlaybackClient.UNKNOWN);
  }

  @Test
  void aTitleWithoutPlaysHasAnEmptyBreakdownAndAnUnknownTitleIsRefused() {
    UUID quiet = store.catalog().create("Quiet", "").id();

    ClientBreakdown breakdown = rollups.clients(AnalyticsRange.LAST_30_DAYS, quiet);

    assertThat(breakdown.devices()).isEmpty();
    assertThat(breakdown.browsers()).isEmpty();
    assertThat(breakdown.operatingSystems()).isEmpty();
    assertThat(breakdown.foldedAt()).isNull();
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(() -> rollups.clients(AnalyticsRange.LAST_24_HOURS, unknown))
        .isInstanceOf(UnknownTitleException.class).hasMessageContaining(unknown.toString());
  }

  private void event(UUID title, String viewer, String session, PlaybackClient client, PlaybackEventType type,
      double positionSeconds, long atMillis, Map<String, String> attributes) {
    events.add(new PlaybackEvent(type, viewer, title, session, Duration.ofMillis((long) (positionSeconds * 1000)),
        attributes, T0.plusMillis(atMillis), client));
  }

  private void append() {
    store.events().appendBatch(events);
    events.clear();
  }
}
