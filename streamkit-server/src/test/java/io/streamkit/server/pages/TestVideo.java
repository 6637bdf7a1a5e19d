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

  /** A 854x480 source with audio, for uploading. */
  static void source(Path file) throws IOException {
    ffmpeg(file.getParent(), "-f", "lavfi", "-i", "testsrc2=size=854x480:rate=25", "-f", "lavfi",
        "-i", "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(SECONDS),
        "-vf", "noise=alls=30:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
        "-c:a", "aac", "-b:a", "96k", "-shortest", file.getFileName().toString());
  }

  /** An fMP4 HLS title with 480p, 360p and 180p variants of 1.6, 0.8 and 0.2 Mbit/s in two-second segments. */
  static void packageThreeRungs(Path titleDirectory) throws IOException {
    ffmpeg(titleDirectory, "-f", "lavfi", "-i", "testsrc2=size=854x480:rate=25", "-t", String.valueOf(SECONDS),
        "-filter_complex", "[0:v]noise=alls=30:allf=t,split=3[a][b][c];[b]scale=640:360[b2];[c]scale=320:180[c2]",
        "-map", "[a]", "-map", "[b2]", "-map", "[c2]",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
        "-b:v:0", "1600k", "-maxrate:v:0", "1600k", "-bufsize:v:0", "1600k",
        "-b:v:1", "800k", "-maxrate:v:1", "800k", "-bufsize:v:1", "800k",
        "-b:v:2", "200k", "-maxrate:v:2", "200k", "-bufsize:v:2", "200k",
        "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
        "-hls_segment_type", "fmp4", "-hls_segment_filename", "v%v/seg_%05d.m4s",
        "-hls_fmp4_init_filename", "init.mp4", "-master_pl_name", "master.m3u8",
        "-var_stream_map", "v:0 v:1 v:2", "v%v/index.m3u8");
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
