package io.streamkit.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** Small real videos (and audio files) made with the bundled ffmpeg, for tests that upload and transcode. */
public final class TestVideos {

  private TestVideos() {}

  /** A test pattern with a tone, H.264/AAC in MP4. */
  public static Path make(Path target, int seconds, int width, int height) throws IOException, InterruptedException {
    return ffmpeg(target, "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mp4");
  }

  /**
   * Like {@link #make}, with temporal noise over the pattern at {@code bitsPerSecond}: noise keeps the encoder at its
   * bitrate targets, so the renditions of a ladder differ in bitrate as much as they are meant to (what a test of
   * bitrate switching needs).
   */
  public static Path makeNoisy(Path target, int seconds, int width, int height, String bitsPerSecond)
      throws IOException, InterruptedException {
    return ffmpeg(target, "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
        "-vf", "noise=alls=30:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-b:v", bitsPerSecond, "-maxrate", bitsPerSecond, "-bufsize", "8M", "-c:a", "aac", "-b:a", "96k",
        "-shortest", "-f", "mp4");
  }

  /**
   * An audio-only file, as a podcast episode is: a 440 Hz tone at 44.1 kHz, in the format {@code target}'s extension
   * names (MP3 for {@code .mp3}, AAC in MP4 for {@code .m4a}, and so on).
   */
  public static Path makeAudio(Path target, int seconds) throws IOException, InterruptedException {
    return ffmpeg(target, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", Integer.toString(seconds),
        "-ac", "2");
  }

  private static Path ffmpeg(Path target, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class),
        "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of(args));
    command.add(target.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] log = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ffmpeg could not make " + target + ": " + new String(log, StandardCharsets.UTF_8));
    }
    return target;
  }
}
