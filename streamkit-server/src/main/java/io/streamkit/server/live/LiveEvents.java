package io.streamkit.server.live;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.core.live.LiveStream;
import io.streamkit.core.live.LiveStreams;
import io.streamkit.hls.HlsRemux;
import io.streamkit.hls.live.LivePlaylists;
import io.streamkit.hls.live.LiveRendition;
import io.streamkit.hls.live.LiveStats;
import io.streamkit.hls.live.LiveTranscode;
import io.streamkit.hls.live.LiveTranscoder;
import io.streamkit.server.live.rtmp.RtmpPublication;
import io.streamkit.server.live.rtmp.RtmpPublishers;
import io.streamkit.server.live.rtmp.RtmpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live streams on air on this node: RTMP publishers in, a real-time transcode per publisher, Low-Latency HLS
 * playlists out (served by the origin under {@code /live/<id>/}), and a recording that becomes a title when the event
 * ends.
 *
 * <p>An event starts when a publisher with a valid stream key connects (the stream goes {@code LIVE} in the store;
 * another node's event on the same stream refuses it). When the publisher drops, the event waits
 * {@link Builder#reconnectGrace}: a publisher that comes back on the same key continues it (the next segment carries
 * {@code EXT-X-DISCONTINUITY}, RFC 8216bis section 4.4.4.3, and the same renditions are encoded from the new input);
 * otherwise the event ends: playlists get {@code EXT-X-ENDLIST}, the recording is joined into one MP4 file and
 * {@linkplain LiveRecordings admitted} like an upload, and the stream is {@code ENDED} with the new title's id. The
 * event's playlists stay served for {@link Builder#endedLinger} so that players finish what they buffered.
 *
 * <p>Metrics per stream on air ({@code streamkit_live_*}, tag {@code stream}) are removed when its event ends, so
 * their cardinality is bounded by the streams live at once.
 */
public final class LiveEvents implements AutoCloseable, MeterBinder {

  /** How recently a playback session must have fetched from a stream to count as one of its viewers. */
  public static final Duration VIEWER_WINDOW = Duration.ofSeconds(10);
  /** How long a dropped publisher may take to come back, by default. */
  public static final Duration DEFAULT_RECONNECT_GRACE = Duration.ofSeconds(10);
  /** The longest reconnect grace. */
  public static final Duration MAX_RECONNECT_GRACE = Duration.ofMinutes(10);
  /** How long an ended event's playlists stay served, by default. */
  public static final Duration DEFAULT_ENDED_LINGER = Duration.ofMinutes(2);
  /** Live segment duration by default: short, so that a standard HLS player is a few seconds behind. */
  public static final int DEFAULT_SEGMENT_SECONDS = 2;
  /** The longest live segment. */
  public static final int MAX_SEGMENT_SECONDS = 10;
  /** Partial segment duration by default: PART-HOLD-BACK is three of them. */
  public static final double DEFAULT_PART_SECONDS = 0.5;
  /** Segments a live playlist lists by default. */
  public static final int DEFAULT_WINDOW_SEGMENTS = 10;
  /** The RTMP application publishers use: {@code rtmp://host:port/live/<stream key>}. */
  public static final String APPLICATION = "live";

  private static final int LOOKUP_THREADS = 2;
  private static final Logger LOG = LoggerFactory.getLogger(LiveEvents.class);
  private static final DateTimeFormatter RECORDED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Builder config;
  private final ConcurrentMap<String, Event> events = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "streamkit-live-timers");
    t.setDaemon(true);
    return t;
  });
  /** Store lookups for publishers (key checks, going on air): never on the RTMP event loop. */
  private final ExecutorService lookups = Executors.newFixedThreadPool(LOOKUP_THREADS, r -> {
    Thread t = new Thread(r, "streamkit-live-lookups");
    t.setDaemon(true);
    return t;
  });
  private RtmpServer rtmp;
  private volatile MeterRegistry registry;
  private volatile boolean closing;

  private LiveEvents(Builder config) {
    this.config = config;
  }

  /** {@return a new builder; {@link Builder#streams} and {@link Builder#workDirectory} are required} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the RTMP listener, when a port was set.
   *
   * @return this
   * @throws IllegalStateException if the RTMP port cannot be bound
   */
  public LiveEvents start() {
    if (config.rtmpPort >= 0) {
      rtmp = RtmpServer.builder().bindAddress(config.rtmpHost).port(config.rtmpPort).publishers(new Publishers())
          .build().start();
      LOG.info("live: RTMP ingest on {}:{} (rtmp://HOST:{}/{}/<stream key>)", config.rtmpHost, rtmp.port(),
          rtmp.port(), APPLICATION);
    }
    return this;
  }

  /** Per-stream gauges go to {@code registry} from now on (the origin binds its registry when it starts). */
  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@return the bound RTMP port, or -1 without RTMP ingest} */
  public int rtmpPort() {
    return rtmp == null ? -1 : rtmp.port();
  }

  /** {@return the segment duration of live streams, which bounds how long a blocking playlist request waits} */
  public Duration segmentDuration() {
    return Duration.ofSeconds(config.segmentSeconds);
  }

  /**
   * {@return the playlists of the stream's current (or just ended) event on this node, if any}
   *
   * @param streamId the live stream's id
   */
  public Optional<LivePlaylists> playlists(String streamId) {
    Event event = events.get(streamId);
    return event == null ? Optional.empty() : Optional.of(event.playlists);
  }

  /**
   * Counts {@code sessionId} as watching {@code streamId} now.
   *
   * @param streamId the live stream's id
   * @param sessionId the playback session (the token's {@code sid})
   */
  public void watched(String streamId, String sessionId) {
    Event event = events.get(streamId);
    if (event != null && sessionId != null) {
      event.viewers.put(sessionId, Boolean.TRUE);
    }
  }

  /**
   * {@return how the stream's event on this node is doing, if one is on air or lingering}
   *
   * @param streamId the live stream's id
   */
  public Optional<LiveHealth> health(String streamId) {
    Event event = events.get(streamId);
    return event == null ? Optional.empty() : Optional.of(event.health());
  }

  /** Stops every publisher, ends every event (recordings are admitted) and the RTMP listener. Waits for both. */
  @Override
  public void close() {
    closing = true;
    if (rtmp != null) {
      rtmp.close();
    }
    for (Event event : List.copyOf(events.values())) {
      event.stopRun();
      event.awaitRun();
      end(event);
    }
    timers.shutdownNow();
    lookups.shutdownNow();
  }

  /** The RTMP server's questions, answered from the store. */
  private final class Publishers implements RtmpPublishers {

    @Override
    public CompletionStage<Optional<String>> authorize(String app, String streamKey, InetSocketAddress client) {
      if (closing) {
        return CompletableFuture.completedFuture(Optional.of("the server is stopping"));
      }
      if (!APPLICATION.equals(app)) {
        return CompletableFuture.completedFuture(Optional.of("unknown application '" + app + "'; publish to"
            + " rtmp://HOST:PORT/" + APPLICATION + "/<stream key>"));
      }
      return CompletableFuture.supplyAsync(() -> {
        Optional<LiveStream> stream = config.streams.findByStreamKey(streamKey);
        if (stream.isEmpty()) {
          return Optional.of("unknown or revoked stream key");
        }
        Event event = events.get(stream.get().id());
        if (event != null && event.running()) {
          return Optional.of("stream " + stream.get().id() + " already has a publisher");
        }
        return Optional.<String>empty();
      }, lookups);
    }

    @Override
    public void publishing(RtmpPublication publication) {
      lookups.execute(() -> {
        Optional<LiveStream> stream = config.streams.findByStreamKey(publication.streamKey());
        if (stream.isEmpty() || closing) {
          publication.close("stream key revoked");
          return;
        }
        begin(stream.get(), publication);
      });
    }
  }

  /** A publisher connected: continues the stream's event within its grace period, or starts a new one. */
  private void begin(LiveStream stream, RtmpPublication publication) {
    String id = stream.id();
    Event event = events.compute(id, (key, current) -> {
      if (current != null && !current.ended && current.graceTimer != null && current.graceTimer.cancel(false)) {
        current.graceTimer = null;
        return current;
      }
      if (current != null && !current.ended) {
        return current;
      }
      if (current != null) {
        current.removeMeters();
      }
      return null;
    });
    if (event != null && event.running()) {
      publication.close("stream " + id + " already has a publisher");
      return;
    }
    if (event == null) {
      if (!config.streams.markLive(id, config.clock.instant())) {
        publication.close("stream " + id + " is live on another node");
        return;
      }
      Path recording = config.workDirectory.resolve(id).resolve(Long.toString(config.clock.millis()));
      try {
        Files.createDirectories(recording);
      } catch (IOException e) {
        config.streams.markIdle(id);
        publication.close("cannot record");
        LOG.warn("live stream {}: cannot create the recording directory {}: {}", id, recording, e.getMessage());
        return;
      }
      LivePlaylists playlists = LivePlaylists.builder().recordingDirectory(recording)
          .segmentSeconds(config.segmentSeconds).partTargetSeconds(config.partSeconds)
          .windowSegments(config.windowSegments).dvr(config.dvr).clock(config.clock).build();
      event = new Event(id, stream.name(), recording, playlists);
      events.put(id, event);
      event.registerMeters();
      LOG.info("live stream {} ({}) on air from {}", id, stream.name(), publication.client());
    } else {
      LOG.info("live stream {}: publisher reconnected from {}; the event continues", id, publication.client());
    }
    Event running = event;
    LiveTranscoder.Builder transcoder = LiveTranscoder.builder().input(publication.media()).sink(event.playlists)
        .segmentSeconds(config.segmentSeconds).partSeconds(config.partSeconds).name("live stream " + id);
    if (config.ladder != null) {
      transcoder.ladder(config.ladder);
    }
    if (config.preset != null) {
      transcoder.preset(config.preset);
    }
    if (event.plan != null) {
      transcoder.renditions(event.plan);
    }
    LiveTranscode transcode = transcoder.build();
    event.runs++;
    event.transcode = transcode;
    Thread thread = new Thread(() -> run(running, transcode, publication), "streamkit-live-" + id);
    event.thread = thread;
    thread.start();
  }

  private void run(Event event, LiveTranscode transcode, RtmpPublication publication) {
    try {
      transcode.run();
    } catch (RuntimeException e) {
      LOG.warn("live stream {}: the transcode stopped: {}", event.id, e.getMessage());
    } finally {
      publication.close("publication ended");
      event.plan = transcode.renditions().isEmpty() ? event.plan : transcode.renditions();
      event.lastStats = transcode.stats();
      event.transcode = null;
      if (!closing) {
        // Held while the timer is stored: a short grace fires before schedule() returns, and must see its timer.
        synchronized (event) {
          event.graceTimer = timers.schedule(() -> endUnlessResumed(event), config.reconnectGrace.toMillis(),
              TimeUnit.MILLISECONDS);
        }
        LOG.info("live stream {}: publisher gone; the event ends unless it reconnects within {} s", event.id,
            config.reconnectGrace.toSeconds());
      }
    }
  }

  private void endUnlessResumed(Event event) {
    boolean idle;
    synchronized (event) {
      idle = events.get(event.id) == event && event.transcode == null && event.graceTimer != null;
    }
    if (idle) {
      end(event);
    }
  }

  /** The event is over: playlists end, the recording becomes a title, the stream is ENDED. */
  private void end(Event event) {
    synchronized (event) {
      if (event.ended) {
        return;
      }
      event.ended = true;
    }
    event.playlists.endEvent();
    String titleId = admitRecording(event);
    config.streams.markEnded(event.id, config.clock.instant(), titleId);
    LOG.info("live stream {} ended after {} run(s){}", event.id, event.runs,
        titleId == null ? "" : "; its recording is title " + titleId);
    if (!closing) {
      timers.schedule(() -> forget(event), config.endedLinger.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      forget(event);
    }
  }

  private String admitRecording(Event event) {
    try {
      Path directory = event.playlists.finishRecording();
      if (config.recordings == null) {
        LOG.info("live stream {}: recording kept in {}", event.id, directory);
        return null;
      }
      // Only the renditions that recorded the whole event have a playlist in the recording.
      Map<LiveRendition, Path> recorded = new LinkedHashMap<>();
      for (LiveRendition rendition : event.playlists.renditions()) {
        Path playlist = directory.resolve(rendition.name()).resolve("index.m3u8");
        if (Files.isRegularFile(playlist)) {
          recorded.put(rendition, playlist);
        }
      }
      Optional<LiveRendition> top = recorded.keySet().stream().filter(r -> !r.audio())
          .max(Comparator.comparingInt(LiveRendition::height));
      if (top.isEmpty()) {
        LOG.warn("live stream {}: no video rendition recorded the whole event, so the recording is not a title;"
            + " its parts are kept in {}", event.id, directory);
        return null;
      }
      List<Path> playlists = new ArrayList<>();
      playlists.add(recorded.get(top.get()));
      recorded.forEach((rendition, playlist) -> {
        if (rendition.audio()) {
          playlists.add(playlist);
        }
      });
      Path source = directory.resolveSibling(directory.getFileName() + ".mp4");
      HlsRemux.toMp4(playlists, source);
      UUID title = config.recordings.admit(source, event.name + " (recorded " + RECORDED.format(event.started)
          + ")");
      return title.toString();
    } catch (Exception e) {
      LOG.warn("live stream {}: the recording could not become a title ({}); it is kept in {}", event.id,
          e.getMessage(), event.recording);
      return null;
    }
  }

  /** After the linger: the event's playlists are no longer served and its files are removed. */
  private void forget(Event event) {
    events.remove(event.id, event);
    event.removeMeters();
    deleteRecursively(event.recording.getParent());
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot remove {}: {}", directory, e.getMessage());
    }
  }

  /** One live event of a stream on this node: from its first publisher to its end. */
  private final class Event {

    final String id;
    final String name;
    final Path recording;
    final LivePlaylists playlists;
    final Instant started = config.clock.instant();
    final Cache<String, Boolean> viewers = Caffeine.newBuilder().expireAfterWrite(VIEWER_WINDOW).build();
    final List<Meter> meters = new ArrayList<>();
    volatile List<PlannedRendition> plan;
    volatile LiveTranscode transcode;
    volatile LiveStats lastStats;
    volatile ScheduledFuture<?> graceTimer;
    volatile Thread thread;
    volatile boolean ended;
    volatile int runs;

    Event(String id, String name, Path recording, LivePlaylists playlists) {
      this.id = id;
      this.name = name;
      this.recording = recording;
      this.playlists = playlists;
    }

    boolean running() {
      return transcode != null;
    }

    void stopRun() {
      LiveTranscode current = transcode;
      if (current != null) {
        current.stop();
      }
    }

    void awaitRun() {
      Thread t = thread;
      if (t != null) {
        try {
          t.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    LiveStats stats() {
      LiveTranscode current = transcode;
      return current != null ? current.stats() : lastStats;
    }

    LiveHealth health() {
      viewers.cleanUp();
      return new LiveHealth(stats(), viewers.estimatedSize(), runs);
    }

    void registerMeters() {
      MeterRegistry registry = LiveEvents.this.registry;
      if (registry == null) {
        return;
      }
      gauge(registry, "streamkit_live_input_bits_per_second", "Input bitrate of a live stream",
          s -> s.inputBitsPerSecond());
      gauge(registry, "streamkit_live_encoder_speed", "Media seconds encoded per second (>= 1 keeps real time)",
          LiveStats::encoderSpeed);
      gauge(registry, "streamkit_live_segments", "Segments produced in the current run", s -> s.segments());
      gauge(registry, "streamkit_live_parts", "Partial segments produced in the current run", s -> s.parts());
      gauge(registry, "streamkit_live_dropped_frames", "Input frames dropped to keep real time",
          s -> s.droppedFrames());
      meters.add(Gauge.builder("streamkit_live_viewers", this, e -> {
        e.viewers.cleanUp();
        return e.viewers.estimatedSize();
      }).description("Playback sessions that fetched from a live stream in the last 10 s").tag("stream", id)
          .register(registry));
    }

    private void gauge(MeterRegistry registry, String name, String description,
        java.util.function.ToDoubleFunction<LiveStats> value) {
      meters.add(Gauge.builder(name, this, e -> {
        LiveStats s = e.stats();
        return s == null ? 0 : value.applyAsDouble(s);
      }).description(description).tag("stream", id).register(registry));
    }

    void removeMeters() {
      MeterRegistry registry = LiveEvents.this.registry;
      if (registry != null) {
        meters.forEach(registry::remove);
      }
      meters.clear();
    }
  }

  /**
   * Settings of {@link LiveEvents}. Validated as they are set, each against the named limit, with a one-line message
   * saying what to change.
   */
  public static final class Builder {

    private LiveStreams streams;
    private Path workDirectory;
    private LiveRecordings recordings;
    private Ladder ladder;
    private String preset;
    private String rtmpHost = "0.0.0.0";
    private int rtmpPort = -1;
    private int segmentSeconds = DEFAULT_SEGMENT_SECONDS;
    private double partSeconds = DEFAULT_PART_SECONDS;
    private int windowSegments = DEFAULT_WINDOW_SEGMENTS;
    private boolean dvr;
    private Duration reconnectGrace = DEFAULT_RECONNECT_GRACE;
    private Duration endedLinger = DEFAULT_ENDED_LINGER;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The live streams and their keys (required).
     *
     * @param streams usually {@code StreamkitStore.liveStreams()}
     * @return this builder
     */
    public Builder streams(LiveStreams streams) {
      this.streams = java.util.Objects.requireNonNull(streams, "streams");
      return this;
    }

    /**
     * Where events are recorded while they run (required); each event's directory is removed after it ends.
     *
     * @param directory a directory on the same file system as the data directory, so recordings move in
     * @return this builder
     */
    public Builder workDirectory(Path directory) {
      this.workDirectory = java.util.Objects.requireNonNull(directory, "workDirectory");
      return this;
    }

    /**
     * Where finished recordings go; without it a recording is removed with its event.
     *
     * @param recordings usually the management API's {@code ingest}
     * @return this builder
     */
    public Builder recordings(LiveRecordings recordings) {
      this.recordings = recordings;
      return this;
    }

    /**
     * The ladder live renditions are planned from.
     *
     * @param ladder default {@link LiveTranscoder}'s
     * @return this builder
     */
    public Builder ladder(Ladder ladder) {
      this.ladder = ladder;
      return this;
    }

    /**
     * The x264 preset of live encodes.
     *
     * @param preset default {@link LiveTranscoder}'s, which keeps a 1080p ladder in real time on two cores
     * @return this builder
     */
    public Builder preset(String preset) {
      this.preset = preset;
      return this;
    }

    /**
     * Listens for RTMP publishers on {@code host:port}; off by default.
     *
     * @param host the address to bind, e.g. {@code 0.0.0.0}
     * @param port 0 to 65535; 0 picks a free one ({@link LiveEvents#rtmpPort()} tells which)
     * @return this builder
     */
    public Builder rtmp(String host, int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("RTMP port must be between 0 and 65535, got " + port);
      }
      this.rtmpHost = java.util.Objects.requireNonNull(host, "host");
      this.rtmpPort = port;
      return this;
    }

    /**
     * Segment duration.
     *
     * @param seconds 1 to {@link LiveEvents#MAX_SEGMENT_SECONDS}; default {@link LiveEvents#DEFAULT_SEGMENT_SECONDS}
     * @return this builder
     */
    public Builder segmentSeconds(int seconds) {
      if (seconds < 1 || seconds > MAX_SEGMENT_SECONDS) {
        throw new IllegalArgumentException("live segment duration must be 1 to " + MAX_SEGMENT_SECONDS
            + " seconds, got " + seconds);
      }
      this.segmentSeconds = seconds;
      return this;
    }

    /**
     * Partial segment duration; a segment must be a whole number of parts.
     *
     * @param seconds 0.1 to 2; default {@link LiveEvents#DEFAULT_PART_SECONDS}
     * @return this builder
     */
    public Builder partSeconds(double seconds) {
      if (!(seconds >= 0.1) || seconds > 2) {
        throw new IllegalArgumentException("live part duration must be 0.1 to 2 seconds, got " + seconds);
      }
      this.partSeconds = seconds;
      return this;
    }

    /**
     * Segments a live playlist lists (sliding window).
     *
     * @param segments 3 to 10000; default {@link LiveEvents#DEFAULT_WINDOW_SEGMENTS}
     * @return this builder
     */
    public Builder windowSegments(int segments) {
      if (segments < 3 || segments > 10_000) {
        throw new IllegalArgumentException("live window must be 3 to 10000 segments, got " + segments);
      }
      this.windowSegments = segments;
      return this;
    }

    /**
     * Lists every segment since the event started ({@code EXT-X-PLAYLIST-TYPE:EVENT}), so viewers can rewind.
     *
     * @param dvr default false: a sliding window
     * @return this builder
     */
    public Builder dvr(boolean dvr) {
      this.dvr = dvr;
      return this;
    }

    /**
     * How long a dropped publisher may take to come back and continue the event.
     *
     * @param grace 0 to {@link LiveEvents#MAX_RECONNECT_GRACE}; default {@link LiveEvents#DEFAULT_RECONNECT_GRACE}
     * @return this builder
     */
    public Builder reconnectGrace(Duration grace) {
      if (grace.isNegative() || grace.compareTo(MAX_RECONNECT_GRACE) > 0) {
        throw new IllegalArgumentException("reconnect grace must be 0 to " + MAX_RECONNECT_GRACE.toMinutes()
            + " minutes, got " + grace);
      }
      this.reconnectGrace = grace;
      return this;
    }

    /**
     * How long an ended event's playlists stay served, so players finish what they buffered.
     *
     * @param linger not negative; default {@link LiveEvents#DEFAULT_ENDED_LINGER}
     * @return this builder
     */
    public Builder endedLinger(Duration linger) {
      if (linger.isNegative()) {
        throw new IllegalArgumentException("ended linger must not be negative, got " + linger);
      }
      this.endedLinger = linger;
      return this;
    }

    /**
     * The clock for program date-times and event times.
     *
     * @param clock default the UTC system clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = java.util.Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * {@return the live events, not yet started}
     *
     * @throws IllegalStateException if the streams or the work directory are missing
     */
    public LiveEvents build() {
      if (streams == null) {
        throw new IllegalStateException("live events need the live streams: call streams(store.liveStreams())");
      }
      if (workDirectory == null) {
        throw new IllegalStateException("live events need a work directory for recordings: call workDirectory()");
      }
      if (Math.abs(segmentSeconds / partSeconds - Math.round(segmentSeconds / partSeconds)) > 1e-9) {
        throw new IllegalStateException("a live segment (" + segmentSeconds + " s) must be a whole number of parts ("
            + partSeconds + " s); choose a part duration that divides it");
      }
      return new LiveEvents(this);
    }
  }
}
