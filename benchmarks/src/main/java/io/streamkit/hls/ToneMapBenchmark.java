package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GBRPF32;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The HDR conversion's tone map on one 1920x1080 picture of linear light in planar float RGB (what zimg hands it): the
 * Möbius curve of FFmpeg's {@code tonemap} filter run by the filter ({@code ffmpegFilter}, one filter thread) and by
 * {@link ToneMap} ({@code java}, what {@link DisplayFilter} runs). {@code picture} picks the picture: {@code bright},
 * every pixel's brightest component above the curve's transition (a saturated test pattern); {@code sdrLevels}, about one
 * pixel in eight above it (SDR content placed in HDR at BT.2408's reference white, with some highlights). Each
 * operation maps a fresh copy of the picture; the copy is made outside the measurement.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar ToneMapBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ToneMapBenchmark {

  private static final int WIDTH = 1920;
  private static final int HEIGHT = 1080;

  @Param({"bright", "sdrLevels"})
  public String picture;

  private AVFrame source;
  private AVFrame work;
  private FilterChain filter;

  @Setup(Level.Trial)
  public void open() {
    Ffmpeg.load();
    source = av_frame_alloc();
    source.format(AV_PIX_FMT_GBRPF32).width(WIDTH).height(HEIGHT);
    check(av_frame_get_buffer(source, 0));
    fill(source, picture.equals("bright"));
    work = av_frame_alloc();
    work.format(AV_PIX_FMT_GBRPF32).width(WIDTH).height(HEIGHT);
    check(av_frame_get_buffer(work, 0));
    filter = FilterChain.video(TranscodePipeline.videoSourceArgs(source, Ffmpeg.rational(1, 30)),
        String.format(Locale.ROOT, "tonemap=tonemap=mobius:param=0.7:peak=%f:desat=0", 1000 / 203.0));
  }

  @Setup(Level.Invocation)
  public void freshCopy() {
    check(av_frame_copy(work, source));
  }

  @Benchmark
  public void java() {
    DisplayFilter.TONE_MAP.apply(work);
  }

  @Benchmark
  public void ffmpegFilter(Blackhole sink) {
    filter.push(av_frame_clone(source));
    filter.drain(sink::consume);
  }

  @TearDown(Level.Trial)
  public void close() {
    filter.close();
    av_frame_free(source);
    av_frame_free(work);
  }

  /**
   * Linear light with SDR's white at 1.0. Bright: components from 0 to 4.9 (the peak), the largest at least 0.8. SDR
   * levels: components from 0 to 0.69, and every eighth pixel up to 4.9.
   */
  private static void fill(AVFrame frame, boolean bright) {
    for (int p = 0; p < 3; p++) {
      FloatBuffer plane = frame.data(p).capacity((long) frame.linesize(p) * HEIGHT).asByteBuffer()
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
      int stride = frame.linesize(p) / Float.BYTES;
      for (int y = 0; y < HEIGHT; y++) {
        for (int x = 0; x < WIDTH; x++) {
          int i = y * WIDTH + x;
          float level = ((i * (p + 3) * 7919L) % 1000) / 1000f;
          float value;
          if (bright) {
            value = p == i % 3 ? 0.8f + 4.1f * level : 4.9f * level;
          } else {
            value = i % 8 == 0 ? 4.9f * level : 0.69f * level;
          }
          plane.put(y * stride + x, value);
        }
      }
    }
  }

  private static void check(int ret) {
    if (ret < 0) {
      throw new IllegalStateException("FFmpeg call failed: " + Ffmpeg.errorText(ret));
    }
  }
}
