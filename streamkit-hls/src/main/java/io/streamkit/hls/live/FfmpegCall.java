package io.streamkit.hls.live;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import io.streamkit.hls.TranscodeException;
import java.nio.charset.StandardCharsets;

/**
 * FFmpeg return codes as one-line {@link TranscodeException}s, and the natives' console logging silenced, as the
 * video-on-demand pipeline does: every failure reaches the caller or the log as one line instead.
 */
final class FfmpegCall {

  private static volatile boolean loaded;

  private FfmpegCall() {}

  static void load() {
    if (!loaded) {
      synchronized (FfmpegCall.class) {
        if (!loaded) {
          av_log_set_level(AV_LOG_FATAL);
          loaded = true;
        }
      }
    }
  }

  /** Throws with {@code what} and FFmpeg's reason when {@code ret} is an error code; returns it otherwise. */
  static int check(int ret, String what) {
    if (ret < 0) {
      throw new TranscodeException(what + " (FFmpeg: " + errorText(ret) + ")");
    }
    return ret;
  }

  static String errorText(int code) {
    byte[] buffer = new byte[256];
    av_strerror(code, buffer, buffer.length);
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8);
  }
}
