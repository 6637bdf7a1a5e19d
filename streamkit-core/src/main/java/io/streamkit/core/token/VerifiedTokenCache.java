package io.streamkit.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;

/**
 * Remembers tokens whose signature has been checked, in a Caffeine cache: size-bounded with W-TinyLFU eviction (the
 * working set of concurrently playing sessions stays while one-off tokens go), and each entry dies at its own
 * deadline ({@link Expiry}): the token's {@code exp} plus the verifier's clock skew, or the cache ttl after the token
 * was last presented, whichever comes first. A player presents its token every few seconds, so its token stays for as
 * long as it plays: a client locked out after failed token checks lets only remembered tokens through
 * ({@link PlaybackTokenVerifier#wasVerified}), and a viewer two hours into a film must still be one of them. A cached token past its {@code exp} would be refused anyway by the per-request checks; expiring the entry
 * keeps memory for tokens that can still be used. Time comes from the verifier's clock, so tests move it.
 */
final class VerifiedTokenCache {

  private final Cache<String, PlaybackClaims> entries;
  private final int maxSize;

  VerifiedTokenCache(int maxSize, Duration ttl, Duration clockSkew, Clock clock) {
    this.maxSize = maxSize;
    long ttlNanos = ttl.toNanos();
    long skewNanos = clockSkew.toNanos();
    Ticker ticker = () -> clock.millis() * 1_000_000L;
    this.entries = Caffeine.newBuilder()
        .maximumSize(maxSize)
        .ticker(ticker)
        .executor(Runnable::run)
        .expireAfter(new Expiry<String, PlaybackClaims>() {
          @Override
          public long expireAfterCreate(String token, PlaybackClaims claims, long now) {
            long untilExpiry = claims.expiresAt().toEpochMilli() * 1_000_000L + skewNanos - now;
            return Math.max(0, Math.min(ttlNanos, untilExpiry));
          }

          @Override
          public long expireAfterUpdate(String token, PlaybackClaims claims, long now, long remaining) {
            return expireAfterCreate(token, claims, now);
          }

          @Override
          public long expireAfterRead(String token, PlaybackClaims claims, long now, long remaining) {
            return expireAfterCreate(token, claims, now);
          }
        })
        .build();
  }

  PlaybackClaims get(String token) {
    return entries.getIfPresent(token);
  }

  void put(String token, PlaybackClaims claims) {
    if (maxSize > 0) {
      entries.put(token, claims);
    }
  }

  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }
}
