package io.streamkit.abr.rule;

/**
 * A bitrate adaptation rule: after every chunk, pick the quality of the next one.
 *
 * <p>An instance belongs to one playback session; rules keep their estimator history in fields and are
 * not thread-safe. Obtain a fresh instance per session (the simulator takes a factory for this reason).
 * A decision must not allocate: servers run one per request.
 */
public interface AbrRule {

  /**
   * Picks the quality of chunk {@link PlaybackState#nextChunk()}, called once after every completed
   * chunk in order.
   *
   * @param state the session as it stands after the last chunk; valid only during this call
   * @return a rung index in {@code [0, state.qualityCount())}
   */
  int nextQuality(PlaybackState state);
}
