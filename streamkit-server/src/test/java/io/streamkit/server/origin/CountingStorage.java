package io.streamkit.server.origin;

import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StoredObject;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real storage with every read and stat counted per key: how a test sees what reached the storage. */
final class CountingStorage implements MediaStorage {

  private final MediaStorage storage;
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> stats = new ConcurrentHashMap<>();

  CountingStorage(MediaStorage storage) {
    this.storage = storage;
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
  public void put(String key, Path file) {
    storage.put(key, file);
  }

  @Override
  public void put(String key, byte[] content) {
    storage.put(key, content);
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    stats.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return storage.stat(key);
  }

  @Override
  public InputStream read(String key) {
    reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return storage.read(key);
  }

  @Override
  public InputStream read(String key, long offset, long length) {
    reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return storage.read(key, offset, length);
  }

  @Override
  public List<StoredObject> list(String directory) {
    return storage.list(directory);
  }

  @Override
  public void delete(String key) {
    storage.delete(key);
  }

  @Override
  public int deleteAll(String directory) {
    return storage.deleteAll(directory);
  }

  @Override
  public String describe(String key) {
    return storage.describe(key);
  }

  @Override
  public void close() {
    storage.close();
  }
}
