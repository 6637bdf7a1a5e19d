package io.streamkit.benchmarks.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Loader;

/**
 * A publisher's FLV file made by the bundled ffmpeg: {@code testsrc2} with temporal noise, so x264 spends the bitrate
 * a camera would need instead of coasting on a static pattern, H.264 High at a constant bitrate with an IDR every
 * 2 s (a broadcaster's usual GOP), AAC-LC stereo 48 kHz.
 */
final class TestSignal {

  private TestSignal() {}

  /** Writes {@code seconds} of {@code width}x{@code height} at 30 fps and {@code videoKbps} to {@code flv}. */
  static Path flv(Path flv, int seconds, int width, int height, int videoKbps) throws IOException,
      InterruptedException {
    return flv(flv, seconds, width, height, videoKbps, false);
  }

  /**
   * Like {@link #flv(Path, int, int, int, int)}, or with {@code hlg} as a phone or OBS publishes HDR: the picture in
   * HLG and BT.2020 (its white at BT.2408's reference white), HEVC Main 10 over enhanced RTMP, tagged so.
   */
  static Path flv(Path flv, int seconds, int width, int height, int videoKbps, boolean hlg) throws IOException,
      InterruptedException {
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    String rate = videoKbps + "k";
    List<String> video = hlg
        ? List.of("-vf", "noise=alls=20:allf=t+u,format=yuv420p,zscale=tin=bt709:pin=bt709:min=bt709:rin=tv"
            + ":t=arib-std-b67:p=bt2020:m=bt2020nc:r=tv:npl=203,format=yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast",
            "-x265-params", "log-level=error", "-color_primaries", "bt2020", "-color_trc", "arib-std-b67",
            "-colorspace", "bt2020nc")
        : List.of("-vf", "noise=alls=20:allf=t+u", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high",
            "-pix_fmt", "yuv420p");
    // One filter thread: zscale sliced over threads fails on this picture ("code -1" from zimg).
    List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-filter_threads", "1", "-f", "lavfi", "-i",
        String.format(Locale.ROOT, "testsrc2=size=%dx%d:rate=30", width, height),
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds)));
    command.addAll(video);
    command.addAll(List.of("-b:v", rate, "-maxrate", rate, "-bufsize", (2 * videoKbps) + "k",
        "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000", "-f", "flv", flv.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0 || !Files.isRegularFile(flv)) {
      throw new IOException("ffmpeg could not make the test signal: " + output.strip());
    }
    return flv;
  }
}
