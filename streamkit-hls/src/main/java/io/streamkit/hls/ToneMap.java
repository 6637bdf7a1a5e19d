package io.streamkit.hls;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The Möbius tone map of FFmpeg's {@code tonemap} filter (Vittorio Giovara's, after mpv's), on a picture of linear
 * light in planar float RGB: the brightest of a pixel's three components is mapped by the curve and all three are
 * scaled by the same factor, so hues stay as they are. Up to {@code transition} the curve is the identity; above it,
 * it rolls off so that {@code peak} lands on 1.0.
 *
 * <p>The filter works out the curve's constants for every pixel it maps, in double precision, through per-pixel
 * pointer arithmetic: 10 ms of CPU for a 1080p picture of camera footage placed in HLG, 15 ms for a test pattern
 * whose pixels are nearly all above the transition, about what zimg's two conversions around it cost together. The
 * same curve with its constants worked out once, over each row, takes about 3 ms on its own and 5.5 ms within a
 * running transcode, whose encoders share the memory it streams through (benchmarks/README.md, "HDR tone map in
 * Java"). {@code ToneMapTest} holds the two to the same pictures.
 */
final class ToneMap {

  private final float transition;
  private final float offsetA;
  private final float offsetB;
  private final float scale;

  /**
   * @param transition the level up to which the curve is the identity, in (0, 1)
   * @param peak the level that maps to 1.0, above 1
   */
  ToneMap(double transition, double peak) {
    if (!(transition > 0 && transition < 1) || !(peak > 1)) {
      throw new IllegalArgumentException("tone map needs 0 < transition < 1 < peak, got " + transition + ", " + peak);
    }
    double j = transition;
    double a = -j * j * (peak - 1) / (j * j - 2 * j + peak);
    double b = (j * j - 2 * j * peak + peak) / (peak - 1);
    this.transition = (float) j;
    this.offsetA = (float) a;
    this.offsetB = (float) b;
    this.scale = (float) ((b * b + 2 * b * j + j * j) / (b - a));
  }

  /**
   * Tone-maps {@code picture} in place.
   *
   * @param picture a writable picture in {@code AV_PIX_FMT_GBRPF32}
   */
  void apply(AVFrame picture) {
    if (picture.format() != avutil.AV_PIX_FMT_GBRPF32) {
      throw new IllegalArgumentException("tone map takes planar float RGB, got pixel format " + picture.format());
    }
    int width = picture.width();
    int height = picture.height();
    FloatBuffer[] planes = new FloatBuffer[3];
    int[] rowFloats = new int[3];
    for (int p = 0; p < 3; p++) {
      rowFloats[p] = picture.linesize(p) / Float.BYTES;
      planes[p] = picture.data(p).capacity((long) picture.linesize(p) * height).asByteBuffer()
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    for (int y = 0; y < height; y++) {
      row(planes[0], y * rowFloats[0], planes[1], y * rowFloats[1], planes[2], y * rowFloats[2], width);
    }
  }

  /**
   * One row. Every pixel is written, with a factor of 1 below the transition, and the brightest component is picked
   * with comparisons rather than {@code Math.max} (which orders NaN and -0): so the JIT compiles the loop without
   * branches that depend on the picture, twice as fast as with them.
   */
  private void row(FloatBuffer g, int gAt, FloatBuffer b, int bAt, FloatBuffer r, int rAt, int width) {
    for (int x = 0; x < width; x++) {
      float green = g.get(gAt + x);
      float blue = b.get(bAt + x);
      float red = r.get(rAt + x);
      float redOrGreen = red > green ? red : green;
      float brightest = redOrGreen > blue ? redOrGreen : blue;
      float factor = brightest > transition ? scale * (brightest + offsetA) / ((brightest + offsetB) * brightest) : 1f;
      g.put(gAt + x, green * factor);
      b.put(bAt + x, blue * factor);
      r.put(rAt + x, red * factor);
    }
  }
}
