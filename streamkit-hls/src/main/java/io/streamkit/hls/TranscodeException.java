package io.streamkit.hls;

/**
 * A transcode or probe failed because of its input or environment. The message is one line a user can act on:
 * what went wrong, with which input, and what to do.
 */
public class TranscodeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TranscodeException(String message) {
    super(message);
  }

  public TranscodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
