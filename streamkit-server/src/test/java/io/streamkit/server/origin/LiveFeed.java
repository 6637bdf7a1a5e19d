package io.streamkit.server.origin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * A broadcaster for tests: the bundled ffmpeg encodes a test pattern with a tone in real time (H.264 with a keyframe
 * every second, AAC) into MPEG-TS, and a second ffmpeg publishes it over RTMP as OBS would. The bytes pass through
 * this process between the two, so a test can {@linkplain #pause() pull the cable}: the RTMP connection stays open
 * and the stream stalls without ending, as when an encoder's camera freezes.
 */
final class LiveFeed implements AutoCloseable {

  static final String FFMPEG = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);

  private final Process encoder;
  private final Process publisher;
  private final Thread relay;
  private final Object gate = new Object();
  private boolean paused;

  private LiveFeed(Process encoder, Process publisher) {
    this.encoder = encoder;
    this.publisher = publisher;
    this.relay = new Thread(this::relay, "live-feed-relay");
    relay.setDaemon(true);
    relay.start();
  }

  /** Starts publishing a {@code width}x{@code height} pattern to {@code rtmpUrl}; ffmpeg's messages go to {@code log}. */
  static LiveFeed start(String rtmpUrl, int width, int height, Path log) throws IOException {
    Process encoder = new ProcessBuilder(FFMPEG, "-hide_banner", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-f", "mpegts", "pipe:1")
        .redirectError(log.resolveSibling(log.getFileName() + ".encoder").toFile()).start();
    Process publisher = new ProcessBuilder(List.of(FFMPEG, "-hide_banner", "-loglevel", "error",
        "-f", "mpegts", "-i", "pipe:0", "-c", "copy", "-f", "flv", rtmpUrl))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new LiveFeed(encoder, publisher);
  }

  /** Stops passing media on; the publisher's connection stays open with nothing to send. */
  void pause() {
    synchronized (gate) {
      paused = true;
    }
  }

  /** Whether the publisher has exited, as it does when the server refuses or drops it. */
  boolean exited(long millis) throws InterruptedException {
    return publisher.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  private void relay() {
    byte[] buffer = new byte[4096];
    try (InputStream in = encoder.getInputStream(); OutputStream out = publisher.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (gate) {
          while (paused) {
            gate.wait();
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // The publisher or the encoder went away: the feed is over.
    }
  }

  @Override
  public void close() {
    relay.interrupt();
    encoder.destroyForcibly();
    publisher.destroyForcibly();
    try {
      encoder.waitFor(10, TimeUnit.SECONDS);
      publisher.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
