package io.streamkit.server.origin;

import io.streamkit.core.storage.ForwardingStorage;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.OpenedObject;
import io.streamkit.core.storage.StoredObject;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real storage with every read and stat counted per key: how a test sees what reached the storage. Reads of chosen
 * keys can also be held back, as a slow storage holds them, until the test lets them go.
 */
final class CountingStorage extends ForwardingStorage {

  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> stats = new ConcurrentHashMap<>();
  private volatile String heldSuffix;
  private volatile CountDownLatch release = new CountDownLatch(0);

  CountingStorage(MediaStorage storage) {
    super(storage);
  }

  /** Holds every read of a key ending with {@code suffix} until the returned latch is counted down (at most 30 s). */
  CountDownLatch holdReads(String suffix) {
    release = new CountDownLatch(1);
    heldSuffix = suffix;
    return release;
  }

  private void maybeHold(String key) {
    String suffix = heldSuffix;
    if (suffix != null && key.endsWith(suffix)) {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads of objects whose key starts with {@code prefix} and ends with {@code suffix}. */
  int reads(String prefix, String suffix) {
    return count(reads, prefix, suffix);
  }

  /** Stats of objects whose key starts with {@code prefix} and ends with {@code suffix}. */
  int stats(String prefix, String suffix) {
    return count(stats, prefix, suffix);
  }

  /** Reads of every object whose key starts with {@code prefix}. */
  int reads(String prefix) {
    return count(reads, prefix, "");
  }

  private static int count(Map<String, AtomicInteger> counts, String prefix, String suffix) {
    return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(suffix))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    stats.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return storage.stat(key);
  }

  @Override
  public OpenedObject open(String key) {
    reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    maybeHold(key);
    return storage.open(key);
  }

  @Override
  public InputStream read(String key, long offset, long length) {
    reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return storage.read(key, offset, length);
  }
}
