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
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Writes one YUV 4:2:0 picture as a baseline JPEG file with FFmpeg's mjpeg encoder at a fixed quantiser scale: the
 * poster and the storyboard sheets. 4:2:0 with limited range is outside strict JPEG/JFIF (which is full range), so the
 * encoder runs with unofficial compliance; browsers and {@code javax.imageio} decode it.
 */
final class JpegPicture {

  /** mjpeg quantiser scale (2 best .. 31 worst); 3 keeps edges clean at a fraction of a lossless size. */
  static final int QUANTISER_SCALE = 3;

  private JpegPicture() {}

  /**
   * Encodes {@code picture} (left as it was: its {@code pts} and picture type are restored) into {@code file}.
   *
   * @param what names the picture in error messages, e.g. "the poster"
   */
  static void write(AVFrame picture, Path file, String what) {
    AVCodecContext jpeg = avcodec_alloc_context3(avcodec_find_encoder_by_name("mjpeg"));
    AVPacket packet = av_packet_alloc();
    int pictType = picture.pict_type();
    long pts = picture.pts();
    try {
      jpeg.width(picture.width()).height(picture.height()).pix_fmt(AV_PIX_FMT_YUV420P)
          .time_base(Ffmpeg.rational(1, 25)).strict_std_compliance(avcodec.FF_COMPLIANCE_UNOFFICIAL);
      jpeg.flags(jpeg.flags() | avcodec.AV_CODEC_FLAG_QSCALE).global_quality(QUANTISER_SCALE * avutil.FF_QP2LAMBDA);
      Ffmpeg.check(avcodec_open2(jpeg, jpeg.codec(), (AVDictionary) null), "cannot open the JPEG encoder for " + what);
      picture.pts(0);
      Ffmpeg.check(avcodec_send_frame(jpeg, picture), "cannot encode " + what);
      Ffmpeg.check(avcodec_send_frame(jpeg, null), "cannot encode " + what);
      Ffmpeg.check(avcodec_receive_packet(jpeg, packet), "cannot encode " + what);
      byte[] bytes = new byte[packet.size()];
      packet.data().get(bytes);
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + what + " to " + file, e);
    } finally {
      picture.pts(pts).pict_type(pictType);
      av_packet_free(packet);
      avcodec_free_context(jpeg);
    }
  }
}
