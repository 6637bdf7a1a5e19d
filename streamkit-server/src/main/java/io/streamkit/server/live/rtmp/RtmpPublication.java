package io.streamkit.server.live.rtmp;

import java.io.InputStream;
import java.net.InetSocketAddress;

/**
 * One accepted publication: who publishes what, and its media as an FLV byte stream.
 *
 * <p>{@link #media()} ends (returns -1) when the publisher ends the publication ({@code FCUnpublish} or
 * {@code deleteStream}), and throws an {@link java.io.IOException} when the connection is lost or closed by the
 * server first (idle, faster than real time, bad input, server closing), with the reason as its message. Closing it
 * before its end closes the connection.
 */
public final class RtmpPublication {

  private final String app;
  private final String streamKey;
  private final RtmpConnection connection;
  private final FlvMediaStream media;

  RtmpPublication(String app, String streamKey, RtmpConnection connection, FlvMediaStream media) {
    this.app = app;
    this.streamKey = streamKey;
    this.connection = connection;
    this.media = media;
  }

  /** {@return the application name from {@code connect}} */
  public String app() {
    return app;
  }

  /** {@return the stream key from {@code publish}} */
  public String streamKey() {
    return streamKey;
  }

  /** {@return the publisher's address} */
  public InetSocketAddress client() {
    return connection.client;
  }

  /**
   * The media: an FLV header, then an FLV tag (with its PreviousTagSize) per audio, video and metadata message.
   * Blocking; read it on a thread of your own. The publisher is slowed (its socket is not read) while several
   * megabytes are unread.
   *
   * @return the media stream, the same one on every call
   */
  public InputStream media() {
    return media;
  }

  /** {@return the bytes received on this publication's connection so far, RTMP framing included} */
  public long bytesReceived() {
    return connection.bytesReceived.get();
  }

  /**
   * Ends the publication from the application's side, for example when its stream key is revoked: the connection is
   * closed, with {@code reason} in the log line, and the media stream fails with {@code reason} once its buffered
   * bytes are read.
   *
   * @param reason why, for the log
   */
  public void close(String reason) {
    connection.close(reason);
  }

  @Override
  public String toString() {
    return "RtmpPublication(" + app + "/" + streamKey + " from " + connection.describe() + ")";
  }
}
