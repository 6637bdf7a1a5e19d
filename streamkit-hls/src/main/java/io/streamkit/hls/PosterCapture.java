package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;

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
    AVCodecContext jpeg = avcodec_alloc_context3(avcodec_find_encoder_by_name("mjpeg"));
    AVPacket packet = av_packet_alloc();
    try {
      jpeg.width(frame.width()).height(frame.height()).pix_fmt(AV_PIX_FMT_YUV420P)
          .time_base(Ffmpeg.rational(1, 25)).strict_std_compliance(avcodec.FF_COMPLIANCE_UNOFFICIAL);
      jpeg.flags(jpeg.flags() | avcodec.AV_CODEC_FLAG_QSCALE).global_quality(3 * org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA);
      Ffmpeg.check(avcodec_open2(jpeg, jpeg.codec(), (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
          "cannot open the JPEG encoder for the poster");
      int pictType = frame.pict_type();
      long pts = frame.pts();
      frame.pts(0);
      Ffmpeg.check(avcodec_send_frame(jpeg, frame), "cannot encode the poster");
      frame.pts(pts).pict_type(pictType);
      Ffmpeg.check(avcodec_send_frame(jpeg, null), "cannot encode the poster");
      Ffmpeg.check(avcodec_receive_packet(jpeg, packet), "cannot encode the poster");
      byte[] bytes = new byte[packet.size()];
      packet.data().get(bytes);
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write poster " + file, e);
    } finally {
      av_packet_free(packet);
      avcodec_free_context(jpeg);
    }
  }
}
