package io.streamkit.server.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The FLV stream a consumer reads, and the socket backpressure behind it, on an {@link EmbeddedChannel}. */
class FlvMediaStreamTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final FlvMediaStream media = new FlvMediaStream(new RtmpConnection(channel));

  @Test
  void tagsFollowTheFlvHeaderWithTheirTimestampSplitAndPreviousTagSize() throws IOException {
    media.tag(RtmpMessage.VIDEO, 0x01020304L, Unpooled.wrappedBuffer(new byte[] {0x17, 0x01}));
    media.finish();

    byte[] flv = media.readAllBytes();
    assertThat(flv).containsExactly(
        'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0,
        9, 0, 0, 2, 0x02, 0x03, 0x04, 0x01, 0, 0, 0, 0x17, 0x01, 0, 0, 0, 13);
    assertThat(media.read()).isEqualTo(-1);
  }

  @Test
  void theSocketPausesAboveTheHighWatermarkAndResumesBelowTheLow() throws IOException {
    byte[] body = new byte[64 * 1024];
    while (media.available() <= FlvMediaStream.HIGH_WATERMARK) {
      assertThat(channel.config().isAutoRead()).isTrue();
      media.tag(RtmpMessage.VIDEO, 0, Unpooled.wrappedBuffer(body));
    }
    assertThat(channel.config().isAutoRead()).isFalse();

    byte[] buffer = new byte[16 * 1024];
    while (media.available() >= FlvMediaStream.LOW_WATERMARK) {
      assertThat(channel.config().isAutoRead()).isFalse();
      media.read(buffer);
    }
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aLostConnectionWakesABlockedReaderWithAnIoExceptionAfterTheBufferedBytes() throws Exception {
    media.readNBytes(13);
    CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
      try {
        media.read();
        return null;
      } catch (IOException e) {
        return e;
      }
    });
    Thread.sleep(100);
    assertThat(reader).isNotDone();
    media.fail("the publisher's connection was lost");

    assertThat(reader.get(1, TimeUnit.SECONDS)).hasMessage("the publisher's connection was lost");
  }

  @Test
  void closingTheStreamClosesTheConnection() {
    media.close();

    assertThat(channel.isOpen()).isFalse();
    assertThatThrownBy(media::read).isInstanceOf(IOException.class);
  }
}
