package io.streamkit.hls.live;

import java.util.ArrayDeque;

/**
 * How a live transcode keeps up, from one sample per decoded video frame: the media time reached, the time spent
 * working (wall time minus the time spent waiting for input bytes), the bytes and frames read so far.
 *
 * <p>Lag is a backlog: every frame adds the work time it took and removes the media time it advanced, never going
 * below zero. An encoder faster than real time keeps it at zero however the input arrives (waiting for a late input
 * is not work); a slower one grows it by {@code 1 - speed} seconds per second, which is how far the output falls
 * behind a publisher sending in real time. Speed, input bitrate and frame rate are measured over the last
 * {@value #WINDOW_SECONDS} s of media.
 */
final class RealTimeMeter {

  static final double WINDOW_SECONDS = 4;

  private record Sample(double mediaSeconds, long workNanos, long bytes, long frames) {}

  private final ArrayDeque<Sample> window = new ArrayDeque<>();
  private Sample last;
  private double lagSeconds;

  void frame(double mediaSeconds, long workNanos, long bytes, long frames) {
    Sample sample = new Sample(mediaSeconds, workNanos, bytes, frames);
    if (last != null) {
      double worked = (workNanos - last.workNanos) / 1e9;
      double advanced = mediaSeconds - last.mediaSeconds;
      lagSeconds = Math.max(0, lagSeconds + worked - advanced);
    }
    last = sample;
    window.addLast(sample);
    while (window.size() > 2 && mediaSeconds - window.peekFirst().mediaSeconds > WINDOW_SECONDS) {
      window.pollFirst();
    }
  }

  /** Seconds the output is behind a real-time input. */
  double lagSeconds() {
    return lagSeconds;
  }

  /** Media seconds processed per second of work over the window; above 1 keeps up. 0 until measured. */
  double speed() {
    Sample first = window.peekFirst();
    if (first == null || last.workNanos == first.workNanos) {
      return 0;
    }
    return (last.mediaSeconds - first.mediaSeconds) / ((last.workNanos - first.workNanos) / 1e9);
  }

  long bitsPerSecond() {
    double media = mediaSpan();
    return media <= 0 ? 0 : Math.round((last.bytes - window.peekFirst().bytes) * 8 / media);
  }

  double frameRate() {
    double media = mediaSpan();
    return media <= 0 ? 0 : (last.frames - window.peekFirst().frames) / media;
  }

  private double mediaSpan() {
    return window.isEmpty() ? 0 : last.mediaSeconds - window.peekFirst().mediaSeconds;
  }
}
