package io.streamkit.hls;

/**
 * A transcode or probe failed because of its input or environment. The message is one line a user can act on:
 * what went wrong, with which input, and what to do.
 */
public class TranscodeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * A failure with no underlying exception.
   *
   * @param message one line: what went wrong, with which input, and what to do
   */
  public TranscodeException(String message) {
    super(message);
  }

  /**
   * A failure caused by another exception, kept for logs; the message alone must still tell the user what to do.
   *
   * @param message one line: what went wrong, with which input, and what to do
   * @param cause the exception that revealed the failure, e.g. an {@link java.io.IOException}
   */
  public TranscodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
