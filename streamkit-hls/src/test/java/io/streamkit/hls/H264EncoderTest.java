package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The encoder choice, and the contract both H.264 encoders are opened to: segment boundaries become IDRs whatever
 * the GOP length, no GOP is longer than asked, High profile. The GPL natives have both encoders, so the normal build
 * checks OpenH264 too; {@code -Plgpl} runs the same tests on the LGPL natives.
 */
class H264EncoderTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 180;
  private static final int FPS = 30;
  private static final int GOP = 2 * FPS;
  private static final int FRAMES = 6 * FPS;
  /** Uneven, as segment boundaries fall on a source whose frames do not line up with the GOP. */
  private static final Set<Long> FORCED = Set.of(0L, 45L, 100L);

  @Test
  void x264WithTheGplNativesAndOpenH264WithTheLgplOnes() {
    boolean gplNatives = H264EncoderTest.class.getResource(
        "/org/bytedeco/ffmpeg/" + Loader.getPlatform() + "-gpl/") != null;

    assertThat(H264Encoder.available()).isEqualTo(gplNatives ? H264Encoder.X264 : H264Encoder.OPENH264);
  }

  @ParameterizedTest
  @EnumSource(H264Encoder.class)
  void framesSentAsIntraBecomeIdrsAndNoGopIsLongerThanAsked(H264Encoder h264) {
    Ffmpeg.load();
    assumeThat(avcodec_find_encoder_by_name(h264.codecName()))
        .as("%s is not in these FFmpeg natives", h264.codecName()).isNotNull();
    AVCodecContext encoder = h264.allocate();
    AVPacket packet = av_packet_alloc();
    try {
      encoder.width(WIDTH).height(HEIGHT).pix_fmt(AV_PIX_FMT_YUV420P);
      encoder.time_base(Ffmpeg.rational(1, FPS)).framerate(Ffmpeg.rational(FPS, 1));
      encoder.bit_rate(400_000).rc_max_rate(600_000).rc_buffer_size(800_000);
      encoder.gop_size(GOP).keyint_min(GOP).thread_count(0);
      encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
      h264.open(encoder, "veryfast", "the test");

      List<Long> keyFrames = new ArrayList<>();
      for (long pts = 0; pts < FRAMES; pts++) {
        AVFrame frame = movingGradient(pts);
        frame.pict_type(FORCED.contains(pts) ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        try {
          Ffmpeg.check(avcodec_send_frame(encoder, frame), "send");
        } finally {
          av_frame_free(frame);
        }
        drain(encoder, packet, keyFrames);
      }
      Ffmpeg.check(avcodec_send_frame(encoder, null), "flush");
      drain(encoder, packet, keyFrames);

      assertThat(AvcCodecString.of(extradata(encoder))).as("CODECS of the SPS: High profile").startsWith("avc1.64");
      assertThat(keyFrames).containsAll(FORCED);
      List<Long> bounds = new ArrayList<>(keyFrames);
      bounds.add((long) FRAMES);
      for (int i = 1; i < bounds.size(); i++) {
        assertThat(bounds.get(i) - bounds.get(i - 1)).as("GOP before frame %d, IDRs at %s", bounds.get(i), keyFrames)
            .isLessThanOrEqualTo(GOP);
      }
    } finally {
      av_packet_free(packet);
      avcodec_free_context(encoder);
    }
  }

  private static void drain(AVCodecContext encoder, AVPacket packet, List<Long> keyFrames) {
    while (true) {
      int ret = avcodec_receive_packet(encoder, packet);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
        return;
      }
      Ffmpeg.check(ret, "receive");
      if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
        keyFrames.add(packet.pts());
      }
      av_packet_unref(packet);
    }
  }

  /** A diagonal gradient moving two pixels a frame: motion for the encoder to predict, nothing like a scene cut. */
  private static AVFrame movingGradient(long pts) {
    AVFrame frame = av_frame_alloc();
    frame.format(AV_PIX_FMT_YUV420P).width(WIDTH).height(HEIGHT).pts(pts);
    Ffmpeg.check(av_frame_get_buffer(frame, 0), "frame buffer");
    byte[] row = new byte[WIDTH];
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        row[x] = (byte) (x + y + 2 * pts);
      }
      frame.data(0).position((long) y * frame.linesize(0)).put(row, 0, WIDTH);
    }
    byte[] chroma = new byte[WIDTH / 2];
    Arrays.fill(chroma, (byte) 128);
    for (int plane = 1; plane <= 2; plane++) {
      BytePointer data = frame.data(plane);
      for (int y = 0; y < HEIGHT / 2; y++) {
        data.position((long) y * frame.linesize(plane)).put(chroma, 0, WIDTH / 2);
      }
    }
    return frame;
  }

  private static byte[] extradata(AVCodecContext encoder) {
    byte[] bytes = new byte[encoder.extradata_size()];
    encoder.extradata().get(bytes);
    return bytes;
  }
}
