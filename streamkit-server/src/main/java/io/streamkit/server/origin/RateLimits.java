package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * How many requests of each kind one client may make ({@link OriginServer.Builder#rateLimits}); a request beyond a
 * limit is answered {@code 429 Too Many Requests} with {@code Retry-After}. Each limit is a token bucket (Bucket4j)
 * per client: {@code requests} at once, refilled evenly over {@code period}, so a client may burst that many and then
 * keeps that many per period. Limited, each on its own bucket:
 *
 * <ul>
 *   <li><b>management API</b> ({@code /api/titles}, {@code /api/uploads}, {@code /api/analytics}): scripted floods of
 *       database work and admin-key guessing;
 *   <li><b>viewer API</b> (the rest of {@code /api}: progress, events, continue-watching);
 *   <li><b>keys</b> ({@code /titles/<id>/keys/<key id>}), counted per playback token (one viewer's session, so viewers
 *       sharing an address each have their own allowance) before the token check: a player fetches each key once,
 *       and a token fetching keys by the hundred is being used to harvest them;
 *   <li><b>failed token checks</b>: each request the token gate refuses (403) takes one; while the bucket is empty,
 *       the client's title requests (playlists, segments, keys) are answered 429 before their token is verified, which
 *       stops token guessing and spares the verifier.
 * </ul>
 *
 * Playlists and segments are not limited otherwise: a player legitimately fetches several a second, each is checked
 * by the token gate, and an origin's cost for them is bytes, which {@link OriginServer.Builder#maxConnections} and a
 * CDN bound better than a request count. The client is the connection's peer, or the viewer behind a
 * {@link OriginServer.Builder#trustedProxies trusted proxy}; without that setting every viewer behind a proxy shares
 * the proxy's buckets. An IPv6 client is its {@code /64}, the block one subscriber is normally given (RFC 6177).
 * Buckets live in one bounded cache per limit ({@link Builder#maxClients}), so spraying addresses costs bounded
 * memory. Immutable.
 */
public final class RateLimits {

  /** Management API requests per minute (and in one burst) unless {@link Builder#managementApi} says otherwise. */
  public static final int DEFAULT_MANAGEMENT_API_PER_MINUTE = 600;
  /** Viewer API requests per minute (and in one burst) unless {@link Builder#viewerApi} says otherwise. */
  public static final int DEFAULT_VIEWER_API_PER_MINUTE = 600;
  /** Key requests per minute (and in one burst) unless {@link Builder#keys} says otherwise. */
  public static final int DEFAULT_KEYS_PER_MINUTE = 120;
  /** Failed token checks per minute (and in one burst) unless {@link Builder#failedTokenChecks} says otherwise. */
  public static final int DEFAULT_FAILED_TOKEN_CHECKS_PER_MINUTE = 20;
  /**
   * Clients with buckets kept per limit unless {@link Builder#maxClients} says otherwise: at about 500 bytes a bucket,
   * at most some 10 MB per limit, 40 MB if a flood of addresses fills all four.
   */
  public static final int DEFAULT_MAX_CLIENTS = 20_000;
  /** Most requests one limit may allow per period. */
  public static final int MAX_REQUESTS = 1_000_000;
  /** Shortest period: {@code Retry-After} counts whole seconds. */
  public static final Duration MIN_PERIOD = Duration.ofSeconds(1);
  /** Longest period; also how long an idle client's bucket may be kept. */
  public static final Duration MAX_PERIOD = Duration.ofDays(1);

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final RateLimits NONE = new RateLimits(Map.of(), DEFAULT_MAX_CLIENTS, Ticker.systemTicker());

  /** One bucket's size and how long it takes to refill from empty. */
  record Limit(int requests, Duration period) {

    /** {@return the limit as the CLI takes it, e.g. {@code 600/min}, {@code 20/10s}} */
    @Override
    public String toString() {
      long seconds = period.getSeconds();
      if (period.getNano() != 0) {
        return requests + "/" + period.toMillis() + "ms";
      }
      String unit = seconds % 3600 == 0 ? "h" : seconds % 60 == 0 ? "min" : "s";
      long count = unit.equals("h") ? seconds / 3600 : unit.equals("min") ? seconds / 60 : seconds;
      return requests + "/" + (count == 1 ? "" : Long.toString(count)) + unit;
    }
  }

  final Map<RateLimitClass, Limit> limits;
  final int maxClients;
  /** Time for the buckets and their expiry; a test moves it by hand. */
  final Ticker ticker;

  private RateLimits(Map<RateLimitClass, Limit> limits, int maxClients, Ticker ticker) {
    this.limits = limits;
    this.maxClients = maxClients;
    this.ticker = ticker;
  }

  /**
   * {@return the default limits: {@value #DEFAULT_MANAGEMENT_API_PER_MINUTE} management API and
   * {@value #DEFAULT_VIEWER_API_PER_MINUTE} viewer API requests, {@value #DEFAULT_KEYS_PER_MINUTE} key requests and
   * {@value #DEFAULT_FAILED_TOKEN_CHECKS_PER_MINUTE} failed token checks per client and minute}
   *
   * <p>Why these: the admin page polls the title list every 1.5 s (40 a minute per open page) and uploads in 8 MiB
   * chunks, one request each, so the management limit leaves room for a few pages and an upload at about 80 MB/s;
   * the player sends a progress heartbeat every 5 s and events every 10 s (about 20 a minute), so the viewer limit
   * serves some 30 players behind one address (a household or an office behind NAT); a player fetches an encrypted
   * title's key once per key, not per segment; and a viewer whose token expires mid-play fails a few segment and
   * playlist requests before the page fetches a new token, while a client guessing tokens gets one guess per 3 s.
   */
  public static RateLimits defaults() {
    return builder().build();
  }

  /** {@return no limits at all, the default of {@link OriginServer.Builder#rateLimits}} */
  public static RateLimits none() {
    return NONE;
  }

  /** {@return a builder starting from the {@link #defaults()}} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the limits for a log line, e.g. {@code management API requests 600/min, ..., failed token checks 20/min
   * per client, at most 20000 clients kept per limit}, or {@code none}}
   */
  @Override
  public String toString() {
    if (limits.isEmpty()) {
      return "none";
    }
    StringJoiner text = new StringJoiner(", ", "", " per client, at most " + maxClients + " clients kept per limit");
    limits.forEach((limitClass, limit) -> text.add(limitClass.description + " " + limit));
    return text.toString();
  }

  /** Configuration; every setter checks its value at once. Not thread-safe: configure it on one thread. */
  public static final class Builder {
    private final Map<RateLimitClass, Limit> limits = new EnumMap<>(RateLimitClass.class);
    private int maxClients = DEFAULT_MAX_CLIENTS;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {
      limits.put(RateLimitClass.MANAGEMENT_API, new Limit(DEFAULT_MANAGEMENT_API_PER_MINUTE, MINUTE));
      limits.put(RateLimitClass.VIEWER_API, new Limit(DEFAULT_VIEWER_API_PER_MINUTE, MINUTE));
      limits.put(RateLimitClass.KEYS, new Limit(DEFAULT_KEYS_PER_MINUTE, MINUTE));
      limits.put(RateLimitClass.FAILED_TOKENS, new Limit(DEFAULT_FAILED_TOKEN_CHECKS_PER_MINUTE, MINUTE));
    }

    /**
     * Requests to the management API ({@code /api/titles}, {@code /api/uploads}, {@code /api/analytics}) one client
     * may make: {@code requests} at once, refilled evenly over {@code period}.
     *
     * @param requests 1 to {@value RateLimits#MAX_REQUESTS}; default
     *     {@value RateLimits#DEFAULT_MANAGEMENT_API_PER_MINUTE}
     * @param period {@link RateLimits#MIN_PERIOD} (1 s) to {@link RateLimits#MAX_PERIOD} (1 day); default 1 min
     * @return this builder
     * @throws IllegalArgumentException if either is outside its range
     */
    public Builder managementApi(int requests, Duration period) {
      return limit(RateLimitClass.MANAGEMENT_API, requests, period);
    }

    /**
     * Requests to the viewer API (the rest of {@code /api}: progress, events, continue-watching) one client may make:
     * {@code requests} at once, refilled evenly over {@code period}.
     *
     * @param requests 1 to {@value RateLimits#MAX_REQUESTS}; default {@value RateLimits#DEFAULT_VIEWER_API_PER_MINUTE}
     * @param period {@link RateLimits#MIN_PERIOD} (1 s) to {@link RateLimits#MAX_PERIOD} (1 day); default 1 min
     * @return this builder
     * @throws IllegalArgumentException if either is outside its range
     */
    public Builder viewerApi(int requests, Duration period) {
      return limit(RateLimitClass.VIEWER_API, requests, period);
    }

    /**
     * Requests for content keys ({@code /titles/<id>/keys/<key id>}) one playback token may make, counted before the
     * token check: {@code requests} at once, refilled evenly over {@code period}.
     *
     * @param requests 1 to {@value RateLimits#MAX_REQUESTS}; default {@value RateLimits#DEFAULT_KEYS_PER_MINUTE}
     * @param period {@link RateLimits#MIN_PERIOD} (1 s) to {@link RateLimits#MAX_PERIOD} (1 day); default 1 min
     * @return this builder
     * @throws IllegalArgumentException if either is outside its range
     */
    public Builder keys(int requests, Duration period) {
      return limit(RateLimitClass.KEYS, requests, period);
    }

    /**
     * Title requests the token gate may refuse (403) for one client before its further title requests are answered
     * 429 without a token check: {@code requests} at once, refilled evenly over {@code period}.
     *
     * @param requests 1 to {@value RateLimits#MAX_REQUESTS}; default
     *     {@value RateLimits#DEFAULT_FAILED_TOKEN_CHECKS_PER_MINUTE}
     * @param period {@link RateLimits#MIN_PERIOD} (1 s) to {@link RateLimits#MAX_PERIOD} (1 day); default 1 min
     * @return this builder
     * @throws IllegalArgumentException if either is outside its range
     */
    public Builder failedTokenChecks(int requests, Duration period) {
      return limit(RateLimitClass.FAILED_TOKENS, requests, period);
    }

    /**
     * Clients whose buckets each limit keeps; beyond it, the buckets of the clients least likely to come back are
     * dropped (W-TinyLFU), as are buckets idle for their limit's period, which are full again anyway. A dropped
     * bucket starts full, so a bound too small for the clients active within one period loosens the limits, never
     * tightens them. Each kept bucket costs about 500 bytes of heap.
     *
     * @param max 1,000 to 10,000,000; default {@value RateLimits#DEFAULT_MAX_CLIENTS}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is outside that range
     */
    public Builder maxClients(int max) {
      if (max < 1_000 || max > 10_000_000) {
        throw new IllegalArgumentException("rate limit max clients must be between 1000 and 10000000, got " + max);
      }
      this.maxClients = max;
      return this;
    }

    /** The time the buckets refill and expire by: a test's hand-moved ticker. */
    Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** {@return the limits} */
    public RateLimits build() {
      return new RateLimits(Collections.unmodifiableMap(new EnumMap<>(limits)), maxClients, ticker);
    }

    private Builder limit(RateLimitClass limitClass, int requests, Duration period) {
      if (requests < 1 || requests > MAX_REQUESTS) {
        throw new IllegalArgumentException("rate limit of " + limitClass.description + " must allow between 1 and "
            + MAX_REQUESTS + " requests, got " + requests);
      }
      if (period == null || period.compareTo(MIN_PERIOD) < 0 || period.compareTo(MAX_PERIOD) > 0) {
        throw new IllegalArgumentException("rate limit period of " + limitClass.description
            + " must be between 1 s and 1 day, got " + period);
      }
      limits.put(limitClass, new Limit(requests, period));
      return this;
    }
  }
}
