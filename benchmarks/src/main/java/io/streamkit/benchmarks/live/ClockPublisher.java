package io.streamkit.benchmarks.live;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacpp.Loader;

/**
 * A live source whose every frame carries the wall-clock time at which it was made, published in real time over RTMP
 * by the bundled ffmpeg executable (H.264 and silent AAC in FLV, a key frame every two seconds), as a camera and an
 * encoder in front of an ingest would.
 *
 * <p>The frames are raw BGR pictures written to ffmpeg's standard input: a scrolling textured background and a moving
 * box (so the encoders have real work), and across the top a band of {@value #COLUMNS} × {@value #ROWS} black or white
 * blocks holding the epoch milliseconds modulo 2<sup>40</sup> (most significant bit first) followed by a CRC-8 of
 * those five bytes. A block is 72 pixels square at 1080p, 16 at the 240p rung: large enough to survive x264 at the
 * lowest bitrate. The geometry is given in fractions of the picture, so the same code reads any rendition;
 * {@code probe.js} holds the same numbers. (The JavaCV recorder would save the process but loads libavdevice, which
 * nothing in StreamKit loads.)
 *
 * <p>Frames are due every 1/fps second on the wall clock. When the encoder cannot keep up, the frames already late
 * are skipped rather than queued, so the burned time stays the time the frame entered the encoder; the skips are
 * counted.
 */
final class ClockPublisher implements AutoCloseable {

  static final int COLUMNS = 24;
  static final int ROWS = 2;
  static final int TIME_BITS = 40;
  /** Pattern geometry in a 1920×1080 reference picture. */
  static final double REFERENCE_WIDTH = 1920;
  static final double REFERENCE_HEIGHT = 1080;
  static final double BLOCK = 72;
  static final double LEFT = 96;
  static final double TOP = 36;

  private static final int BLACK = 16;
  private static final int WHITE = 235;
  private static final int SCROLL_PIXELS_PER_FRAME = 6;
  private static final int BOX = 160;

  private final int width;
  private final int height;
  private final int fps;
  private final Process ffmpeg;
  private final Thread thread;
  private final byte[] texture;
  private final byte[] frame;
  private final AtomicLong framesSkipped = new AtomicLong();
  private volatile boolean running = true;
  private volatile Exception failure;

