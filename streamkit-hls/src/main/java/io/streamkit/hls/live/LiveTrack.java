package io.streamkit.hls.live;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One rendition of a live event: the writer's mutable state (touched only under {@link LivePlaylists}' writer lock),
 * and what readers see without a lock — the published {@link LiveMediaPlaylist} snapshot, part bytes, the sets of
 * recorded segments and inits, and the waiting blocking reloads.
 *
 * <p>A waiter is added first and the snapshot checked after, while the writer publishes first and wakes waiters
 * after, so no waiter misses the change that satisfies it.
 */
final class LiveTrack {

  record PartKey(long msn, int index) {}

  private record Waiter(long msn, int part, CompletableFuture<Void> future) {}

  final String name;
  final Path directory;
  volatile LiveRendition rendition;
  volatile LiveMediaPlaylist published;
  /** Whether the current run stopped producing this rendition (dropped, or absent from the run). */
  volatile boolean idle;

  private final Map<PartKey, byte[]> partBytes = new ConcurrentHashMap<>();
  private final Set<Long> recorded = ConcurrentHashMap.newKeySet();
  private final Set<Integer> inits = ConcurrentHashMap.newKeySet();
  private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  // Writer state.
  final List<LiveMediaPlaylist.Segment> all = new ArrayList<>();
  private List<LiveMediaPlaylist.Segment> window = List.of();
  private final List<LiveMediaPlaylist.Part> openParts = new ArrayList<>();
  long nextMsn;
  private Instant openDateTime;
  private boolean openDiscontinuity;
  private int openInit = -1;
  private long openBytes;
  private OutputStream openFile;
  int initRun = -1;
  private final long discontinuityBase;
  private long discontinuitySequence;
  private int targetDuration;
  private double partTarget;
  private Instant nextDateTime;

  /**
   * A rendition first produced in a later run starts its playlist at that run's first msn, counting the
   * discontinuities before it ({@code discontinuityBase}) so its discontinuity sequence matches the others'.
   */
  LiveTrack(String name, Path directory, long firstMsn, long discontinuityBase, int segmentSeconds,
      double partTarget) {
    this.name = name;
    this.discontinuityBase = discontinuityBase;
    this.discontinuitySequence = discontinuityBase;
    this.directory = directory;
    this.nextMsn = firstMsn;
    this.targetDuration = segmentSeconds;
    this.partTarget = partTarget;
  }

  // ---- reader side: never blocks

  boolean has(long msn, int part) {
    LiveMediaPlaylist playlist = published;
    if (playlist == null) {
      return false;
    }
    if (part < 0) {
      return playlist.lastCompleteMsn() >= msn;
    }
    long lastMsn = playlist.lastMsn();
    return lastMsn > msn || (lastMsn == msn && playlist.lastPart() >= part);
  }

