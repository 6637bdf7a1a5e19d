package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;

/** Small pieces every FFmpeg call site needs: loading natives once, error codes as text, rationals. */
final class Ffmpeg {

  private static volatile boolean loaded;

  private Ffmpeg() {}

  /**
   * Loads the natives and silences FFmpeg's own console logging: every failure reaches the caller as one
   * {@link TranscodeException} line instead.
   */
  static void load() {
    if (!loaded) {
      synchronized (Ffmpeg.class) {
        if (!loaded) {
          av_log_set_level(AV_LOG_FATAL);
          loaded = true;
        }
      }
    }
  }

  static String errorText(int code) {
    byte[] buffer = new byte[256];
    av_strerror(code, buffer, buffer.length);
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Throws with {@code what} and FFmpeg's reason when {@code ret} is an error code; returns it otherwise. */
  static int check(int ret, String what) {
    if (ret < 0) {
      throw new TranscodeException(what + " (FFmpeg: " + errorText(ret) + ")");
    }
    return ret;
  }

  static AVRational rational(int num, int den) {
    return avutil.av_make_q(num, den);
  }
}
