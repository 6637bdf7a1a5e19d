package io.streamkit.core.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WatchProgressTest {

  private static final UUID TITLE = UUID.randomUUID();
  private static final Instant AT = Instant.parse("2026-03-01T12:00:00.123456Z");

  @Test
  void nanNegativeAndInfinitePositionsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> WatchProgress.ofSeconds("viewer-1", TITLE, Double.NaN, 60, AT))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("position").hasMessageContaining("NaN");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("viewer-1", TITLE, -1.5, 60, AT))
        .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("position"))
        .hasMessageContaining("-1.5");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("viewer-1", TITLE, 1, Double.POSITIVE_INFINITY, AT))
        .hasMessageContaining("duration").hasMessageContaining("Infinity");
  }

  @Test
  void positionBeyondDurationIsRefused() {
    assertThatThrownBy(() -> WatchProgress.ofSeconds("viewer-1", TITLE, 61, 60, AT))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage("position must be between 0 and the duration PT1M, got PT1M1S");
  }

  @Test
  void viewerIdsMustBeUsableIdentifiers() {
    assertThatThrownBy(() -> WatchProgress.ofSeconds("", TITLE, 1, 60, AT))
        .hasMessageContaining("viewerId must be 1 to 128 characters");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("alice smith", TITLE, 1, 60, AT))
        .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("viewerId may contain only")
        .hasMessageContaining("U+0020 at character 6").hasMessageContaining("'alice smith'");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("alice<b>", TITLE, 1, 60, AT))
        .hasMessageContaining("U+003C at character 6");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("x".repeat(129), TITLE, 1, 60, AT))
        .hasMessageContaining("viewerId must be 1 to 128 characters");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("viewer-1", null, 1, 60, AT))
        .hasMessage("titleId is required, got nothing");
  }

  @Test
  void clientTimesMoreThanFiveMinutesAheadOfTheServerAreRefused() {
    Instant serverNow = Instant.parse("2026-03-01T12:00:00Z");
    Clock server = Clock.fixed(serverNow, ZoneOffset.UTC);
    Instant limit = serverNow.plus(WatchProgress.MAX_CLIENT_CLOCK_AHEAD);

    assertThat(WatchProgress.ofSeconds("v", TITLE, 1, 60, limit, server).clientTimestamp()).isEqualTo(limit);
    assertThat(WatchProgress.ofSeconds("v", TITLE, 1, 60, Instant.EPOCH, server).clientTimestamp())
        .isEqualTo(Instant.EPOCH);
    assertThatThrownBy(() -> WatchProgress.ofSeconds("v", TITLE, 1, 60, limit.plusMillis(1), server))
        .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("clientTimestamp"))
        .hasMessageContaining("at most 5 minutes after the server's time 2026-03-01T12:00:00Z")
        .hasMessageContaining("2026-03-01T12:05:00.001Z");
    assertThatThrownBy(() -> WatchProgress.ofSeconds("v", TITLE, 1, 60, Instant.EPOCH.minusMillis(1), server))
        .hasMessageContaining("clientTimestamp").hasMessageContaining("1969-12-31T23:59:59.999Z");
  }

  @Test
  void aClientTimeFarInTheFutureIsRefusedAgainstTheSystemClockToo() {
    assertThatThrownBy(() -> WatchProgress.ofSeconds("v", TITLE, 1, 60, Instant.parse("+999999-01-01T00:00:00Z")))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("clientTimestamp")
        .hasMessageContaining("+999999-01-01T00:00:00Z");
  }

  @Test
  void completedFromNinetyFivePercentAndContinueWatchingOnlyInBetween() {
    assertThat(WatchProgress.ofSeconds("v", TITLE, 94.999, 100, AT).completed()).isFalse();
    assertThat(WatchProgress.ofSeconds("v", TITLE, 95, 100, AT).completed()).isTrue();
    assertThat(WatchProgress.ofSeconds("v", TITLE, 0, 100, AT).inProgress()).isFalse();
    assertThat(WatchProgress.ofSeconds("v", TITLE, 0.5, 100, AT).inProgress()).isTrue();
    assertThat(WatchProgress.ofSeconds("v", TITLE, 100, 100, AT).inProgress()).isFalse();
  }

  @Test
  void timesAreKeptToTheMillisecond() {
    WatchProgress p = WatchProgress.ofSeconds("v", TITLE, 12.3456, 100, AT);
    assertThat(p.position()).isEqualTo(Duration.ofMillis(12_345));
    assertThat(p.clientTimestamp()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
  }

  @Test
  void writerSettingsAreCheckedAtOnce() {
    ProgressWriter.Builder builder = ProgressWriter.builder(new RefusingStore());
    assertThatThrownBy(() -> builder.batchSize(0)).hasMessage("batchSize must be between 1 and 5000, got 0");
    assertThatThrownBy(() -> builder.flushInterval(Duration.ZERO)).hasMessageContaining("flushInterval");
    assertThatThrownBy(() -> builder.offerTimeout(Duration.ofHours(1))).hasMessageContaining("offerTimeout");
    assertThatThrownBy(() -> builder.maxPending(10).batchSize(100).build())
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("must not exceed maxPending (10)");
    assertThatThrownBy(() -> ProgressWriter.builder(null)).hasMessage("store is required, got nothing");
  }

  /** Never reached: the builder refuses before it starts a writer. */
  private static final class RefusingStore implements ProgressStore {
    @Override
    public boolean upsert(WatchProgress progress) {
      throw new AssertionError("not expected");
    }

    @Override
    public void upsertAll(Collection<WatchProgress> progress) {
      throw new AssertionError("not expected");
    }

    @Override
    public Optional<WatchProgress> get(String viewerId, UUID titleId) {
      throw new AssertionError("not expected");
    }

    @Override
    public Page<WatchProgress> continueWatching(String viewerId, PageRequest page) {
      throw new AssertionError("not expected");
    }
  }
}
