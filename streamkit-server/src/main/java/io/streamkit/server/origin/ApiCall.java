package io.streamkit.server.origin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One API request with its whole body, as an {@link ApiRequestHandler} hands it to its subclass, and the way to answer
 * it: a JSON body with {@code Cache-Control: no-store}, or a JSON error {@code {"error","message"}}. It may be
 * answered from any thread (Netty moves the write to the connection's event loop), exactly once.
 */
public final class ApiCall {

  /** Shared by API handlers; configured once, thread-safe. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final String BEARER = "Bearer ";

  private final ChannelHandlerContext ctx;
  private final OriginMetrics metrics;
  private final OriginRequest request;
  private final byte[] body;
  private final AtomicBoolean answered = new AtomicBoolean();

  ApiCall(ChannelHandlerContext ctx, OriginMetrics metrics, OriginRequest request, byte[] body) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.request = request;
    this.body = body;
  }

  public HttpMethod method() {
    return request.method;
  }

  /** The path after {@code /api}. */
  public ApiRequestHandler.ApiPath path() {
    return new ApiRequestHandler.ApiPath(request.path);
  }

  public HttpHeaders headers() {
    return request.headers;
  }

  /** A query parameter's raw value, or {@code null}. */
  public String queryParameter(String name) {
    return request.query == null ? null : RequestPath.queryParameter(request.query, name);
  }

  /** {@code Authorization: Bearer <credential>}, else the {@code token} query parameter, else {@code null}. */
  public String bearerOrTokenParameter() {
    String authorization = request.headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return authorization.substring(BEARER.length()).trim();
    }
    return request.token;
  }

  /** The client's address, or {@code null} when the transport has none. */
  public InetAddress client() {
    return request.client;
  }

  /** The request body; empty when there was none. */
  public byte[] body() {
    return body;
  }

  /** Answers with {@code value} as JSON, or with no body when {@code value} is {@code null}. */
  public void respond(HttpResponseStatus status, Object value) {
    byte[] bytes;
    try {
      bytes = value == null ? new byte[0] : JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
    send(Responses.full(status, bytes, Responses.JSON, Responses.NO_STORE));
  }

  /**
   * Answers with {@code {"error":code,"message":message}}; the message is one line saying what was wrong, with which
   * input, and what to do.
   */
  public void fail(HttpResponseStatus status, String code, String message) {
    ObjectNode error = JSON.createObjectNode().put("error", code).put("message", message);
    respond(status, error);
  }

  /** Like {@link #fail}, with a {@code Retry-After} header for 503s the client should retry. */
  public void failRetryLater(String code, String message, int retryAfterSeconds) {
    ObjectNode error = JSON.createObjectNode().put("error", code).put("message", message);
    FullHttpResponse response;
    try {
      response = Responses.full(HttpResponseStatus.SERVICE_UNAVAILABLE, JSON.writeValueAsBytes(error),
          Responses.JSON, Responses.NO_STORE);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an error as JSON", e);
    }
    response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    send(response);
  }

  private void send(FullHttpResponse response) {
    if (!answered.compareAndSet(false, true)) {
      response.release();
      throw new IllegalStateException("API request " + request.method + " /" + request.path.join(0)
          + " was already answered");
    }
    Responses.send(ctx, metrics, Route.API, response, request.keepAlive, request.isHead());
  }
}
