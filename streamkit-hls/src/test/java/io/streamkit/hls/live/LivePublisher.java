package io.streamkit.hls.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Plays a live transcoder into a {@link LiveSink} without encoding: per run, an init per rendition, then parts of
 * {@link #PART_SECONDS} with the byte sizes the renditions' bitrates give, every rendition in turn, a segment every
 * {@link #PARTS_PER_SEGMENT} parts; the clock moves with the media. Remembers every chunk it fed by its position.
 */
final class LivePublisher {

  static final double PART_SECONDS = 0.5;
  static final int PARTS_PER_SEGMENT = 4;
  static final int SEGMENT_SECONDS = 2;

  static final LiveRendition HD = new LiveRendition("720p", false, 1280, 720, 30, 3_000_000, "avc1.64001f");
  static final LiveRendition SD = new LiveRendition("360p", false, 640, 360, 30, 800_000, "avc1.64001e");
  static final LiveRendition AUDIO = new LiveRendition("audio", true, 0, 0, 0, 128_000, "mp4a.40.2");
  static final List<LiveRendition> LADDER = List.of(HD, SD, AUDIO);

  final LivePlaylists live;
  final MovableClock clock;
  private final Random random = new Random(20261202);
  private final Map<String, byte[]> fed = new HashMap<>();
  private final Map<String, Integer> inSegment = new HashMap<>();
  private List<LiveRendition> renditions = List.of();
  /** Called after every part with the rendition it was for, and the rendition's playlist before the part. */
  private PartListener listener = (rendition, before) -> {};

  interface PartListener {
    void afterPart(String rendition, String before);
  }

  LivePublisher(LivePlaylists live, MovableClock clock) {
    this.live = live;
    this.clock = clock;
  }

  static LivePublisher create(LivePlaylists.Builder builder) {
    MovableClock clock = new MovableClock(Instant.parse("2026-12-02T18:00:00Z"));
    return new LivePublisher(builder.segmentSeconds(SEGMENT_SECONDS).partTargetSeconds(PART_SECONDS).clock(clock)
        .build(), clock);
  }

  LivePublisher onPart(PartListener listener) {
    this.listener = listener;
    return this;
  }

  void start(List<LiveRendition> run) {
    renditions = new ArrayList<>(run);
    live.start(run);
    for (LiveRendition rendition : run) {
      live.init(rendition.name(), bytes(600 + random.nextInt(400)));
      inSegment.put(rendition.name(), 0);
    }
  }

  /** {@code count} part intervals: one part for every rendition each, closing segments as they fill. */
  void parts(int count) {
    for (int i = 0; i < count; i++) {
      for (LiveRendition rendition : List.copyOf(renditions)) {
        part(rendition);
      }
      clock.advance(Duration.ofMillis((long) (PART_SECONDS * 1000)));
    }
  }

  void segments(int count) {
    parts(count * PARTS_PER_SEGMENT);
  }

  private void part(LiveRendition rendition) {
    String name = rendition.name();
    String before = live.mediaPlaylist(name, false, "").orElseThrow();
    int index = inSegment.get(name);
    // Bitrate varies by a quarter around the rendition's peak, so segments differ in size as real ones do.
    double rate = rendition.bandwidth() * (0.75 + 0.25 * random.nextDouble());
    byte[] chunk = bytes((int) (rate * PART_SECONDS / 8));
    live.part(name, chunk, PART_SECONDS, rendition.audio() || index == 0);
    fed.put(name + "/" + live.lastMsn(name) + "/" + live.lastPart(name), chunk);
    if (index + 1 == PARTS_PER_SEGMENT) {
      live.segmentEnd(name);
      inSegment.put(name, 0);
    } else {
      inSegment.put(name, index + 1);
    }
    listener.afterPart(name, before);
  }

  void drop(String name) {
    live.dropped(name);
    renditions.removeIf(r -> r.name().equals(name));
  }

  void end() {
    live.end();
    renditions = List.of();
  }

  /** The chunk fed for a part, or null. */
  byte[] fed(String rendition, long msn, int part) {
    return fed.get(rendition + "/" + msn + "/" + part);
  }

  private byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A clock tests move by hand. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
