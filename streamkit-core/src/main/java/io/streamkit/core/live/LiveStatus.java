package io.streamkit.core.live;

/**
 * Where a live stream is: {@code IDLE → LIVE} when a publisher starts, {@code LIVE → ENDED} when its event ends (and
 * usually becomes a title), {@code LIVE → IDLE} when it stops before anything was recorded, and {@code ENDED → LIVE}
 * for the next event on the same key.
 */
public enum LiveStatus {
  /** Created, or the last publisher left before any media; waiting for a publisher. */
  IDLE,
  /** A publisher is sending media to one node. */
  LIVE,
  /** The last event ended; the stream can go live again. */
  ENDED
}
