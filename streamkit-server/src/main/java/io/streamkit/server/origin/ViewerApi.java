package io.streamkit.server.origin;

import io.streamkit.core.analytics.PlaybackAnalytics;
import io.streamkit.core.progress.ProgressWriter;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the viewer and analytics endpoints share, for the life of an origin.
 *
 * <p>Heartbeats ({@code PUT /api/progress/...}) go into a {@link ProgressWriter} in front of the store's progress
 * table, so a few hundred viewers cost a few multi-row writes a second instead of a statement per heartbeat. Reads,
 * event batches and analytics are blocking JDBC calls; they run on a small fixed pool, never on the event loop, and a
 * full queue is answered 503 so players retry instead of piling up. {@link #close()} stops the pool, then flushes and
 * closes the writer, so an orderly shutdown loses no heartbeat that was answered 202.
 */
public final class ViewerApi implements AutoCloseable {

  /** The most events {@code POST /api/events} takes at once. */
  public static final int MAX_EVENTS_PER_BATCH = 500;
  /** Enough for {@link #MAX_EVENTS_PER_BATCH} events with their attributes. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  static final int WORKER_THREADS = 8;
  static final int MAX_QUEUED_CALLS = 10_000;
  private static final long SHUTDOWN_WAIT_SECONDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(ViewerApi.class);

  final StreamkitStore store;
  final PlaybackTokenVerifier verifier;
  final AdminKey adminKey;
  final TitleVisibility visibility;
  final ProgressWriter progressWriter;
  final PlaybackAnalytics analytics;
  final ExecutorService workers;

  /**
   * Starts the progress writer and the worker pool.
   *
   * @param store the catalog, progress and events; the caller closes it after this
   * @param verifier checks playback tokens; {@code null} refuses every viewer call (there is no viewer without one)
   * @param adminKey the admin key for the analytics endpoints; {@code null} refuses them
   */
  public ViewerApi(StreamkitStore store, PlaybackTokenVerifier verifier, String adminKey) {
    this.store = Objects.requireNonNull(store, "store");
    this.verifier = verifier;
    this.adminKey = new AdminKey(adminKey);
    this.visibility = new TitleVisibility(store.catalog());
    this.progressWriter = ProgressWriter.builder(store.progress()).build();
    this.analytics = PlaybackAnalytics.of(store);
    this.workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED_CALLS), new NamedThreads());
  }

  /** A handler for one connection's pipeline. */
  public ApiRequestHandler newHandler() {
    return new ViewerApiHandler(this);
  }

  /** The writer behind {@code PUT /api/progress}; its {@link ProgressWriter#flush()} stores every heartbeat taken. */
  public ProgressWriter progressWriter() {
    return progressWriter;
  }

  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("viewer API calls still running after {} s; closing the progress writer anyway",
            SHUTDOWN_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      progressWriter.flush();
    } finally {
      progressWriter.close();
    }
    LOG.info("viewer API stopped; progress writer {}", progressWriter.stats());
  }

  private static final class NamedThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "streamkit-viewer-api-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
