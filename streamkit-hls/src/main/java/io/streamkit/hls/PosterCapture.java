package io.streamkit.hls;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Writes the poster: the top rendition's first frame at or after {@link #POSTER_FRACTION} of the duration (capped
 * at {@link #MAX_POSTER_SECONDS}), as a JPEG, so it skips black lead-in frames without waiting for a long title. The
 * very first frame is written at once as a fallback, in case the container overstates the video's duration.
 */
final class PosterCapture {

  static final String FILE_NAME = "poster.jpg";
  static final double POSTER_FRACTION = 0.1;
  static final double MAX_POSTER_SECONDS = 10;

  private final Path file;
  private final double atSeconds;
  private boolean written;
  private boolean atChosenTime;

  PosterCapture(Path file, double durationSeconds) {
    this.file = file;
    this.atSeconds = Math.min(MAX_POSTER_SECONDS, Math.max(0, durationSeconds) * POSTER_FRACTION);
  }

  /** Called with every encoded frame of the top rendition, on its worker thread. */
  void offer(AVFrame frame, double seconds) {
    if (atChosenTime || (written && seconds < atSeconds)) {
      return;
    }
    written = true;
    atChosenTime = seconds >= atSeconds;
    JpegPicture.write(frame, file, "the poster");
  }
}
