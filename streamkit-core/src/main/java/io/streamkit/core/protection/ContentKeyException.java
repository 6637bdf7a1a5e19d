package io.streamkit.core.protection;

/** A content key cannot be stored or recovered: an unknown or wrong master key, an altered key, an unreadable file. */
public class ContentKeyException extends RuntimeException {

  /**
   * A failure with a one-line message naming what failed and what to do.
   *
   * @param message the message
   */
  public ContentKeyException(String message) {
    super(message);
  }

  /**
   * A failure with a one-line message and its cause.
   *
   * @param message the message
   * @param cause the underlying failure
   */
  public ContentKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
