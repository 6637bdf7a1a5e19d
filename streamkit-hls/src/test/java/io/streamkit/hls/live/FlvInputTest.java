package io.streamkit.hls.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.streamkit.hls.FfmpegTool;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlvInputTest {

  @TempDir Path dir;

  /**
   * A live decoder that held pictures back would add their duration to every viewer's latency: with FFmpeg's frame
   * threads, one per core and one more, a picture came out only once the packets of the next two (two cores) or
   * sixteen (sixteen cores) had gone in.
   */
  @Test
  void eachVideoPacketDecodesIntoItsPictureAtOnce() throws Exception {
    Path file = dir.resolve("input.flv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "2", "-c:v", "libx264",
        "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "flv", file.toString());
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try (InputStream in = Files.newInputStream(file); FlvInput input = FlvInput.open("test", in, () -> false)) {
      int packets = 0;
      while (input.read(packet) >= 0) {
        if (packet.stream_index() == input.video().index()) {
          packets++;
          assertThat(avcodec_send_packet(input.videoDecoder(), packet)).isZero();
          assertThat(avcodec_receive_frame(input.videoDecoder(), frame)).as("picture of packet %d", packets).isZero();
          av_frame_unref(frame);
        }
        av_packet_unref(packet);
      }
      assertThat(packets).isEqualTo(60);
    } finally {
      av_packet_free(packet);
      av_frame_free(frame);
    }
  }
}
