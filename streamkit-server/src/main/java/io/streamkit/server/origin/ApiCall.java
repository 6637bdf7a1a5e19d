package io.streamkit.server.origin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One API request as the endpoints see it — method, path below {@code /api}, checked query, headers, client — and the
 * way to answer it: JSON with {@code Cache-Control: no-store}, or a JSON error. It may be answered from any thread
 * (Netty moves the write to the connection's event loop), exactly once; a second answer is a bug and throws.
 */
final class ApiCall {

  private static final String BEARER = "Bearer ";

  private final ChannelHandlerContext ctx;
  private final OriginMetrics metrics;
  private final OriginRequest request;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final HttpHeaders alwaysSet = new DefaultHttpHeaders();
  private volatile boolean closeAfterAnswer;
  private volatile ManagementAccess.Principal principal;

  ApiCall(ChannelHandlerContext ctx, OriginMetrics metrics, OriginRequest request) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.request = request;
  }

  HttpMethod method() {
    return request.method;
  }

  /** How many path segments follow {@code /api}. */
  int size() {
    return request.path.size() - 1;
  }

  /** The {@code i}th path segment after {@code /api}. */
  String segment(int i) {
    return request.path.segment(i + 1);
  }

  HttpHeaders headers() {
    return request.headers;
  }

  /** A query parameter's decoded value, or {@code null}. */
  String queryParameter(String name) {
    return request.query.get(name);
  }

  /** {@code Authorization: Bearer <credential>}, else the {@code token} query parameter, else {@code null}. */
  String bearerOrTokenParameter() {
    String bearer = bearer();
    return bearer != null ? bearer : request.token;
  }

  /** {@code Authorization: Bearer <credential>}, else {@code null}. */
  String bearer() {
    String authorization = request.headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return authorization.substring(BEARER.length()).trim();
    }
    return null;
  }

  /** Who is calling a management endpoint, once {@link ManagementAccess} established it; else {@code null}. */
  ManagementAccess.Principal principal() {
    return principal;
  }

  void principal(ManagementAccess.Principal principal) {
    this.principal = principal;
  }

  /** The client's address, or {@code null} when the transport has none. */
  InetAddress client() {
    return request.client;
  }

  /** Method and path, for messages and log lines (never the query). */
  String describe() {
    return request.describe();
  }

  boolean answered() {
    return answered.get();
  }

  /** Puts this header on whatever answers the call, errors included. Call from {@link ApiEndpoints#open}. */
  void alwaysSet(CharSequence name, Object value) {
    alwaysSet.set(name, value);
  }

  /** Makes the connection close after the answer (its request body will not be read to the end). */
  void closeAfterAnswer() {
    closeAfterAnswer = true;
  }

  /** Answers with {@code value} as JSON, or with no body when {@code value} is {@code null}. */
  void respond(HttpResponseStatus status, Object value) {
    respond(value == null ? Responses.full(status, new byte[0], Responses.JSON, Responses.NO_STORE)
        : Responses.json(status, value));
  }

  /** Answers with a response the endpoint built (extra headers). */
  void respond(FullHttpResponse response) {
    if (!answered.compareAndSet(false, true)) {
      response.release();
      throw new IllegalStateException("API request " + describe() + " was already answered");
    }
    response.headers().add(alwaysSet);
    Responses.send(ctx, metrics, Route.API, response, request.keepAlive && !closeAfterAnswer, request.isHead());
  }

  /**
   * Answers with {@code {"error","status","message"}}; the message is one line saying what was wrong, with which
   * input, and what to do.
   */
  void fail(HttpResponseStatus status, String code, String message) {
    respond(Responses.error(status, code, message));
  }
}
