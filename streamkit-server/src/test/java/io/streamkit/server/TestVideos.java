package io.streamkit.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** Small real videos made with the bundled ffmpeg, for tests that upload and transcode. */
public final class TestVideos {

  private TestVideos() {}

  /** A test pattern with a tone, H.264/AAC in MP4. */
  public static Path make(Path target, int seconds, int width, int height) throws IOException, InterruptedException {
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mp4",
        target.toString()).redirectErrorStream(true).start();
    byte[] log = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ffmpeg could not make " + target + ": " + new String(log, StandardCharsets.UTF_8));
    }
    return target;
  }
}
