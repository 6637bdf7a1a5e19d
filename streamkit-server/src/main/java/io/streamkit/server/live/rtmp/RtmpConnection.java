package io.streamkit.server.live.rtmp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publisher's connection as the handlers share it: the peer, the bytes received, and the one place that closes
 * it with one log line saying why, however many handlers or threads decide to close it at once. The same reason
 * reaches the reader of the connection's media, if it is publishing.
 */
final class RtmpConnection {

  private static final Logger log = LoggerFactory.getLogger(RtmpServer.class);

  final Channel channel;
  final InetSocketAddress client;
  final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile FlvMediaStream media;

  /** The connection of each channel, for whoever holds only the channel (the server, when it closes). */
  static final AttributeKey<RtmpConnection> KEY = AttributeKey.valueOf(RtmpConnection.class, "connection");

  RtmpConnection(Channel channel) {
    channel.attr(KEY).set(this);
    this.channel = channel;
    this.client = channel.remoteAddress() instanceof InetSocketAddress address ? address : null;
  }

  /** The connection is publishing: its reader hears why, should this server close it. */
  void publishing(FlvMediaStream media) {
    this.media = media;
  }

  /**
   * Closes the connection, logging {@code reason} unless it is already closing, and fails its media stream with the
   * same reason; safe from any thread.
   */
  void close(String reason) {
    failMedia(reason);
    if (closing.compareAndSet(false, true)) {
      if (channel.isActive()) {
        log.info("rtmp {}: closing: {}", describe(), printable(reason));
      }
      channel.close();
    }
  }

  /**
   * Sends the peer its last message (telling it why) with {@code send} and closes the connection once that has gone,
   * as {@link #close} does, but logs {@code reason} before sending: a peer that reads the message may hang up before
   * the write's listener runs, and a refusal must be in the log by the time the peer has it.
   */
  void closeAfter(Supplier<ChannelFuture> send, String reason) {
    if (closing.compareAndSet(false, true)) {
      log.info("rtmp {}: closing: {}", describe(), printable(reason));
    }
    send.get().addListener(f -> {
      failMedia(reason);
      channel.close();
    });
  }

  private void failMedia(String reason) {
    FlvMediaStream publishing = media;
    if (publishing != null) {
      publishing.fail(reason);
    }
  }

  /** Closes without a log line: the peer left, or an end both sides agreed on. */
  void closeQuietly() {
    closing.set(true);
    channel.close();
  }

  boolean closing() {
    return closing.get();
  }

  String describe() {
    return client == null ? "unknown peer" : client.getAddress().getHostAddress() + ":" + client.getPort();
  }

  /**
   * Text from a publisher (an app name, a stream key) made safe for a log line: control characters become
   * {@code \}{@code uXXXX}, and long values are cut, so a client can neither forge log lines nor flood them.
   */
  static String printable(String value) {
    int max = 256;
    StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
    for (int i = 0; i < value.length() && i < max; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\\' || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > max) {
      out.append("…");
    }
    return out.toString();
  }
}
