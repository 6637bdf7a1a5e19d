package io.streamkit.core.progress;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireRange;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.title.UnknownTitleException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-behind for player heartbeats: takes readings at memory speed and writes them to a {@link ProgressStore} in
 * multi-row batches.
 *
 * <p>Design. Heartbeats arrive every few seconds per viewer, and only the newest reading per viewer and title matters.
 * Readings wait in a map keyed by viewer and title, so a newer reading replaces a waiting older one (coalescing: a
 * viewer who sends ten heartbeats between two writes costs one row). One background thread, started by
 * {@link Builder#build()}, swaps the map for an empty one every {@code flushInterval}, or as soon as
 * {@code batchSize} readings wait, and writes the swapped-out readings with {@link ProgressStore#upsertAll} in chunks
 * of {@code batchSize}; producers keep filling the new map meanwhile (double buffering). The store's
 * client-timestamp rule still decides against readings already stored, so coalescing here never reorders time.
 *
 * <p>Back-pressure. At most {@code maxPending} distinct viewer-title pairs wait. A reading for a pair that already
 * waits always fits. Otherwise {@link #submit} blocks up to {@code offerTimeout} for room and then throws
 * {@link ProgressWriterFullException}; the reading is not taken and the caller decides (an HTTP origin answers 503 so
 * the player retries with its next heartbeat).
 *
 * <p>Failures. If a write fails, the readings go back into the map (unless a newer reading for the pair arrived
 * meanwhile) and are retried after the next interval; readings for a title deleted from the catalog are dropped
 * with a warning. {@link #flush()} and {@link #close()} write on the calling thread and throw if the database
 * refuses. {@link #close()} writes everything taken before it, so an orderly shutdown loses nothing.
 *
 * <p>Thread-safe: any number of threads may submit at once. The background thread is a daemon named
 * {@code streamkit-progress-writer}; close the writer to stop it.
 */
public final class ProgressWriter implements AutoCloseable {

  /** Longest wait of a reading before it is written: 500 ms. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(500);
  /** The shortest flush interval accepted. */
  public static final Duration MIN_FLUSH_INTERVAL = Duration.ofMillis(1);
  /** The longest flush interval accepted. */
  public static final Duration MAX_FLUSH_INTERVAL = Duration.ofMinutes(1);
  /** Readings per write, and the number of waiting readings that triggers a write early: 1000. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;
  /**
   * The largest batch size accepted. Each batch is written in one transaction, which holds the locks of its rows
   * until it commits; the limit keeps a write short for concurrent writers of the same rows.
   */
  public static final int MAX_BATCH_SIZE = 5_000;
  /** Distinct viewer-title pairs that may wait before {@link #submit} applies back-pressure: 100 000. */
  public static final int DEFAULT_MAX_PENDING = 100_000;
  /** The largest {@code maxPending} accepted; a waiting reading takes a few hundred bytes of heap. */
  public static final int MAX_MAX_PENDING = 10_000_000;
  /** How long {@link #submit} waits for room before it throws {@link ProgressWriterFullException}: 1 s. */
  public static final Duration DEFAULT_OFFER_TIMEOUT = Duration.ofSeconds(1);
  /** The longest offer timeout accepted. */
  public static final Duration MAX_OFFER_TIMEOUT = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(ProgressWriter.class);

  private final ProgressStore store;
  private final Duration flushInterval;
  private final int batchSize;
  private final int maxPending;
  private final Duration offerTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition batchReady = lock.newCondition();
  /** Guarded by {@link #lock}. */
  private Map<Key, WatchProgress> pending = new LinkedHashMap<>();
  /** Guarded by {@link #lock}. */
  private boolean closed;
  /** Held while readings are on their way to the store, so {@link #flush()} waits for a write in flight. */
  private final ReentrantLock writing = new ReentrantLock();
  private final Thread flusher;

  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong coalesced = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();

  private ProgressWriter(Builder builder) {
    this.store = builder.store;
    this.flushInterval = builder.flushInterval;
    this.batchSize = builder.batchSize;
    this.maxPending = builder.maxPending;
    this.offerTimeout = builder.offerTimeout;
    this.flusher = new Thread(this::runFlusher, "streamkit-progress-writer");
    flusher.setDaemon(true);
    flusher.start();
  }

  /**
   * {@return settings for a writer in front of {@code store}, with the defaults above} Nothing runs until
   * {@link Builder#build()}.
   *
   * @param store where readings are written; the writer never closes it
   * @throws InvalidValueException if {@code store} is {@code null}
   */
  public static Builder builder(ProgressStore store) {
    return new Builder(store);
  }

  /**
   * Takes a reading; it reaches the store within about one flush interval. A newer reading for the same viewer and
   * title that is already waiting is kept instead (the older one is counted as coalesced). Blocks only when
   * {@code maxPending} pairs wait, for at most the offer timeout.
   *
   * @param reading the reading, usually from {@link WatchProgress#ofSeconds}
   * @throws InvalidValueException if {@code reading} is {@code null}
   * @throws ProgressWriterFullException if no room freed up within the offer timeout
   * @throws IllegalStateException after {@link #close()}
   */
  public void submit(WatchProgress reading) {
    requireNonNull("reading", reading);
    Key key = new Key(reading.viewerId(), reading.titleId());
    long deadline = System.nanoTime() + offerTimeout.toNanos();
    lock.lock();
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("progress writer is closed; build a new one to keep writing progress");
        }
        WatchProgress waiting = pending.get(key);
        if (waiting != null) {
          if (!reading.clientTimestamp().isBefore(waiting.clientTimestamp())) {
            pending.put(key, reading);
          }
          submitted.incrementAndGet();
          coalesced.incrementAndGet();
          return;
        }
        if (pending.size() < maxPending) {
          pending.put(key, reading);
          submitted.incrementAndGet();
          if (pending.size() >= batchSize) {
            batchReady.signal();
          }
          return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          rejected.incrementAndGet();
          throw new ProgressWriterFullException(maxPending, offerTimeout);
        }
        try {
          notFull.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          rejected.incrementAndGet();
          throw new ProgressWriterFullException(maxPending, offerTimeout);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes every reading taken so far, on the calling thread, and returns once they are stored.
   *
   * @throws RuntimeException from the store if it refuses; the readings stay queued for the next attempt
   */
  public void flush() {
    writePending();
  }

  /**
   * Stops taking readings, stops the background thread and writes what is waiting. Calling it again does nothing.
   *
   * @throws RuntimeException from the store if the final write fails; {@link #stats()} then shows what is pending
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      batchReady.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (flusher.isAlive()) {
      try {
        flusher.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      writePending();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@return counters since the writer was built, and the readings waiting now} */
  public Stats stats() {
    int waiting;
    lock.lock();
    try {
      waiting = pending.size();
    } finally {
      lock.unlock();
    }
    return new Stats(submitted.get(), coalesced.get(), written.get(), rejected.get(), dropped.get(),
        failedWrites.get(), waiting);
  }

  /**
   * What a writer did so far.
   *
   * @param submitted readings taken by {@link #submit}
   * @param coalesced readings that replaced (or lost to) a reading waiting for the same viewer and title
   * @param written readings handed to the store in successful writes
   * @param rejected readings refused with {@link ProgressWriterFullException}
   * @param dropped readings dropped because their title is no longer in the catalog
   * @param failedWrites writes the store refused (their readings were queued again)
   * @param pending readings waiting now
   */
  public record Stats(long submitted, long coalesced, long written, long rejected, long dropped, long failedWrites,
      int pending) {
  }

  private void runFlusher() {
    boolean backOff = false;
    while (true) {
      lock.lock();
      try {
        long waitNanos = flushInterval.toNanos();
        while (!closed && waitNanos > 0 && (backOff || pending.size() < batchSize)) {
          waitNanos = batchReady.awaitNanos(waitNanos);
        }
        if (closed) {
          return;
        }
      } catch (InterruptedException e) {
        LOG.warn("progress writer thread interrupted; readings will be written by close()");
        return;
      } finally {
        lock.unlock();
      }
      try {
        writePending();
        backOff = false;
      } catch (RuntimeException e) {
        backOff = true;
        LOG.warn("progress writer could not write to the store, retrying in {} ms: {}", flushInterval.toMillis(),
            e.toString());
      }
    }
  }

  private void writePending() {
    writing.lock();
    try {
      List<WatchProgress> batch;
      lock.lock();
      try {
        if (pending.isEmpty()) {
          return;
        }
        batch = new ArrayList<>(pending.values());
        pending = new LinkedHashMap<>();
        notFull.signalAll();
      } finally {
        lock.unlock();
      }
      int from = 0;
      while (from < batch.size()) {
        List<WatchProgress> chunk = batch.subList(from, Math.min(from + batchSize, batch.size()));
        try {
          store.upsertAll(chunk);
          written.addAndGet(chunk.size());
          from += chunk.size();
        } catch (UnknownTitleException e) {
          List<WatchProgress> known = dropUnknownTitles(chunk, e);
          if (known.size() == chunk.size()) {
            failedWrites.incrementAndGet();
            requeue(batch.subList(from, batch.size()));
            throw e;
          }
          batch = new ArrayList<>(batch);
          batch.subList(from, from + chunk.size()).clear();
          batch.addAll(from, known);
        } catch (RuntimeException e) {
          failedWrites.incrementAndGet();
          requeue(batch.subList(from, batch.size()));
          throw e;
        }
      }
    } finally {
      writing.unlock();
    }
  }

  private List<WatchProgress> dropUnknownTitles(List<WatchProgress> chunk, UnknownTitleException e) {
    List<WatchProgress> known = new ArrayList<>(chunk.size());
    for (WatchProgress reading : chunk) {
      if (e.titleIds().contains(reading.titleId())) {
        dropped.incrementAndGet();
      } else {
        known.add(reading);
      }
    }
    LOG.warn("progress writer dropped {} readings for titles no longer in the catalog: {}",
        chunk.size() - known.size(), e.titleIds());
    return known;
  }

  private void requeue(List<WatchProgress> unwritten) {
    lock.lock();
    try {
      for (WatchProgress reading : unwritten) {
        // A reading taken while this one was being written is newer or equal in arrival; keep the newer timestamp.
        pending.merge(new Key(reading.viewerId(), reading.titleId()), reading,
            (waiting, failed) -> failed.clientTimestamp().isAfter(waiting.clientTimestamp()) ? failed : waiting);
      }
    } finally {
      lock.unlock();
    }
  }

  private record Key(String viewerId, UUID titleId) {
  }

  /** Settings of a {@link ProgressWriter}; every setter checks its limit at once. */
  public static final class Builder {
    private final ProgressStore store;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxPending = DEFAULT_MAX_PENDING;
    private Duration offerTimeout = DEFAULT_OFFER_TIMEOUT;

    private Builder(ProgressStore store) {
      this.store = requireNonNull("store", store);
    }

    /**
     * Sets the longest time a reading waits before it is written; {@link #DEFAULT_FLUSH_INTERVAL} by default.
     *
     * @param flushInterval {@link #MIN_FLUSH_INTERVAL} to {@link #MAX_FLUSH_INTERVAL}; also the pause before a
     *     failed write is retried
     * @return this builder
     * @throws InvalidValueException if the interval is {@code null} or out of range
     */
    public Builder flushInterval(Duration flushInterval) {
      this.flushInterval = requireRange("flushInterval", flushInterval, MIN_FLUSH_INTERVAL, MAX_FLUSH_INTERVAL);
      return this;
    }

    /**
     * Sets the readings per write, which is also how many waiting readings trigger a write before the interval
     * ends; {@link #DEFAULT_BATCH_SIZE} by default.
     *
     * @param batchSize 1 to {@link #MAX_BATCH_SIZE}, and at most {@code maxPending} (checked by {@link #build()})
     * @return this builder
     * @throws InvalidValueException if the size is out of range
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = (int) requireRange("batchSize", batchSize, 1, MAX_BATCH_SIZE);
      return this;
    }

    /**
     * Sets how many distinct viewer-title pairs may wait before {@link #submit} applies back-pressure;
     * {@link #DEFAULT_MAX_PENDING} by default.
     *
     * @param maxPending 1 to {@link #MAX_MAX_PENDING}, and at least the batch size (checked by {@link #build()})
     * @return this builder
     * @throws InvalidValueException if the limit is out of range
     */
    public Builder maxPending(int maxPending) {
      this.maxPending = (int) requireRange("maxPending", maxPending, 1, MAX_MAX_PENDING);
      return this;
    }

    /**
     * Sets how long {@link #submit} waits for room before it throws {@link ProgressWriterFullException};
     * {@link #DEFAULT_OFFER_TIMEOUT} by default.
     *
     * @param offerTimeout 0 (throw at once when full) to {@link #MAX_OFFER_TIMEOUT}
     * @return this builder
     * @throws InvalidValueException if the timeout is {@code null} or out of range
     */
    public Builder offerTimeout(Duration offerTimeout) {
      this.offerTimeout = requireRange("offerTimeout", offerTimeout, Duration.ZERO, MAX_OFFER_TIMEOUT);
      return this;
    }

    /**
     * {@return a writer with these settings, its background thread started} Close the writer to stop it.
     *
     * @throws InvalidValueException if the batch size exceeds {@code maxPending}, since batches could never fill
     */
    public ProgressWriter build() {
      if (batchSize > maxPending) {
        throw new InvalidValueException("batchSize", batchSize,
            "must not exceed maxPending (" + maxPending + "), or batches could never fill");
      }
      return new ProgressWriter(this);
    }
  }
}
