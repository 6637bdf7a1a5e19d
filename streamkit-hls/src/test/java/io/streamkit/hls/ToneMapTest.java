package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GBRPF32;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.assertj.core.data.Offset;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

/** HDR titles and live streams go through FFmpeg's {@code tonemap} filter's Möbius curve, done faster in Java. */
class ToneMapTest {

  /** An odd width, so that rows have padding, and levels from below black to above the 1000 cd/m2 peak. */
  private static final int WIDTH = 317;
  private static final int HEIGHT = 64;

  @Test
  void givesThePicturesOfFfmpegsTonemapFilter() {
    Ffmpeg.load();
    AVFrame picture = linearLightPicture();
    AVFrame ours = av_frame_clone(picture);
    List<float[]> source = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      source.add(plane(picture, p));
    }
    List<float[]> theirs = new ArrayList<>();
    try (FilterChain filter = FilterChain.video(TranscodePipeline.videoSourceArgs(picture, Ffmpeg.rational(1, 25)),
        String.format(Locale.ROOT, "tonemap=tonemap=mobius:param=0.7:peak=%f:desat=0", 1000 / 203.0))) {
      filter.push(picture);
      filter.drain(out -> {
        for (int p = 0; p < 3; p++) {
          theirs.add(plane(out, p));
        }
      });
      assertThat(av_frame_make_writable(ours)).isZero();
      DisplayFilter.TONE_MAP.apply(ours);
      int mapped = 0;
      for (int p = 0; p < 3; p++) {
        float[] expected = theirs.get(p);
        float[] actual = plane(ours, p);
        float[] before = source.get(p);
        for (int i = 0; i < expected.length; i++) {
          assertThat(actual[i]).as("plane %d, pixel %d, from %f", p, i, before[i])
              .isCloseTo(expected[i], Offset.offset(1e-5f + Math.abs(expected[i]) * 1e-5f));
          mapped += actual[i] != before[i] ? 1 : 0;
        }
      }
      assertThat(mapped).as("pixels the curve changed").isGreaterThan(WIDTH * HEIGHT);
    } finally {
      av_frame_free(picture);
      av_frame_free(ours);
    }
  }

  @Test
  void takesOnlyPlanarFloatRgbAndACurveThatRollsOff() {
    assertThatThrownBy(() -> new ToneMap(0.7, 1.0)).hasMessageContaining("0 < transition < 1 < peak");
    assertThatThrownBy(() -> new ToneMap(1.2, 4.9)).hasMessageContaining("0 < transition < 1 < peak");
  }

  /** Every pixel a different colour: channels apart, so that the brightest is each one in turn, some negative. */
  private static AVFrame linearLightPicture() {
    AVFrame picture = av_frame_alloc();
    picture.format(AV_PIX_FMT_GBRPF32).width(WIDTH).height(HEIGHT);
    assertThat(av_frame_get_buffer(picture, 0)).isZero();
    for (int p = 0; p < 3; p++) {
      FloatBuffer plane = floats(picture, p);
      int stride = picture.linesize(p) / Float.BYTES;
      for (int y = 0; y < HEIGHT; y++) {
        for (int x = 0; x < WIDTH; x++) {
          int i = y * WIDTH + x;
          plane.put(y * stride + x, (float) (((i * (p + 3) * 7919L) % 6000) / 1000.0 - 0.05));
        }
      }
    }
    return picture;
  }

  private static float[] plane(AVFrame picture, int p) {
    FloatBuffer plane = floats(picture, p);
    int stride = picture.linesize(p) / Float.BYTES;
    float[] values = new float[WIDTH * HEIGHT];
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        values[y * WIDTH + x] = plane.get(y * stride + x);
      }
    }
    return values;
  }

  private static FloatBuffer floats(AVFrame picture, int p) {
    return picture.data(p).capacity((long) picture.linesize(p) * picture.height()).asByteBuffer()
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
