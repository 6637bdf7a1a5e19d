package io.streamkit.hls.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Low-Latency HLS state of one live event (RFC 8216bis): what a live transcode produced, as media playlists with
 * partial segments, a multivariant playlist, parts in memory and segments in a recording that becomes a
 * video-on-demand title when the event ends.
 *
 * <p>An event is one or more runs — a publisher that reconnects starts a new run of the same event. The first run
 * starts at media sequence number 0; later runs continue the numbering, and their first segment carries
 * {@code EXT-X-DISCONTINUITY} and a new {@code EXT-X-MAP} (RFC 8216bis sections 4.4.4.3, 4.4.4.5). Every rendition
 * keeps the same msn for the same interval: a rendition that missed segments another one has (it was dropped, or
 * absent from a run) lists them as {@code EXT-X-GAP} (section 4.4.4.7), so rendition reports and blocking reloads
 * mean the same position in every playlist.
 *
 * <p>Threads: the {@link LiveSink} calls, {@link #endEvent()} and {@link #finishRecording()} take a writer lock (the
 * transcoder's thread; they do file I/O for the recording). Every other method is for readers such as Netty event
 * loops: it reads immutable snapshots and concurrent maps and never blocks. The futures of
 * {@link #whenAvailable} complete on the writer's thread; attach continuations with an executor (for example the
 * channel's event loop).
 *
 * <p>URIs in a media playlist are relative to it, the origin serving it as {@code <rendition>/index.m3u8}:
 * {@code seg_<msn>.m4s}, {@code part_<msn>_<i>.m4s}, {@code init_<run>.mp4}, and {@code ../<other>/index.m3u8} in
 * rendition reports.
 */
public final class LivePlaylists implements LiveSink {

  /** Default {@link Builder#segmentSeconds(int)}. */
  public static final int DEFAULT_SEGMENT_SECONDS = 4;
  /** Smallest {@link Builder#segmentSeconds(int)}. */
  public static final int MIN_SEGMENT_SECONDS = 1;
  /** Largest {@link Builder#segmentSeconds(int)}. */
  public static final int MAX_SEGMENT_SECONDS = 30;
  /** Default {@link Builder#partTargetSeconds(double)}. */
  public static final double DEFAULT_PART_TARGET_SECONDS = 1.0;
  /** Smallest {@link Builder#partTargetSeconds(double)}. */
  public static final double MIN_PART_TARGET_SECONDS = 0.1;
  /** Default {@link Builder#windowSegments(int)}. */
  public static final int DEFAULT_WINDOW_SEGMENTS = 10;
  /** Smallest {@link Builder#windowSegments(int)}: RFC 8216bis section 6.2.2 wants three target durations. */
  public static final int MIN_WINDOW_SEGMENTS = 3;
  /** Largest {@link Builder#windowSegments(int)}; use {@link Builder#dvr(boolean)} to keep the whole event. */
  public static final int MAX_WINDOW_SEGMENTS = 10_000;

  private static final Pattern RENDITION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String AUDIO_GROUP = "audio";
  private static final String MASTER = "master.m3u8";
  /**
   * Version of the multivariant playlists and of the recording's media playlists: {@code EXT-X-MAP} outside
   * I-frame playlists needs 6 (RFC 8216bis section 7); 7 as the title packager writes.
   */
  private static final int RECORDING_VERSION = 7;

  private final Path recordingDirectory;
  private final int segmentSeconds;
  private final double partTargetSeconds;
  private final int windowSegments;
  private final boolean dvr;
  private final Clock clock;

  private final Object writer = new Object();
  private final Map<String, LiveTrack> tracks = new ConcurrentHashMap<>();
  private volatile List<LiveRendition> current = List.of();
  private volatile boolean eventOver;

  // Writer state, under the writer lock.
  private final List<LiveTrack> created = new ArrayList<>();
  private final Map<Long, Double> durations = new HashMap<>();
  private List<LiveTrack> running = List.of();
  private int run = -1;

  private LivePlaylists(Builder builder) {
    this.recordingDirectory = builder.recordingDirectory;
    this.segmentSeconds = builder.segmentSeconds;
    this.partTargetSeconds = builder.partTargetSeconds;
    this.windowSegments = builder.windowSegments;
    this.dvr = builder.dvr;
    this.clock = builder.clock;
  }

  /**
   * Starts building the state of one live event.
   *
   * @return a builder; {@link Builder#recordingDirectory(Path)} is required
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- LiveSink (writer)

  @Override
  public void start(List<LiveRendition> renditions) {
    Objects.requireNonNull(renditions, "renditions");
    synchronized (writer) {
      if (eventOver) {
        throw new IllegalStateException("live: start() after endEvent(); a new event needs a new LivePlaylists");
      }
      validate(renditions);
      if (!running.isEmpty()) {
        end();
      }
      run++;
      long firstMsn = 0;
      for (LiveTrack track : created) {
        firstMsn = Math.max(firstMsn, track.nextMsn);
      }
      List<LiveTrack> next = new ArrayList<>();
      for (LiveRendition rendition : renditions) {
        LiveTrack track = tracks.get(rendition.name());
        if (track == null) {
          Path directory = recordingDirectory.resolve(rendition.name());
          try {
            Files.createDirectories(directory);
          } catch (IOException e) {
            throw new UncheckedIOException("live recording: cannot create " + directory, e);
          }
          track = new LiveTrack(rendition.name(), directory, firstMsn, run == 0 ? 0 : run - 1, segmentSeconds,
              partTargetSeconds);
          track.rendition = rendition;
          track.publish(windowSegments, dvr, false, true);
          created.add(track);
          tracks.put(track.name, track);
        }
        while (track.nextMsn < firstMsn) {
          track.addGap(durations.getOrDefault(track.nextMsn, (double) segmentSeconds));
        }
        track.rendition = rendition;
        track.startRun(run > 0);
        next.add(track);
      }
      running = List.copyOf(next);
      for (LiveTrack track : created) {
        track.idle = !running.contains(track);
      }
      publishAll(false);
      current = List.copyOf(renditions);
    }
  }

  @Override
  public void init(String rendition, byte[] initSegment) {
    Objects.requireNonNull(initSegment, "initSegment");
    synchronized (writer) {
      running(rendition, "init").writeInit(run, initSegment);
    }
  }

  @Override
  public void part(String rendition, byte[] chunk, double durationSeconds, boolean independent) {
    Objects.requireNonNull(chunk, "chunk");
    if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds)) {
      throw new IllegalArgumentException("live: part of " + rendition + " has duration " + durationSeconds
          + "; a part lasts a positive, finite number of seconds");
    }
    synchronized (writer) {
      LiveTrack track = running(rendition, "part");
      if (track.initRun != run) {
        throw new IllegalStateException("live: part of " + rendition + " before its init in this run; call init()"
            + " first");
      }
      track.addPart(chunk, durationSeconds, independent, clock.instant());
      track.publish(windowSegments, dvr, false, true);
      track.wake(false);
    }
  }

  @Override
  public void segmentEnd(String rendition) {
    synchronized (writer) {
      LiveTrack track = running(rendition, "segmentEnd");
      close(track);
      track.publish(windowSegments, dvr, false, true);
      track.wake(false);
    }
  }

  @Override
  public void dropped(String rendition) {
    synchronized (writer) {
      LiveTrack track = running(rendition, "dropped");
      close(track);
      track.idle = true;
      current = current.stream().filter(r -> !r.name().equals(rendition)).toList();
      track.publish(windowSegments, dvr, false, true);
      track.wake(true);
    }
  }

  @Override
  public void end() {
    synchronized (writer) {
      for (LiveTrack track : running) {
        if (!track.idle) {
          close(track);
        }
      }
      running = List.of();
      publishAll(false);
    }
  }

  /**
   * The whole event is over (not just a run): every playlist gets {@code EXT-X-ENDLIST} and every waiting blocking
   * reload completes. Ends the current run, if any. Idempotent.
   */
  public void endEvent() {
    synchronized (writer) {
      if (!running.isEmpty()) {
        end();
      }
      eventOver = true;
      for (LiveTrack track : created) {
        track.idle = true;
      }
      publishAll(true);
    }
  }

  private void close(LiveTrack track) {
    if (track.hasOpenParts()) {
      track.closeSegment();
      LiveMediaPlaylist.Segment closed = track.all.get(track.all.size() - 1);
      durations.putIfAbsent(closed.msn(), closed.durationSeconds());
    }
  }

  private void publishAll(boolean all) {
    for (LiveTrack track : created) {
      track.publish(windowSegments, dvr, eventOver, true);
      track.wake(all);
    }
  }

  private LiveTrack running(String rendition, String call) {
    for (LiveTrack track : running) {
      if (track.name.equals(rendition)) {
        if (track.idle) {
          throw new IllegalStateException("live: " + call + "() for " + rendition + " after dropped(" + rendition
              + ") in this run");
        }
        return track;
      }
    }
    throw new IllegalStateException("live: " + call + "() for " + rendition + ", which this run does not produce"
        + " (it produces " + running.stream().map(t -> t.name).collect(Collectors.joining(", ")) + ")");
  }

  private static void validate(List<LiveRendition> renditions) {
    if (renditions.isEmpty()) {
      throw new IllegalArgumentException("live: start() with no renditions; a run produces at least one");
    }
    Set<String> names = new HashSet<>();
    for (LiveRendition rendition : renditions) {
      if (!RENDITION_NAME.matcher(rendition.name()).matches()) {
        throw new IllegalArgumentException("live: rendition name '" + rendition.name() + "' is not directory-safe"
            + " (letters, digits, '.', '_', '-', at most 64, not starting with a symbol)");
      }
      if (!names.add(rendition.name())) {
        throw new IllegalArgumentException("live: rendition name '" + rendition.name() + "' appears twice in one run");
      }
    }
  }

  // ---------------------------------------------------------------- readers (never block)

  /**
   * The renditions of the current run still produced: those it started with, minus the dropped ones.
   *
   * @return an immutable list, video first as the run listed them
   */
  public List<LiveRendition> renditions() {
    return current;
  }

  /**
   * A rendition's media playlist as it is now.
   *
   * @param rendition the rendition's name
   * @param skip whether the client asked for a delta update ({@code _HLS_skip=YES} or {@code v2}, RFC 8216bis
   *     section 6.2.5.1); the full playlist is returned when there is nothing old enough to skip
   * @param uriQuery appended as {@code ?uriQuery} to every URI in the playlist; {@code ""} for none
   * @return the playlist text, or empty for a rendition this event never had
   */
  public Optional<String> mediaPlaylist(String rendition, boolean skip, String uriQuery) {
    LiveTrack track = tracks.get(rendition);
    if (track == null) {
      return Optional.empty();
    }
    LiveMediaPlaylist playlist = track.published;
    List<LiveMediaPlaylist.Report> reports = new ArrayList<>();
    for (LiveRendition other : current) {
      LiveTrack otherTrack = tracks.get(other.name());
      LiveRendition self = track.rendition;
      if (otherTrack == null || otherTrack == track || other.audio() != self.audio()) {
        continue;
      }
      LiveMediaPlaylist otherPlaylist = otherTrack.published;
      if (otherPlaylist.lastMsn() >= 0) {
        reports.add(new LiveMediaPlaylist.Report(other.name(), otherPlaylist.lastMsn(), otherPlaylist.lastPart()));
      }
    }
    return Optional.of(playlist.render(skip, uriQuery, reports));
  }

  /**
   * The multivariant playlist (RFC 8216bis section 4.4.6): the audio rendition as an {@code EXT-X-MEDIA} group, and
   * one {@code EXT-X-STREAM-INF} per allowed video rendition of the current run. {@code BANDWIDTH} is the larger of
   * the encoder's peak and the measured peak of the listed segments, plus the audio's (section 4.4.6.2);
   * {@code CODECS} names video and audio.
   *
   * @param allowed which video renditions this viewer may see
   * @param uriQuery appended as {@code ?uriQuery} to every URI; {@code ""} for none
   * @return the playlist text; URIs are {@code <rendition>/index.m3u8}
   */
  public String masterPlaylist(Predicate<LiveRendition> allowed, String uriQuery) {
    List<LiveRendition> renditions = current;
    LiveRendition audio = renditions.stream().filter(LiveRendition::audio).findFirst().orElse(null);
    StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + RECORDING_VERSION
        + "\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    long audioBandwidth = 0;
    if (audio != null) {
      audioBandwidth = Math.max(audio.bandwidth(), measuredPeak(tracks.get(audio.name()).published.segments));
      out.append(audioMedia(audio.name(), uriQuery));
    }
    for (LiveRendition video : renditions) {
      if (video.audio() || !allowed.test(video)) {
        continue;
      }
      long bandwidth = Math.max(video.bandwidth(), measuredPeak(tracks.get(video.name()).published.segments));
      out.append(streamInf(video, audio, bandwidth + audioBandwidth, -1, uriQuery));
    }
    return out.toString();
  }

  private static String audioMedia(String name, String query) {
    return "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"" + AUDIO_GROUP + "\",NAME=\"Main\",DEFAULT=YES,AUTOSELECT=YES,"
        + "CHANNELS=\"2\",URI=\"" + LiveMediaPlaylist.withQuery(name + "/" + LiveMediaPlaylist.PLAYLIST, query)
        + "\"\n";
  }

  private static String streamInf(LiveRendition video, LiveRendition audio, long bandwidth, long average,
      String query) {
    StringBuilder out = new StringBuilder("#EXT-X-STREAM-INF:BANDWIDTH=").append(bandwidth);
    if (average >= 0) {
      out.append(",AVERAGE-BANDWIDTH=").append(average);
    }
    out.append(",CODECS=\"").append(video.codecs()).append(audio == null ? "" : "," + audio.codecs())
        .append("\",RESOLUTION=").append(video.width()).append('x').append(video.height())
        .append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", video.frameRate()));
    if (audio != null) {
      out.append(",AUDIO=\"").append(AUDIO_GROUP).append('"');
    }
    return out.append('\n').append(LiveMediaPlaylist.withQuery(video.name() + "/" + LiveMediaPlaylist.PLAYLIST,
        query)).append('\n').toString();
  }

  /**
   * Peak segment bitrate over segments at least half the target duration long (the last, short segment of a run
   * would otherwise dominate through its fixed overhead).
   */
  private long measuredPeak(List<LiveMediaPlaylist.Segment> segments) {
    double peak = 0;
    for (LiveMediaPlaylist.Segment segment : segments) {
      if (!segment.gap() && segment.durationSeconds() >= segmentSeconds / 2.0) {
        peak = Math.max(peak, segment.bytes() * 8 / segment.durationSeconds());
      }
    }
    return (long) Math.ceil(peak);
  }

  /**
   * Whether a blocking playlist reload for this position can be answered (RFC 8216bis section 6.2.5.2): the
   * playlist lists part {@code part} of segment {@code msn} or a later part, or, for {@code part < 0}, segment
   * {@code msn} is complete.
   *
   * @param rendition the rendition's name
   * @param msn the media sequence number ({@code _HLS_msn})
   * @param part the part index ({@code _HLS_part}), or negative for the whole segment
   * @return false for an unknown rendition
   */
  public boolean has(String rendition, long msn, int part) {
    LiveTrack track = tracks.get(rendition);
    return track != null && track.has(msn, part);
  }

  /**
   * A future that completes when {@link #has} becomes true, or when nothing more will come for the rendition (the
   * event ended, or the rendition was dropped) — the caller then checks {@link #has} again. Never blocks; completes
   * at once when already true or over, and for an unknown rendition. The caller adds its own timeout; a future it
   * completes or cancels is forgotten here.
   *
   * @param rendition the rendition's name
   * @param msn the media sequence number
   * @param part the part index, or negative for the whole segment
   * @return the future, completed on the writer's thread
   */
  public CompletableFuture<Void> whenAvailable(String rendition, long msn, int part) {
    LiveTrack track = tracks.get(rendition);
    if (track == null) {
      return CompletableFuture.completedFuture(null);
    }
    return track.whenAvailable(msn, part, eventOver);
  }

  /**
   * A partial segment's bytes ({@code moof}+{@code mdat}), kept in memory while its parts are listed and a target
   * duration longer.
   *
   * @param rendition the rendition's name
   * @param msn the media sequence number of its segment
   * @param part its index in the segment
   * @return the bytes (not to be modified), or empty when unknown or no longer kept
   */
  public Optional<byte[]> part(String rendition, long msn, int part) {
    LiveTrack track = tracks.get(rendition);
    return track == null ? Optional.empty() : Optional.ofNullable(track.part(msn, part));
  }

  /**
   * A complete segment in the recording ({@code <rendition>/seg_<msn>.m4s}).
   *
   * @param rendition the rendition's name
   * @param msn the media sequence number
   * @return the file, or empty when the segment is not complete or this rendition lacks it
   */
  public Optional<Path> segment(String rendition, long msn) {
    LiveTrack track = tracks.get(rendition);
    return track == null ? Optional.empty() : Optional.ofNullable(track.segment(msn));
  }

  /**
   * A rendition's initialisation segment for a run ({@code <rendition>/init_<n>.mp4}).
   *
   * @param rendition the rendition's name
   * @param n the run, 0 for the first
   * @return the file, or empty when that run produced no init for the rendition
   */
  public Optional<Path> init(String rendition, int n) {
    LiveTrack track = tracks.get(rendition);
    return track == null ? Optional.empty() : Optional.ofNullable(track.init(n));
  }

  /**
   * {@return whether this event has (or had) a rendition of that name, i.e. whether {@link #mediaPlaylist} answers}
   *
   * @param rendition the rendition's name
   */
  public boolean hasRendition(String rendition) {
    return tracks.containsKey(rendition);
  }

  /**
   * The live edge: the msn of the segment holding the last part produced.
   *
   * @param rendition the rendition's name
   * @return the msn, or -1 when the rendition has no part yet or is unknown
   */
  public long lastMsn(String rendition) {
    LiveTrack track = tracks.get(rendition);
    return track == null ? -1 : track.published.lastMsn();
  }

  /**
   * The live edge: the index of the last part produced in {@link #lastMsn(String)}.
   *
   * @param rendition the rendition's name
   * @return the part index, or -1 when the rendition has no part yet or is unknown
   */
  public int lastPart(String rendition) {
    LiveTrack track = tracks.get(rendition);
    return track == null ? -1 : track.published.lastPart();
  }

  /**
   * Whether {@link #endEvent()} was called.
   *
   * @return true once the event is over
   */
  public boolean ended() {
    return eventOver;
  }

  // ---------------------------------------------------------------- recording

  /**
   * Turns the recording into a video-on-demand title directory, after {@link #endEvent()}: a VOD media playlist
   * {@code <rendition>/index.m3u8} per rendition that has every segment of the event ({@code EXT-X-PLAYLIST-TYPE:VOD},
   * {@code EXT-X-ENDLIST}, {@code EXT-X-DISCONTINUITY} and a new {@code EXT-X-MAP} where a run begins, RFC 8216bis
   * sections 4.4.3.5, 4.4.3.4, 4.4.4.3, 4.4.4.5) and a {@code master.m3u8} with measured {@code BANDWIDTH} and
   * {@code AVERAGE-BANDWIDTH}. A rendition that lacks part of the event (dropped, or absent from a run) is left out:
   * its segments stay on disk, unlisted. The event's segments are its video's; an audio rendition may have one more,
   * where its last frames ran past the picture's last segment.
   *
   * @return the recording directory
   * @throws IllegalStateException when the event has not ended
   */
  public Path finishRecording() {
    synchronized (writer) {
      if (!eventOver) {
        throw new IllegalStateException("live: finishRecording() before endEvent(); end the event first");
      }
      // The event lasts as long as its picture: the sound's last frames may run into one more segment (the encoder
      // closes it when the publisher stops), which keeps the audio whole and must not make every video rendition
      // look as if it missed the end.
      boolean anyVideo = created.stream().anyMatch(t -> !t.rendition.audio());
      long segments = 0;
      for (LiveTrack track : created) {
        if (!anyVideo || !track.rendition.audio()) {
          segments = Math.max(segments, track.nextMsn);
        }
      }
      Map<LiveTrack, long[]> complete = new LinkedHashMap<>();
      for (LiveTrack track : created) {
        int size = track.all.size();
        boolean whole = !track.all.isEmpty() && track.all.get(0).msn() == 0
            && (track.rendition.audio() ? size >= segments : size == segments)
            && track.all.stream().noneMatch(LiveMediaPlaylist.Segment::gap);
        if (whole) {
          complete.put(track, writeVodPlaylist(track));
        }
      }
      LiveTrack audio = complete.keySet().stream().filter(t -> t.rendition.audio()).findFirst().orElse(null);
      StringBuilder master = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + RECORDING_VERSION
          + "\n#EXT-X-INDEPENDENT-SEGMENTS\n");
      long[] audioRates = {0, 0};
      if (audio != null) {
        audioRates = complete.get(audio);
        master.append(audioMedia(audio.name, ""));
      }
      for (Map.Entry<LiveTrack, long[]> entry : complete.entrySet()) {
        LiveRendition video = entry.getKey().rendition;
        if (!video.audio()) {
          master.append(streamInf(video, audio == null ? null : audio.rendition, entry.getValue()[0] + audioRates[0],
              entry.getValue()[1] + audioRates[1], ""));
        }
      }
      writeText(recordingDirectory.resolve(MASTER), master.toString());
      return recordingDirectory;
    }
  }

  /** Writes a rendition's VOD playlist; returns its peak and average bitrate. */
  private long[] writeVodPlaylist(LiveTrack track) {
    int target = segmentSeconds;
    double seconds = 0;
    long bytes = 0;
    for (LiveMediaPlaylist.Segment segment : track.all) {
      target = Math.max(target, (int) Math.round(segment.durationSeconds()));
      seconds += segment.durationSeconds();
      bytes += segment.bytes();
    }
    StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + RECORDING_VERSION
        + "\n#EXT-X-TARGETDURATION:" + target + "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        + "#EXT-X-INDEPENDENT-SEGMENTS\n");
    int map = -1;
    for (LiveMediaPlaylist.Segment segment : track.all) {
      if (segment.discontinuity() && segment.msn() > 0) {
        out.append("#EXT-X-DISCONTINUITY\n");
      }
      if (segment.init() != map) {
        out.append("#EXT-X-MAP:URI=\"").append(LiveTrack.initFile(segment.init())).append("\"\n");
        map = segment.init();
      }
      out.append("#EXT-X-PROGRAM-DATE-TIME:").append(LiveMediaPlaylist.dateTime(segment.programDateTime()))
          .append("\n#EXTINF:").append(LiveMediaPlaylist.decimal(segment.durationSeconds())).append(",\n")
          .append(LiveTrack.segmentFile(segment.msn())).append('\n');
    }
    out.append("#EXT-X-ENDLIST\n");
    writeText(track.directory.resolve(LiveMediaPlaylist.PLAYLIST), out.toString());
    long average = seconds > 0 ? (long) Math.ceil(bytes * 8 / seconds) : 0;
    return new long[] {Math.max(measuredPeak(track.all), average), average};
  }

  private static void writeText(Path file, String text) {
    LiveTrack.write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- builder

  /** Configures a {@link LivePlaylists}; every setter validates at once. */
  public static final class Builder {
    private Path recordingDirectory;
    private int segmentSeconds = DEFAULT_SEGMENT_SECONDS;
    private double partTargetSeconds = DEFAULT_PART_TARGET_SECONDS;
    private int windowSegments = DEFAULT_WINDOW_SEGMENTS;
    private boolean dvr;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Where every segment and init is recorded ({@code <rendition>/seg_<msn>.m4s}, {@code <rendition>/init_<n>.mp4})
     * and where {@link LivePlaylists#finishRecording()} writes the VOD playlists. Required.
     *
     * @param directory the directory, created when missing
     * @return this builder
     */
    public Builder recordingDirectory(Path directory) {
      this.recordingDirectory = Objects.requireNonNull(directory, "recordingDirectory");
      return this;
    }

    /**
     * The segment duration the transcoder aims at; {@code EXT-X-TARGETDURATION} is at least this, and more when a
     * real segment, rounded to the nearest second, is longer (RFC 8216bis section 4.4.3.1).
     *
     * @param seconds between {@value #MIN_SEGMENT_SECONDS} and {@value #MAX_SEGMENT_SECONDS}
     * @return this builder
     */
    public Builder segmentSeconds(int seconds) {
      if (seconds < MIN_SEGMENT_SECONDS || seconds > MAX_SEGMENT_SECONDS) {
        throw new IllegalArgumentException("segmentSeconds " + seconds + " is outside " + MIN_SEGMENT_SECONDS + ".."
            + MAX_SEGMENT_SECONDS);
      }
      this.segmentSeconds = seconds;
      return this;
    }

    /**
     * The part duration the transcoder aims at ({@code PART-TARGET}, RFC 8216bis section 4.4.3.7); raised to the
     * longest part seen if one is longer, since no part may exceed it.
     *
     * @param seconds at least {@value #MIN_PART_TARGET_SECONDS} and below the segment duration
     * @return this builder
     */
    public Builder partTargetSeconds(double seconds) {
      if (!(seconds >= MIN_PART_TARGET_SECONDS) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException("partTargetSeconds " + seconds + " is below " + MIN_PART_TARGET_SECONDS);
      }
      this.partTargetSeconds = seconds;
      return this;
    }

    /**
     * How many complete segments a live playlist lists (the sliding window of RFC 8216bis section 6.2.2), ignored
     * in DVR mode.
     *
     * @param segments between {@value #MIN_WINDOW_SEGMENTS} and {@value #MAX_WINDOW_SEGMENTS}
     * @return this builder
     */
    public Builder windowSegments(int segments) {
      if (segments < MIN_WINDOW_SEGMENTS || segments > MAX_WINDOW_SEGMENTS) {
        throw new IllegalArgumentException("windowSegments " + segments + " is outside " + MIN_WINDOW_SEGMENTS + ".."
            + MAX_WINDOW_SEGMENTS + "; use dvr(true) to list the whole event");
      }
      this.windowSegments = segments;
      return this;
    }

    /**
     * Whether viewers may seek back to the start: playlists are {@code EXT-X-PLAYLIST-TYPE:EVENT} (RFC 8216bis
     * section 4.4.3.5) and list every segment since the start of the event.
     *
     * @param dvr true for the whole event, false for a sliding window (the default)
     * @return this builder
     */
    public Builder dvr(boolean dvr) {
      this.dvr = dvr;
      return this;
    }

    /**
     * The wall clock for {@code EXT-X-PROGRAM-DATE-TIME}: a run's first segment is dated when its first part
     * arrives, each later segment at the previous one's date plus its duration.
     *
     * @param clock the clock, the system's UTC clock by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Creates the state of the event.
     *
     * @return the live playlists, with no run yet
     * @throws IllegalStateException when the recording directory is missing or the part target is not below the
     *     segment duration
     */
    public LivePlaylists build() {
      if (recordingDirectory == null) {
        throw new IllegalStateException("LivePlaylists: recordingDirectory is required");
      }
      if (partTargetSeconds >= segmentSeconds) {
        throw new IllegalStateException("LivePlaylists: partTargetSeconds " + partTargetSeconds
            + " must be below segmentSeconds " + segmentSeconds);
      }
      try {
        Files.createDirectories(recordingDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException("LivePlaylists: cannot create recordingDirectory " + recordingDirectory, e);
      }
      return new LivePlaylists(this);
    }
  }
}
