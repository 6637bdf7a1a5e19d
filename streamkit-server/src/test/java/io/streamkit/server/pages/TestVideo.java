package io.streamkit.server.pages;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test media made with the bundled ffmpeg executable. Temporal noise over the test pattern keeps the encoder at its
 * bitrate targets, so renditions differ in bitrate as much as they are meant to.
 */
final class TestVideo {

  static final int SECONDS = 30;

  private TestVideo() {}

  /** A 854x480 source at about 4 Mbit/s with a tone, for uploading. */
  static void source(Path file) throws IOException {
    ffmpeg(file.getParent(), "-f", "lavfi", "-i", "testsrc2=size=854x480:rate=25", "-f", "lavfi",
        "-i", "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(SECONDS),
        "-vf", "noise=alls=30:allf=t", "-c:v", "libx264", "-preset", "ultrafast",
        "-b:v", "4M", "-maxrate", "4M", "-bufsize", "8M",
        "-c:a", "aac", "-b:a", "96k", "-shortest", file.getFileName().toString());
  }

  private static void ffmpeg(Path workingDirectory, String... args) throws IOException {
    String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("ffmpeg failed: " + new String(p.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making test media", e);
    }
  }
}
