package io.streamkit.server.origin;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

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

  private static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf("streamkit.connection");

  Phase phase = Phase.IDLE;
  /** Requests received and not yet fully answered (more than one when a client pipelines). */
  int outstanding;
  /** When the current phase began, from {@link System#nanoTime()}. */
  long phaseStartedNanos = System.nanoTime();
  /** Set when the server shuts down: close after the response in flight, if any. */
  boolean draining;
  /** Whether the body of the request being received goes on to the API handlers (otherwise it is discarded). */
  boolean forwardingBody;

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

  void requestStarted() {
    outstanding++;
    enter(Phase.RESPONDING);
  }

  /** Marks one response finished; when none is left the connection is idle, or closed if the server is draining. */
  static void responseFinished(Channel channel) {
    ConnectionState state = of(channel);
    if (state.outstanding > 0) {
      state.outstanding--;
    }
    if (state.outstanding == 0) {
      state.enter(Phase.IDLE);
      if (state.draining) {
        channel.close();
      }
    }
  }
}
