package io.streamkit.server.origin;

import io.streamkit.core.event.EventStore;
import io.streamkit.core.event.PlaybackClient;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.title.UnknownTitleException;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the origin's CMCD reports as {@code cmcd} playback events through the {@link EventStore}, the one write path
 * of playback events, which the analytics fold reads: the event loops only put a report in a bounded queue, and one
 * writer thread appends what has queued every {@link #FLUSH_INTERVAL}, in batches of at most {@link #BATCH_SIZE} (one
 * transaction each). When the database falls behind, reports beyond {@link #MAX_PENDING} are dropped, as are those of
 * a batch the database refuses: counted in {@code streamkit.origin.cmcd}, never a wait on an event loop.
 */
final class CmcdRecorder implements AutoCloseable {

  static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
  /** Reports waiting for the writer at most; more are dropped. */
  static final int MAX_PENDING = 50_000;
  /** Events per append (and transaction). */
  static final int BATCH_SIZE = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(CmcdRecorder.class);

  /** One report as the writer needs it; the User-Agent is classified there, off the event loop. */
  private record Pending(PlaybackClaims claims, CmcdReport report, String userAgent, long atMillis) {}

  private final EventStore events;
  private final OriginMetrics metrics;
  private final BlockingQueue<Pending> pending = new ArrayBlockingQueue<>(MAX_PENDING);
  private final ScheduledExecutorService writer;

  CmcdRecorder(EventStore events, OriginMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
    this.writer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "streamkit-cmcd");
      thread.setDaemon(true);
      return thread;
    });
    writer.scheduleWithFixedDelay(this::flush, FLUSH_INTERVAL.toMillis(), FLUSH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Queues one request's report; called on an event loop, so it never waits. The request's User-Agent (or
   * {@code null}) gives the event its kind of client, as the events endpoint does for the player's own reports, so the
   * device breakdown counts CMCD viewers under their device rather than as unknown.
   */
  void record(PlaybackClaims claims, CmcdReport report, String userAgent, long atMillis) {
    if (!pending.offer(new Pending(claims, report, userAgent, atMillis))) {
      metrics.cmcd(OriginMetrics.CMCD_DROPPED);
    }
  }

  /** Appends everything queued so far. */
  private void flush() {
    List<Pending> drained = new ArrayList<>(BATCH_SIZE);
    while (pending.drainTo(drained, BATCH_SIZE) > 0) {
      List<PlaybackEvent> batch = new ArrayList<>(drained.size());
      for (Pending report : drained) {
        PlaybackEvent event = event(report);
        if (event == null) {
          metrics.cmcd(OriginMetrics.CMCD_MALFORMED);
        } else {
          batch.add(event);
        }
      }
      drained.clear();
      append(batch);
    }
  }

  private void append(List<PlaybackEvent> batch) {
    try {
      try {
        events.appendBatch(batch);
      } catch (UnknownTitleException e) {
        // A title deleted since its segment was served: its reports go, the rest are stored.
        int before = batch.size();
        batch.removeIf(event -> e.titleIds().contains(event.titleId()));
        metrics.cmcd(OriginMetrics.CMCD_DROPPED, before - batch.size());
        events.appendBatch(batch);
      }
      metrics.cmcd(OriginMetrics.CMCD_RECORDED, batch.size());
    } catch (RuntimeException e) {
      metrics.cmcd(OriginMetrics.CMCD_DROPPED, batch.size());
      LOG.warn("dropped {} CMCD reports the event store did not take: {}", batch.size(),
          LogText.escape(String.valueOf(e.getMessage())));
    }
  }

  /** The event of one report, or {@code null} when its session id is not one the event store takes. */
  private static PlaybackEvent event(Pending pending) {
    CmcdReport report = pending.report();
    Map<String, String> attributes = new HashMap<>();
    put(attributes, "bl", report.bufferMs);
    put(attributes, "mtp", report.throughputKbps);
    put(attributes, "br", report.bitrateKbps);
    put(attributes, "d", report.durationMs);
    if (report.starved) {
      attributes.put("bs", "true");
    }
    if (report.objectType != null) {
      attributes.put("ot", report.objectType);
    }
    PlaybackClaims claims = pending.claims();
    try {
      return new PlaybackEvent(PlaybackEventType.CMCD, claims.viewer(), UUID.fromString(claims.titleId()),
          report.sessionId != null ? report.sessionId : claims.sessionId(), Duration.ZERO, attributes,
          Instant.ofEpochMilli(pending.atMillis()), PlaybackClient.fromUserAgent(pending.userAgent()));
    } catch (IllegalArgumentException e) {
      // InvalidValueException among them: a session id or viewer the event store does not take.
      return null;
    }
  }

  private static void put(Map<String, String> attributes, String key, long value) {
    if (value != CmcdReport.ABSENT) {
      attributes.put(key, Long.toString(value));
    }
  }

  /** Stops the writer and stores what is still queued. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
