package io.streamkit.hls.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.PlannedRendition;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTranscoderTest {

  private static final RecordingSink SINK = new RecordingSink();

  @Test
  void missingInputOrSinkIsNamed() {
    assertEquals("input is required: call input(InputStream) with the publisher's FLV stream",
        assertThrows(IllegalStateException.class, () -> LiveTranscoder.builder().sink(SINK).build()).getMessage());
    assertEquals("sink is required: call sink(LiveSink) with what packages the chunks",
        assertThrows(IllegalStateException.class,
            () -> LiveTranscoder.builder().input(new ByteArrayInputStream(new byte[0])).build()).getMessage());
  }

  @Test
  void segmentMustBeAWholeNumberOfParts() {
    LiveTranscoder.Builder builder = LiveTranscoder.builder().input(new ByteArrayInputStream(new byte[0]))
        .sink(SINK).segmentSeconds(2).partSeconds(0.3);
    assertEquals("segmentSeconds (2) must be a whole number of partSeconds (0.3), e.g. partSeconds 0.25",
        assertThrows(IllegalStateException.class, builder::build).getMessage());
    builder.partSeconds(0.4).build();
  }

  @Test
  void valuesOutOfRangeNameTheLimit() {
    LiveTranscoder.Builder builder = LiveTranscoder.builder();
    assertEquals("segmentSeconds must be between 1 and 10, got 11",
        assertThrows(IllegalArgumentException.class, () -> builder.segmentSeconds(11)).getMessage());
    assertEquals("partSeconds must be at least 0.1, got 0.05",
        assertThrows(IllegalArgumentException.class, () -> builder.partSeconds(0.05)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.preset("ludicrous"));
    PlannedRendition audio = new PlannedRendition("audio", 640, 360, FrameRate.FPS_30, 800_000, 1_200_000);
    assertThrows(IllegalArgumentException.class, () -> builder.renditions(List.of(audio)));
    assertThrows(IllegalArgumentException.class, () -> builder.renditions(List.of()));
  }
}
