package io.streamkit.server.origin;

import java.util.Set;

/**
 * The kinds of request {@link RateLimits} counts, each on a bucket of its own, and which requests belong to which: the
 * one place a route is given a limit.
 */
enum RateLimitClass {
  MANAGEMENT_API("management_api", "management API requests"),
  VIEWER_API("viewer_api", "viewer API requests"),
  KEYS("keys", "key requests"),
  /** Not a route's: each refusal of the token gate takes one (see {@link TokenGate}). */
  FAILED_TOKENS("failed_tokens", "failed token checks");

  /** The first segments under {@code /api} that need the admin key ({@code /api/sessions/stop} is a viewer's). */
  private static final Set<String> MANAGEMENT = Set.of(ManagementEndpoints.TITLES, ManagementEndpoints.UPLOADS,
      ViewerEndpoints.ANALYTICS, AccessEndpoints.VIEWERS);

  /** In metrics: the rejection reason {@code rate_limited_<tag>}. */
  final String tag;
  /** In messages and logs. */
  final String description;

  RateLimitClass(String tag, String description) {
    this.tag = tag;
    this.description = description;
  }

  /**
   * {@return the limit a request is counted against before it is answered, or {@code null}: playlists, segments,
   * pages, health and metrics are not limited (see {@link RateLimits})}
   */
  static RateLimitClass of(OriginRequest request) {
    return switch (request.route) {
      case API -> request.path.size() > 1 && MANAGEMENT.contains(request.path.segment(1)) ? MANAGEMENT_API
          : VIEWER_API;
      case KEY, LICENSE -> KEYS;
      default -> null;
    };
  }

  String rejectionReason() {
    return OriginMetrics.RATE_LIMITED_PREFIX + tag;
  }
}