  CompletableFuture<Void> whenAvailable(long msn, int part, boolean over) {
    if (over || idle || has(msn, part)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> future = new CompletableFuture<>();
    Waiter waiter = new Waiter(msn, part, future);
    waiters.add(waiter);
    // A caller's timeout completes the future: forget it then, so abandoned waits do not pile up.
    future.whenComplete((ignored, error) -> waiters.remove(waiter));
    if (idle || has(msn, part)) {
      future.complete(null);
    }
    return future;
  }

  byte[] part(long msn, int index) {
    return partBytes.get(new PartKey(msn, index));
  }

  Path segment(long msn) {
    return recorded.contains(msn) ? directory.resolve(segmentFile(msn)) : null;
  }

  Path init(int run) {
    return inits.contains(run) ? directory.resolve(initFile(run)) : null;
  }

  static String segmentFile(long msn) {
    return "seg_" + msn + ".m4s";
  }

  static String initFile(int run) {
    return "init_" + run + ".mp4";
  }

  /** Completes the waits the published playlist satisfies, or all of them when nothing more will come. */
  void wake(boolean all) {
    for (Waiter waiter : waiters) {
      if (all || idle || has(waiter.msn(), waiter.part())) {
        waiters.remove(waiter);
        waiter.future().complete(null);
      }
    }
  }

  // ---- writer side: called under the writer lock

  void writeInit(int run, byte[] bytes) {
    write(directory.resolve(initFile(run)), bytes);
    inits.add(run);
    initRun = run;
  }

  /** A run that produces this rendition begins; {@code discontinuity} when earlier runs came before it. */
  void startRun(boolean discontinuity) {
    openDiscontinuity = discontinuity;
    nextDateTime = null;
    idle = false;
  }

  void addPart(byte[] chunk, double duration, boolean independent, Instant now) {
    if (openParts.isEmpty()) {
      openDateTime = nextDateTime != null ? nextDateTime : now;
      openInit = initRun;
      openBytes = 0;
      try {
        openFile = Files.newOutputStream(temporary(nextMsn));
      } catch (IOException e) {
        throw new UncheckedIOException("live recording: cannot create " + temporary(nextMsn), e);
      }
    }
    try {
      openFile.write(chunk);
    } catch (IOException e) {
      throw new UncheckedIOException("live recording: cannot append to " + temporary(nextMsn), e);
    }
    partBytes.put(new PartKey(nextMsn, openParts.size()), chunk);
    openParts.add(new LiveMediaPlaylist.Part(duration, independent));
    openBytes += chunk.length;
    partTarget = Math.max(partTarget, duration);
  }

  boolean hasOpenParts() {
    return !openParts.isEmpty();
  }

  /** Closes the open segment, if it has parts: the recording file is complete and the segment is listed. */
  void closeSegment() {
    if (openParts.isEmpty()) {
      return;
    }
    try {
      openFile.close();
      Files.move(temporary(nextMsn), directory.resolve(segmentFile(nextMsn)), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("live recording: cannot complete " + directory.resolve(segmentFile(nextMsn)), e);
    }
    openFile = null;
    double duration = openParts.stream().mapToDouble(LiveMediaPlaylist.Part::durationSeconds).sum();
    append(new LiveMediaPlaylist.Segment(nextMsn, duration, openDateTime, openDiscontinuity, openInit,
        List.copyOf(openParts), openBytes, false));
    recorded.add(nextMsn - 1);
    nextDateTime = openDateTime.plusNanos(Math.round(duration * 1e9));
    openParts.clear();
    openDiscontinuity = false;
  }

  /** Lists a segment this rendition lacks, so that msns stay aligned with the other renditions. */
  void addGap(double duration) {
    Instant dateTime = nextDateTime != null ? nextDateTime : Instant.EPOCH;
    append(new LiveMediaPlaylist.Segment(nextMsn, duration, dateTime, false, initRun, List.of(), 0, true));
    nextDateTime = dateTime.plusNanos(Math.round(duration * 1e9));
  }

  private void append(LiveMediaPlaylist.Segment segment) {
    all.add(segment);
    targetDuration = Math.max(targetDuration, (int) Math.round(segment.durationSeconds()));
    nextMsn++;
  }

  /**
   * Publishes the playlist: the whole event in DVR mode, otherwise the last {@code windowSegments} segments but
   * never less than three target durations (RFC 8216bis section 6.2.2); part bytes stay in memory a target duration
   * longer than their parts are listed, for players holding an older playlist.
   */
  void publish(int windowSegments, boolean dvr, boolean ended, boolean hint) {
    int first = 0;
    if (!dvr) {
      first = Math.max(0, all.size() - windowSegments);
      double kept = 0;
      for (int i = all.size() - 1; i >= first; i--) {
        kept += all.get(i).durationSeconds();
      }
      while (first > 0 && kept < LiveMediaPlaylist.HOLD_BACK_TARGET_DURATIONS * targetDuration) {
        first--;
        kept += all.get(first).durationSeconds();
      }
    }
    if (!all.isEmpty() && (window.isEmpty() || window.get(0).msn() != all.get(first).msn()
        || window.size() != all.size() - first)) {
      window = List.copyOf(all.subList(first, all.size()));
      discontinuitySequence = discontinuityBase + all.subList(0, first).stream().filter(LiveMediaPlaylist.Segment::discontinuity)
          .count();
    }
    LiveMediaPlaylist.Segment open = new LiveMediaPlaylist.Segment(nextMsn, 0, openDateTime, openDiscontinuity,
        openInit, List.copyOf(openParts), openBytes, false);
    published = new LiveMediaPlaylist(window, open, discontinuitySequence, targetDuration, partTarget, dvr, ended,
        hint && !idle);
    evictParts();
  }

  private void evictParts() {
    double keep = (LiveMediaPlaylist.PART_TARGET_DURATIONS + 1) * targetDuration;
    double age = openParts.stream().mapToDouble(LiveMediaPlaylist.Part::durationSeconds).sum();
    for (int i = all.size() - 1; i >= 0; i--) {
      LiveMediaPlaylist.Segment segment = all.get(i);
      if (age > keep && !segment.parts().isEmpty()) {
        if (!partBytes.containsKey(new PartKey(segment.msn(), 0))) {
          return;
        }
        for (int p = 0; p < segment.parts().size(); p++) {
          partBytes.remove(new PartKey(segment.msn(), p));
        }
      }
      age += segment.durationSeconds();
    }
  }

  private Path temporary(long msn) {
    return directory.resolve(segmentFile(msn) + ".partial");
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("live recording: cannot write " + file, e);
    }
  }
}
