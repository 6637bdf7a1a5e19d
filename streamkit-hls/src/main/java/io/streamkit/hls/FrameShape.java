package io.streamkit.hls;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * What a filter graph's input is set up for: an {@code AVPixelFormat}, a size and an {@code AVColorRange}. A source's
 * pictures may change any of them midway (recordings joined end to end, a video call's recording stepping its
 * resolution down), and a graph set up for the first ones may fail on later ones; the ffmpeg command line makes a
 * new graph there, and so do the filters that take a source's pictures.
 */
record FrameShape(int format, int width, int height, int range) {

  static FrameShape of(AVFrame frame) {
    return new FrameShape(frame.format(), frame.width(), frame.height(), frame.color_range());
  }

  boolean matches(AVFrame frame) {
    return frame.format() == format && frame.width() == width && frame.height() == height
        && frame.color_range() == range;
  }
}
