package io.streamkit.server.origin;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;

/**
 * Where one connection is in its request/response cycle. Read and written only on the channel's event loop, so the
 * fields need no synchronisation; the drain flag is set from the event loop too (see {@link OriginServer#close()}).
 */
final class ConnectionState {

  enum Phase {
    /** Waiting for the first byte of the next request (keep-alive idle). */
    IDLE,
    /** Some bytes of a request head have arrived, not all of them. */
    RECEIVING_HEAD,
    /** A request is being answered. */
    RESPONDING
  }

  /** Why reading from the socket is paused; reading resumes when no reason is left. */
  enum ReadPause {
    /** A pipelined request waits for the response before it (see {@link RequestCycleHandler}). */
    PIPELINED,
    /** An API request body arrives faster than the API's executor stores it. */
    BODY_BACKLOG
  }

  private static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf("streamkit.connection");

  Phase phase = Phase.IDLE;
  /** Requests handed down the pipeline and not yet fully answered: 0 or 1, as pipelined ones wait in {@link #held}. */
  int outstanding;
  /** Whether the current response's head has been written and its last byte not yet. */
  boolean responseStarted;
  /** Whether the request being answered is a HEAD, whose response carries no content (RFC 9110 §9.3.2). */
  boolean answeringHead;
  /** Messages of pipelined requests that arrived while a response was outstanding, in order; {@code null} if none. */
  ArrayDeque<Object> held;
  /** When the current phase began, from {@link System#nanoTime()}. */
  long phaseStartedNanos = System.nanoTime();
  /** Set when the server shuts down: close after the response in flight, if any. */
  boolean draining;
  /** Whether the body of the request being received goes on to the API handlers (otherwise it is discarded). */
  boolean forwardingBody;
  /** The last request's path and token, whose parts the next request reuses when it repeats them. */
  RequestPath lastPath;
  String lastToken;
  /**
   * The request and query {@link RequestDecoder} reuses for this connection's plain requests that are answered on
   * its loop ({@link RequestDecoder#answeredOnLoop}); {@code null} until the first.
   */
  OriginRequest reusedRequest;
  QueryString reusedQuery;
  /** The accounting of the response being written (at most one per connection); {@code null} until the first. */
  Responses.Accounting accounting;
  /** The response head this connection's file responses reuse ({@link #fileResponse()}); {@code null} until the first. */
  private DefaultHttpResponse fileResponse;
  /** Whether {@link #fileResponse} belongs to a response whose last byte is not written yet. */
  private boolean fileResponseInUse;
  private int readPauses;

  static ConnectionState of(Channel channel) {
    ConnectionState state = channel.attr(KEY).get();
    if (state == null) {
      state = new ConnectionState();
      channel.attr(KEY).set(state);
    }
    return state;
  }

  void enter(Phase next) {
    phase = next;
    phaseStartedNanos = System.nanoTime();
  }

  void requestStarted(HttpRequest request) {
    outstanding++;
    responseStarted = false;
    answeringHead = request.method().equals(HttpMethod.HEAD);
    enter(Phase.RESPONDING);
  }

  /**
   * A {@code 200 OK} response head with no headers, for a file response: the connection's own, reused, when its last
   * use is over ({@link #responseFinished()}), else a new one. A connection writes one response at a time
   * ({@link RequestCycleHandler}), and Netty's encoder is done with a head before the response's last byte is
   * written, so after that nothing reads it. Call on the channel's event loop.
   */
  HttpResponse fileResponse() {
    if (fileResponseInUse) {
      return new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, new ResponseHeaders());
    }
    if (fileResponse == null) {
      fileResponse = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, new ResponseHeaders());
    } else {
      fileResponse.setStatus(HttpResponseStatus.OK);
      fileResponse.headers().clear();
    }
    fileResponseInUse = true;
    return fileResponse;
  }

  /**
   * {@code msg} as this connection's reused file response head ({@link #fileResponse()}), or {@code null} if it is
   * another message: compared by identity, so the encoder checks no type for every message it writes.
   */
  DefaultHttpResponse reusedFileResponse(Object msg) {
    return msg == fileResponse ? fileResponse : null;
  }

  /** The last byte of the connection's current response has been written (or its write failed). */
  void responseFinished() {
    fileResponseInUse = false;
  }

  /** Stops reading from the socket for this reason (idempotent). Call on the channel's event loop. */
  void pauseReading(Channel channel, ReadPause reason) {
    readPauses |= 1 << reason.ordinal();
    channel.config().setAutoRead(false);
  }

  /** Drops this reason; reading resumes when none is left. Call on the channel's event loop. */
  void resumeReading(Channel channel, ReadPause reason) {
    int before = readPauses;
    readPauses &= ~(1 << reason.ordinal());
    if (before != 0 && readPauses == 0) {
      channel.config().setAutoRead(true);
    }
  }
}
