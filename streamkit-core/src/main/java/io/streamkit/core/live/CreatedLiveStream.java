package io.streamkit.core.live;

import io.streamkit.core.InvalidValueException;

/**
 * A live stream just created, with its stream key in clear. The store keeps only the key's SHA-256, so this is the
 * one time the key can be shown to whoever will publish; {@link #toString()} leaves it out so that it never reaches
 * a log.
 *
 * @param stream the stream as stored
 * @param streamKey the key a publisher presents (for RTMP, the stream name after the application), Base64url
 */
public record CreatedLiveStream(LiveStream stream, String streamKey) {

  /**
   * Checks that both components are present.
   *
   * @param stream the stream as stored
   * @param streamKey the key in clear
   * @throws InvalidValueException if either is {@code null}
   */
  public CreatedLiveStream {
    InvalidValueException.requireNonNull("stream", stream);
    InvalidValueException.requireNonNull("streamKey", streamKey);
  }

  /** {@return the stream, with the key masked} */
  @Override
  public String toString() {
    return "CreatedLiveStream[stream=" + stream + ", streamKey=<hidden>]";
  }
}
