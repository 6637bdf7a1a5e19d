package io.streamkit.core.token;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers tokens whose signature has been checked. Bounded in size and in age: an entry is dropped when it is older
 * than the ttl, and when the map reaches its size the expired and aged entries go first and, if that is not enough,
 * an arbitrary tenth of the rest (a cheap approximation of random eviction, which for a working set of concurrently
 * playing sessions does nearly as well as LRU without per-read bookkeeping).
 */
final class VerifiedTokenCache {

  private record Entry(PlaybackClaims claims, long cachedAtMillis) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final int maxSize;
  private final long ttlMillis;
  private final Clock clock;

  VerifiedTokenCache(int maxSize, Duration ttl, Clock clock) {
    this.maxSize = maxSize;
    this.ttlMillis = ttl.toMillis();
    this.clock = clock;
  }

  PlaybackClaims get(String token) {
    Entry e = entries.get(token);
    if (e == null) {
      return null;
    }
    if (clock.millis() - e.cachedAtMillis() > ttlMillis) {
      entries.remove(token, e);
      return null;
    }
    return e.claims();
  }

  void put(String token, PlaybackClaims claims) {
    if (maxSize == 0) {
      return;
    }
    if (entries.size() >= maxSize) {
      makeRoom();
    }
    entries.put(token, new Entry(claims, clock.millis()));
  }

  int size() {
    return entries.size();
  }

  private synchronized void makeRoom() {
    if (entries.size() < maxSize) {
      return;
    }
    long now = clock.millis();
    entries.values().removeIf(e -> now - e.cachedAtMillis() > ttlMillis || e.claims().expiresAt().toEpochMilli() < now);
    int excess = entries.size() - (maxSize - Math.max(1, maxSize / 10));
    Iterator<String> it = entries.keySet().iterator();
    while (excess-- > 0 && it.hasNext()) {
      it.next();
      it.remove();
    }
  }
}
