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

  HttpMethod method;
  HttpHeaders headers;
  boolean keepAlive;
  Route route;
  RequestPath path;
  QueryString query;
  String token;
  InetAddress client;
  /**
   * Whether a body follows as {@code HttpContent} messages (API and licence requests only; other bodies are
   * discarded).
   */
  boolean hasBody;
  PlaybackClaims claims;
  /** The whole body of a licence request, once {@link LicenseRequestReader} has read it; empty otherwise. */
  byte[] body = NO_BODY;

  /** {@code token} is the {@code token} parameter of {@code query}, read once by the {@link RequestDecoder}. */
  OriginRequest(HttpMethod method, HttpHeaders headers, boolean keepAlive, Route route, RequestPath path,
      QueryString query, String token, InetAddress client, boolean hasBody) {
    reset(method, headers, keepAlive, route, path, query, token, client, hasBody);
  }

  /**
   * Makes this the next request of its connection, as the constructor would make a new one: the
   * {@link RequestDecoder} reuses one per connection for the requests that are answered on the connection's loop
   * and leave nothing behind once their response is written (see {@link RequestDecoder#answeredOnLoop}).
   *
   * @return this request
   */
  OriginRequest reset(HttpMethod method, HttpHeaders headers, boolean keepAlive, Route route, RequestPath path,
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
    this.claims = null;
    this.body = NO_BODY;
    return this;
  }

  boolean isHead() {
    return method.equals(HttpMethod.HEAD);
  }

  /** Method and path for log lines and error messages: never the query, which may hold a token. */
  String describe() {
    return method + " /" + path.join(0);
  }
}
