package io.streamkit.core.live;

/** An operation named a live stream id that is not stored (never created, or deleted). */
public class UnknownLiveStreamException extends RuntimeException {

  /** The unknown id; see {@link #liveStreamId()}. */
  private final String liveStreamId;

  /**
   * An exception whose message names the id and what to check.
   *
   * @param liveStreamId the id that is not stored
   */
  public UnknownLiveStreamException(String liveStreamId) {
    super("unknown liveStreamId '" + liveStreamId + "'; create the live stream first, or check the id");
    this.liveStreamId = liveStreamId;
  }

  /** {@return the id that is not stored} */
  public String liveStreamId() {
    return liveStreamId;
  }
}
