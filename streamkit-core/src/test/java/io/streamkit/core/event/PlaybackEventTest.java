package io.streamkit.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlaybackEventTest {

  private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void wireNamesRoundTripAndUnknownNamesListTheAcceptedOnes() {
    assertThat(PlaybackEventType.fromWireName("rebuffer_start")).isEqualTo(PlaybackEventType.REBUFFER_START);
    assertThatThrownBy(() -> PlaybackEventType.fromWireName("rebuffer"))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("'rebuffer'")
        .hasMessageContaining("rebuffer_start");
  }

  @Test
  void negativePositionsAndOversizedAttributesAreRefused() {
    UUID title = UUID.randomUUID();
    assertThatThrownBy(() -> new PlaybackEvent(PlaybackEventType.SEEK, "v", title, "s", Duration.ofSeconds(-1),
        Map.of(), AT)).hasMessage("position must be 0 or more, got PT-1S");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i <= PlaybackEvent.MAX_ATTRIBUTES; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> new PlaybackEvent(PlaybackEventType.ERROR, "v", title, "s", Duration.ZERO, many, AT))
        .hasMessageContaining("attributes must have at most 16 entries");
    assertThatThrownBy(() -> new PlaybackEvent(PlaybackEventType.ERROR, "v", title, "session one", Duration.ZERO,
        Map.of(), AT)).hasMessageContaining("sessionId");
    assertThatThrownBy(() -> new PlaybackEvent(PlaybackEventType.PLAY, "jos\u00e9", title, "s", Duration.ZERO,
        Map.of(), AT)).hasMessageStartingWith("viewerId may contain only").hasMessageContaining("U+00E9");
  }
}
