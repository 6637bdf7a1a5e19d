package io.streamkit.server.origin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The origin's meters. Counters are looked up once per (route, status) and kept, because a registry lookup per
 * request builds tag lists and hashes them, which shows at a hundred thousand requests a second.
 */
final class OriginMetrics {

  static final String REQUESTS = "streamkit.origin.requests";
  static final String BYTES_SENT = "streamkit.origin.sent";
  static final String REJECTIONS = "streamkit.origin.rejections";
  static final String OPEN_CONNECTIONS = "streamkit.origin.connections.open";
  static final String STORAGE_FETCHES = "streamkit.origin.storage.fetches";
  static final String STORAGE_FETCHED = "streamkit.origin.storage.fetched";
  static final String CACHE_SIZE = "streamkit.origin.cache.size";
  static final String CACHE_EVICTIONS = "streamkit.origin.cache.evictions";
  static final String CMCD = "streamkit.origin.cmcd";

  /** Outcomes of a request's Common Media Client Data ({@link CmcdHandler}). */
  static final String CMCD_RECORDED = "recorded";
  static final String CMCD_MALFORMED = "malformed";
  static final String CMCD_DROPPED = "dropped";

  /** Outcomes of a fetch from storage into the disk cache. */
  static final String FETCH_OK = "ok";
  static final String FETCH_MISSING = "missing";
  static final String FETCH_FAILED = "failed";

  static final String TOO_MANY_CONNECTIONS = "too_many_connections";
  static final String REQUEST_HEAD_TIMEOUT = "request_head_timeout";
  static final String WRITE_STALLED = "write_stalled";
  static final String BAD_REQUEST = "bad_request";
  static final String BAD_PATH = "bad_path";
  static final String BAD_QUERY = "bad_query";
  static final String BAD_FRAMING = "bad_framing";
  /** A handler failed; the request was answered 500 or its connection closed. */
  static final String INTERNAL_ERROR = "internal_error";
  static final String URI_TOO_LONG = "uri_too_long";
  static final String HEADERS_TOO_LARGE = "headers_too_large";
  static final String METHOD_NOT_ALLOWED = "method_not_allowed";
  static final String ADMIN_KEY = "admin_key";
  static final String VARIANT_NOT_ALLOWED = "variant_not_allowed";
  static final String TITLE_NOT_PUBLISHED = "title_not_published";
  /** A viewer token for a published title outside its availability window. */
  static final String TITLE_NOT_AVAILABLE = "title_not_available";
  /** A token whose {@code max_rating} is below the title's rating, or for an unrated title. */
  static final String TITLE_ABOVE_MATURITY = "title_above_maturity";
  /** A token whose {@code categories} hold none of the title's, where category access is on. */
  static final String TITLE_OUTSIDE_CATEGORIES = "title_outside_categories";
  /** A title listing regions, for a viewer known to be elsewhere (or unknown where a country is required). */
  static final String TITLE_OUTSIDE_REGION = "title_outside_region";
  /** A token naming a profile that is deleted or not its viewer's. */
  static final String PROFILE_REFUSED = "profile_refused";
  static final String TOKEN_REVOKED = "token_revoked";
  static final String TOO_MANY_STREAMS = "too_many_streams";
  /** An edge asked about an {@code X-Original-URI} that is missing or no title URI. */
  static final String BAD_ORIGINAL_URI = "bad_original_uri";
  /** Prefix of token rejection reasons, e.g. {@code token_expired}. */
  static final String TOKEN_PREFIX = "token_";
  /** Prefix of rate limit refusals, by limit: e.g. {@code rate_limited_viewer_api} ({@link RateLimitClass}). */
  static final String RATE_LIMITED_PREFIX = "rate_limited_";

  private final MeterRegistry registry;
  /** [route][status - 100]; filled lazily. A racing double fill is harmless: the registry returns one counter. */
  private final Counter[][] requests = new Counter[Route.values().length][500];
  private final ConcurrentHashMap<String, Counter> rejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> cmcd = new ConcurrentHashMap<>();
  /** [route]; filled lazily like {@link #requests}. */
  private final Counter[] bytes = new Counter[Route.values().length];

  OriginMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void gaugeOpenConnections(AtomicInteger open) {
    Gauge.builder(OPEN_CONNECTIONS, open, AtomicInteger::get)
        .description("Client connections currently open").register(registry);
  }

  void responded(Route route, int status, long bodyBytes) {
    Counter[] byStatus = requests[route.ordinal()];
    Counter c = byStatus[status - 100];
    if (c == null) {
      c = Counter.builder(REQUESTS).description("Responses by route and status")
          .tag("route", route.tag()).tag("status", Integer.toString(status)).register(registry);
      byStatus[status - 100] = c;
    }
    c.increment();
    if (bodyBytes > 0) {
      Counter b = bytes[route.ordinal()];
      if (b == null) {
        b = Counter.builder(BYTES_SENT).baseUnit("bytes").description("Response body bytes sent")
            .tag("route", route.tag()).register(registry);
        bytes[route.ordinal()] = b;
      }
      b.increment(bodyBytes);
    }
  }

  void rejected(String reason) {
    Counter c = rejections.get(reason);
    if (c == null) {
      c = rejections.computeIfAbsent(reason, k -> Counter.builder(REJECTIONS)
          .description("Requests and connections refused, by reason").tag("reason", k).register(registry));
    }
    c.increment();
  }

  /** Counts one request's CMCD report by outcome. */
  void cmcd(String outcome) {
    cmcd(outcome, 1);
  }

  /** Counts {@code reports} CMCD reports by outcome. */
  void cmcd(String outcome, long reports) {
    if (reports > 0) {
      cmcd.computeIfAbsent(outcome, k -> Counter.builder(CMCD).description("Common Media Client Data reports of"
          + " media requests, by outcome: recorded as playback events, malformed (ignored), dropped (the event store"
          + " fell behind or refused)").tag("outcome", k).register(registry)).increment(reports);
    }
  }

  /** Counts one fetch from storage into the disk cache and the bytes it brought. */
  void fetched(String outcome, long bytes) {
    Counter.builder(STORAGE_FETCHES).description("Objects fetched from the media storage into the disk cache, by"
        + " outcome").tag("outcome", outcome).register(registry).increment();
    if (bytes > 0) {
      Counter.builder(STORAGE_FETCHED).baseUnit("bytes").description("Bytes fetched from the media storage")
          .register(registry).increment(bytes);
    }
  }

  void gaugeCacheBytes(AtomicLong bytes) {
    Gauge.builder(CACHE_SIZE, bytes, AtomicLong::get).baseUnit("bytes")
        .description("Bytes of stored objects held in the disk cache").register(registry);
  }

  void evicted() {
    Counter.builder(CACHE_EVICTIONS).description("Objects evicted from the disk cache to stay within its size")
        .register(registry).increment();
  }

  double rejections(String reason) {
    Counter c = rejections.get(reason);
    return c == null ? 0 : c.count();
  }
}
