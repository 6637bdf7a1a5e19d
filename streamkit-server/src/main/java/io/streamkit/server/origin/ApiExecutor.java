package io.streamkit.server.origin;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that do the origin's blocking work — database calls, file moves and deletes, upload bodies — so that
 * no event loop ever waits for them (a loop that waits stalls every segment on its connections). Admission is
 * counted per exchange rather than per task: beyond {@link #MAX_EXCHANGES} waiting or running exchanges a new one is
 * refused (503, retry later), while the steps of an admitted exchange always run, so none is left half answered.
 */
final class ApiExecutor implements AutoCloseable {

  static final int DEFAULT_THREADS = 8;
  static final int MAX_EXCHANGES = 10_000;
  private static final long SHUTDOWN_WAIT_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(ApiExecutor.class);

  private final ThreadPoolExecutor pool;
  private final AtomicInteger exchanges = new AtomicInteger();

  ApiExecutor(int threads) {
    AtomicInteger count = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "streamkit-api-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  Executor executor() {
    return pool;
  }

  /** Takes one more exchange, or {@code false} when {@link #MAX_EXCHANGES} are already in progress. */
  boolean admit() {
    if (exchanges.incrementAndGet() > MAX_EXCHANGES) {
      exchanges.decrementAndGet();
      return false;
    }
    return true;
  }

  /** One admitted exchange has ended. */
  void release() {
    exchanges.decrementAndGet();
  }

  /** Lets the work already taken finish (up to ten seconds), then stops the threads. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("API work still running after {} s; stopping anyway", SHUTDOWN_WAIT_SECONDS);
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }
}
