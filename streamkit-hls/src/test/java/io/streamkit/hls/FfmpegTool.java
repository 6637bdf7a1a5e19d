package io.streamkit.hls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** Runs the ffmpeg and ffprobe executables bundled with the FFmpeg natives; public for the tests of sub-packages. */
public final class FfmpegTool {

  static final String FFMPEG = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
  static final String FFPROBE = Loader.load(org.bytedeco.ffmpeg.ffprobe.class);

  private FfmpegTool() {}

  record Output(int exitCode, String stdout, String stderr) {}

  static Output run(List<String> command) {
    try {
      Path err = java.nio.file.Files.createTempFile("ffmpeg", ".err");
      Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      byte[] stdout = process.getInputStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      String stderr = java.nio.file.Files.readString(err);
      java.nio.file.Files.delete(err);
      return new Output(process.exitValue(), new String(stdout, StandardCharsets.ISO_8859_1), stderr);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs the bundled ffmpeg with {@code -y -v error} and the arguments; fails the test on a non-zero exit. */
  public static void ffmpeg(String... args) {
    List<String> command = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-y", "-v", "error"));
    command.addAll(List.of(args));
    Output out = run(command);
    if (out.exitCode() != 0) {
      throw new IllegalStateException("ffmpeg failed: " + String.join(" ", command) + "\n" + out.stderr());
    }
  }

  /** The luma plane of the first picture of {@code video}, one byte per pixel, row by row. */
  public static byte[] firstLuma(Path video) {
    return luma(List.of(), video);
  }

  /** The luma plane of the picture {@code seconds} into {@code video}, as {@link #firstLuma} reads it. */
  public static byte[] lumaAt(Path video, double seconds) {
    return luma(List.of("-ss", Double.toString(seconds)), video);
  }

  private static byte[] luma(List<String> seek, Path video) {
    List<String> command = new ArrayList<>(List.of(FFMPEG, "-v", "error"));
    command.addAll(seek);
    command.addAll(List.of("-i", video.toString(), "-frames:v", "1", "-vf", "extractplanes=y", "-f", "rawvideo",
        "-"));
    Output out = run(command);
    if (out.exitCode() != 0) {
      throw new IllegalStateException("ffmpeg could not decode " + video + "\n" + out.stderr());
    }
    return out.stdout().getBytes(StandardCharsets.ISO_8859_1);
  }

  public static String ffprobe(String... args) {
    List<String> command = new ArrayList<>(List.of(FFPROBE, "-hide_banner", "-v", "error"));
    command.addAll(List.of(args));
    Output out = run(command);
    if (out.exitCode() != 0) {
      throw new IllegalStateException("ffprobe failed: " + String.join(" ", command) + "\n" + out.stderr());
    }
    return out.stdout();
  }
}
