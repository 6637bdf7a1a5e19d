package io.streamkit.server.origin;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.streamkit.core.token.PlaybackClaims;
import java.net.InetAddress;

/**
 * A request after decoding and sanitising: the route, the title and the title-relative path (each segment checked
 * against {@link RequestPath#isSafe}), the token from the query string, and, once the gate has passed it, the
 * claims.
 */
final class OriginRequest {

  final HttpMethod method;
  final HttpHeaders headers;
  final boolean keepAlive;
  final Route route;
  final RequestPath path;
  final String token;
  final InetAddress client;
  /** The raw query string without {@code ?}, or {@code null}. */
  String query;
  PlaybackClaims claims;

  OriginRequest(HttpMethod method, HttpHeaders headers, boolean keepAlive, Route route, RequestPath path,
      String token, InetAddress client) {
    this.method = method;
    this.headers = headers;
    this.keepAlive = keepAlive;
    this.route = route;
    this.path = path;
    this.token = token;
    this.client = client;
  }

  boolean isHead() {
    return method.equals(HttpMethod.HEAD);
  }
}
