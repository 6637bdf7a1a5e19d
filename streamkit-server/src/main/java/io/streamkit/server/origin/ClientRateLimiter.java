package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The buckets behind {@link RateLimits}: per limit and client, one Bucket4j token bucket with greedy refill (the
 * {@code requests} of a limit refilled evenly over its period, so a client may burst that many and keeps that rate),
 * shared by every connection and event loop of the origin; Bucket4j's local buckets are lock-free (compare-and-swap
 * on one state), so no event loop ever waits for another.
 *
 * <p>Design. Who a client is: an IPv4 address, or the {@code /64} of an IPv6 address. RFC 6177 has a subscriber given
 * a {@code /64} or more, and a host picks addresses in it freely (RFC 8981 temporary addresses), so per-address
 * buckets would hand one IPv6 host 2^64 fresh ones. Memory: the buckets of each limit live in a Caffeine cache bounded
 * to {@link RateLimits#maxClients} entries that drops a bucket once it has been idle for its limit's period: a greedy
 * bucket idle that long is full again, so forgetting it changes no answer. Caffeine's W-TinyLFU admission keeps the
 * buckets of clients seen often when a flood of one-off addresses fills the cache, so spraying addresses neither grows
 * memory past the bound nor gives a busy client a fresh bucket. Time is one ticker, read by the buckets (as
 * Bucket4j's {@link TimeMeter}) and by the caches' expiry.
 */
final class ClientRateLimiter {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int IPV6_SUBSCRIBER_PREFIX_BYTES = 8;

  private final Map<RateLimitClass, Bandwidth> bandwidths = new EnumMap<>(RateLimitClass.class);
  /** Keyed by {@link #key(InetAddress)} of a client, or by a token for {@link RateLimitClass#KEYS}. */
  private final Map<RateLimitClass, Cache<Object, Bucket>> buckets = new EnumMap<>(RateLimitClass.class);
  private final TimeMeter time;

  ClientRateLimiter(RateLimits limits) {
    this.time = new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return limits.ticker.read();
      }

      @Override
      public boolean isWallClockBased() {
        return false;
      }
    };
    limits.limits.forEach((limitClass, limit) -> {
      bandwidths.put(limitClass, Bandwidth.builder().capacity(limit.requests())
          .refillGreedy(limit.requests(), limit.period()).build());
      buckets.put(limitClass, Caffeine.newBuilder().maximumSize(limits.maxClients)
          .expireAfterAccess(limit.period()).ticker(limits.ticker).build());
    });
  }

  /**
   * Counts one request of {@code client} against a limit.
   *
   * @param client {@code null} (not a socket peer) is not limited
   * @return 0 when the request may go on, else the whole seconds until the bucket has a request again (at least 1)
   */
  long take(RateLimitClass limitClass, InetAddress client) {
    return client == null ? 0 : takeFor(limitClass, key(client));
  }

  /**
   * Counts one request made with {@code token} against a limit: key requests are limited per playback token (one
   * viewer's session), so viewers behind one address each have their own allowance.
   *
   * @param token {@code null} or empty is not limited here (the token gate refuses it)
   * @return as {@link #take}
   */
  long takeForToken(RateLimitClass limitClass, String token) {
    return token == null || token.isEmpty() ? 0 : takeFor(limitClass, token);
  }

  private long takeFor(RateLimitClass limitClass, Object who) {
    Cache<Object, Bucket> cache = buckets.get(limitClass);
    if (cache == null) {
      return 0;
    }
    ConsumptionProbe probe = cache.get(who, k -> newBucket(limitClass)).tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? 0 : seconds(probe.getNanosToWaitForRefill());
  }

  /**
   * {@return 0 when {@code client}'s bucket of a limit is not empty, else the whole seconds until it holds one again;
   * nothing is taken}
   */
  long emptyFor(RateLimitClass limitClass, InetAddress client) {
    Cache<Object, Bucket> cache = buckets.get(limitClass);
    if (cache == null || client == null) {
      return 0;
    }
    Bucket bucket = cache.getIfPresent(key(client));
    if (bucket == null) {
      return 0;
    }
    EstimationProbe probe = bucket.estimateAbilityToConsume(1);
    return probe.canBeConsumed() ? 0 : seconds(probe.getNanosToWaitForRefill());
  }

  /** Whole seconds for {@code Retry-After} (RFC 9110 §10.2.3), rounded up so that a retry then succeeds. */
  private static long seconds(long nanos) {
    return Math.max(1, (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
  }

  private Bucket newBucket(RateLimitClass limitClass) {
    return Bucket.builder().addLimit(bandwidths.get(limitClass)).withCustomTimePrecision(time).build();
  }

  /** The client a bucket belongs to: an IPv4 address, or an IPv6 address's {@code /64}. */
  static InetAddress key(InetAddress client) {
    if (!(client instanceof Inet6Address)) {
      return client;
    }
    byte[] prefix = Arrays.copyOf(client.getAddress(), 16);
    Arrays.fill(prefix, IPV6_SUBSCRIBER_PREFIX_BYTES, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }
}
