package io.streamkit.hls;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * What a filter graph's input is set up for: an {@code AVPixelFormat}, a size, an {@code AVColorRange} and a sample
 * aspect ratio. A source's pictures may change any of them midway (recordings joined end to end, a video call's
 * recording stepping its resolution down), and a graph set up for the first ones may fail on later ones; the ffmpeg
 * command line makes a new graph there, and so do the filters that take a source's pictures.
 */
record FrameShape(int format, int width, int height, int range, int sarNum, int sarDen) {

  static FrameShape of(AVFrame frame) {
    AVRational sar = frame.sample_aspect_ratio();
    return new FrameShape(frame.format(), frame.width(), frame.height(), frame.color_range(), sar.num(), sar.den());
  }

  boolean matches(AVFrame frame) {
    if (frame.format() != format || frame.width() != width || frame.height() != height
        || frame.color_range() != range) {
      return false;
    }
    AVRational sar = frame.sample_aspect_ratio(); // a copy: read once
    return sar.num() == sarNum && sar.den() == sarDen;
  }

  /** Width over height as shown: the size stretched by the sample aspect ratio (none stated: square samples). */
  double displayAspect() {
    double samples = sarNum > 0 && sarDen > 0 ? (double) sarNum / sarDen : 1;
    return width * samples / height;
  }
}