  private ClockPublisher(int width, int height, int fps, Process ffmpeg) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.ffmpeg = ffmpeg;
    this.texture = texture(2 * width, height);
    this.frame = new byte[width * height * 3];
    this.thread = new Thread(this::run, "clock-publisher");
    thread.setDaemon(true);
  }

  /**
   * Starts publishing to {@code rtmpUrl}.
   *
   * @param log where ffmpeg's messages go
   */
  static ClockPublisher start(String rtmpUrl, int width, int height, int fps, long videoBitsPerSecond, String preset,
      Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class), "-hide_banner",
        "-loglevel", "warning", "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", width + "x" + height,
        "-framerate", Integer.toString(fps), "-i", "pipe:0",
        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", preset, "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-b:v", Long.toString(videoBitsPerSecond), "-maxrate", Long.toString(videoBitsPerSecond),
        "-bufsize", Long.toString(videoBitsPerSecond / 2),
        "-g", Integer.toString(2 * fps), "-keyint_min", Integer.toString(2 * fps), "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "128k", "-f", "flv", rtmpUrl));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ClockPublisher publisher = new ClockPublisher(width, height, fps, process);
    publisher.thread.start();
    return publisher;
  }

  long framesSkipped() {
    return framesSkipped.get();
  }

  /** Throws if publishing stopped on its own (ffmpeg exited or its pipe broke). */
  void check() {
    if (failure != null || !ffmpeg.isAlive()) {
      throw new IllegalStateException("the publisher stopped"
          + (ffmpeg.isAlive() ? "" : " (ffmpeg exited with " + ffmpeg.exitValue() + ")")
          + (failure == null ? "" : ": " + failure), failure);
    }
  }

  private void run() {
    long frameNanos = TimeUnit.SECONDS.toNanos(1) / fps;
    long start = System.nanoTime();
    long n = 0;
    try (OutputStream out = ffmpeg.getOutputStream()) {
      while (running) {
        long wait = start + n * frameNanos - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        } else if (-wait >= frameNanos) {
          long late = -wait / frameNanos;
          framesSkipped.addAndGet(late);
          n += late;
        }
        render(n, System.currentTimeMillis());
        out.write(frame);
        out.flush();
        n++;
      }
    } catch (IOException e) {
      if (running) {
        failure = e;
      }
    }
  }

  private void render(long n, long epochMillis) {
    int row = width * 3;
    int offset = (int) (n * SCROLL_PIXELS_PER_FRAME % width) * 3;
    for (int y = 0; y < height; y++) {
      System.arraycopy(texture, y * 2 * row + offset, frame, y * row, row);
    }
    double t = n / (double) fps;
    int boxX = (int) ((width - BOX) * (0.5 + 0.5 * Math.sin(t * 1.3)));
    int boxY = (int) (height * 0.3 + (height * 0.7 - BOX) * (0.5 + 0.5 * Math.cos(t * 0.9)));
    fill(boxX, boxY, BOX, BOX, 250, 200, 40);
    int x0 = scaleX(LEFT);
    int y0 = scaleY(TOP);
    fill(x0 - scaleX(BLOCK / 2), y0 - scaleY(BLOCK / 2), scaleX(LEFT + COLUMNS * BLOCK + BLOCK / 2) - x0
        + scaleX(BLOCK / 2), scaleY(TOP + ROWS * BLOCK + BLOCK / 2) - y0 + scaleY(BLOCK / 2), BLACK, BLACK, BLACK);
    boolean[] bits = bits(epochMillis);
    for (int i = 0; i < bits.length; i++) {
      if (bits[i]) {
        int c = i % COLUMNS;
        int r = i / COLUMNS;
        int x = scaleX(LEFT + c * BLOCK);
        int y = scaleY(TOP + r * BLOCK);
        fill(x, y, scaleX(LEFT + (c + 1) * BLOCK) - x, scaleY(TOP + (r + 1) * BLOCK) - y, WHITE, WHITE, WHITE);
      }
    }
  }

  /** The 48 blocks: 40 bits of the time, then a CRC-8 (polynomial 0x07) of its five bytes. */
  static boolean[] bits(long epochMillis) {
    long time = epochMillis & ((1L << TIME_BITS) - 1);
    int crc = 0;
    for (int b = 4; b >= 0; b--) {
      crc ^= (int) (time >>> (8 * b)) & 0xff;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
      }
    }
    boolean[] bits = new boolean[COLUMNS * ROWS];
    for (int i = 0; i < TIME_BITS; i++) {
      bits[i] = ((time >>> (TIME_BITS - 1 - i)) & 1) == 1;
    }
    for (int i = 0; i < 8; i++) {
      bits[TIME_BITS + i] = ((crc >>> (7 - i)) & 1) == 1;
    }
    return bits;
  }

  private int scaleX(double reference) {
    return (int) Math.round(reference * width / REFERENCE_WIDTH);
  }

  private int scaleY(double reference) {
    return (int) Math.round(reference * height / REFERENCE_HEIGHT);
  }

  private void fill(int x, int y, int w, int h, int blue, int green, int red) {
    int row = width * 3;
    for (int j = Math.max(0, y); j < Math.min(height, y + h); j++) {
      for (int i = Math.max(0, x); i < Math.min(width, x + w); i++) {
        int p = j * row + i * 3;
        frame[p] = (byte) blue;
        frame[p + 1] = (byte) green;
        frame[p + 2] = (byte) red;
      }
    }
  }

  /** Colour gradients with fine noise, twice as wide as the picture so that it can scroll. */
  private static byte[] texture(int w, int h) {
    byte[] pixels = new byte[w * h * 3];
    Random random = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // periodic in x with period w / 2 so the wrap-around of the scroll is seamless
        double phase = 4 * Math.PI * x / w;
        int noise = random.nextInt(24);
        int p = (y * w + x) * 3;
        pixels[p] = (byte) (60 + 50 * Math.sin(phase) + y * 80 / h + noise);
        pixels[p + 1] = (byte) (90 + 60 * Math.cos(phase * 3 + y / 90.0) + noise);
        pixels[p + 2] = (byte) (100 + 60 * Math.sin(phase * 2 + y / 50.0) + noise);
      }
    }
    return pixels;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
      if (!ffmpeg.waitFor(5, TimeUnit.SECONDS)) {
        ffmpeg.destroy();
        ffmpeg.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ffmpeg.destroyForcibly();
    }
  }
}
