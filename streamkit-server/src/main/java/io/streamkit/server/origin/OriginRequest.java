package io.streamkit.server.origin;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.streamkit.core.token.PlaybackClaims;
import java.net.InetAddress;

/**
 * A request after decoding and sanitising, the one form every handler after {@link RequestDecoder} reads: the route,
 * the path (each segment checked against {@link RequestPath#isSafe}), the checked query with the token parameter,
 * and, once the gate has passed it, the claims. No handler looks at the raw request target again.
 */
final class OriginRequest {

  private static final byte[] NO_BODY = new byte[0];

  final HttpMethod method;
  final HttpHeaders headers;
  final boolean keepAlive;
  final Route route;
  final RequestPath path;
  final QueryString query;
  final String token;
  final InetAddress client;
  /**
   * Whether a body follows as {@code HttpContent} messages (API and licence requests only; other bodies are
   * discarded).
   */
  final boolean hasBody;
  PlaybackClaims claims;
  /** The whole body of a licence request, once {@link LicenseRequestReader} has read it; empty otherwise. */
  byte[] body = NO_BODY;

  /** {@code token} is the {@code token} parameter of {@code query}, read once by the {@link RequestDecoder}. */
  OriginRequest(HttpMethod method, HttpHeaders headers, boolean keepAlive, Route route, RequestPath path,
      QueryString query, String token, InetAddress client, boolean hasBody) {
    this.method = method;
    this.headers = headers;
    this.keepAlive = keepAlive;
    this.route = route;
    this.path = path;
    this.query = query;
    this.token = token;
    this.client = client;
    this.hasBody = hasBody;
  }

  boolean isHead() {
    return method.equals(HttpMethod.HEAD);
  }

  /** Method and path for log lines and error messages: never the query, which may hold a token. */
  String describe() {
    return method + " /" + path.join(0);
  }
}
