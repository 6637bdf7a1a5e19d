package io.streamkit.server.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Chunk headers, control messages and acknowledgements (RTMP spec §5.3, §5.4) on an {@link EmbeddedChannel}. */
class ChunkDecoderTest {

  private final AtomicLong received = new AtomicLong();
  private final EmbeddedChannel channel = new EmbeddedChannel(new ChunkEncoder(),
      new ChunkDecoder(RtmpServer.MIN_MAX_MESSAGE_BYTES, PublishSessionHandler.WINDOW, received));

  private List<RtmpMessage> messages() {
    List<RtmpMessage> out = new ArrayList<>();
    for (RtmpMessage m; (m = channel.readInbound()) != null; ) {
      out.add(m);
    }
    return out;
  }

  private static ByteBuf bytes(int... values) {
    ByteBuf buf = Unpooled.buffer();
    for (int v : values) {
      buf.writeByte(v);
    }
    return buf;
  }

  @Test
  void formatsOneToThreeCarryTimestampDeltasAndFormatThreeRepeatsTheLast() {
    channel.writeInbound(bytes(
        0x04, 0, 0x03, 0xE8, 0, 0, 1, 8, 1, 0, 0, 0, 0xAA, // format 0: ts 1000, 1 byte, audio, stream 1
        0x44, 0, 0, 40, 0, 0, 1, 8, 0xBB, // format 1: +40
        0x84, 0, 0, 20, 0xCC, // format 2: +20
        0xC4, 0xDD)); // format 3 starting a message: +20 again

    assertThat(messages()).extracting(m -> m.timestamp).containsExactly(1000L, 1040L, 1060L, 1080L);
  }

  @Test
  void anExtendedTimestampIsReadOnEveryChunkOfItsMessage() {
    ByteBuf in = bytes(0x04, 0xFF, 0xFF, 0xFF, 0, 0, 200, 9, 1, 0, 0, 0, 0x01, 0x00, 0x00, 0x05);
    in.writeBytes(new byte[128]);
    in.writeBytes(bytes(0xC4, 0x01, 0x00, 0x00, 0x05));
    in.writeBytes(new byte[72]);
    channel.writeInbound(in);

    List<RtmpMessage> messages = messages();
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).timestamp).isEqualTo(0x01000005L);
    assertThat(messages.get(0).payload.readableBytes()).isEqualTo(200);
  }

  @Test
  void thePeersChunkSizeAppliesFromItsSetChunkSizeAndAbortDropsAPartialMessage() {
    channel.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0x01, 0x00)); // Set Chunk Size 256
    ByteBuf in = bytes(0x04, 0, 0, 0, 0, 0x01, 0x2C, 9, 1, 0, 0, 0); // 300 bytes: 256 + 44
    in.writeBytes(new byte[256]).writeBytes(bytes(0xC4)).writeBytes(new byte[44]);
    in.writeBytes(bytes(0x05, 0, 0, 0, 0, 0x01, 0x2C, 8, 1, 0, 0, 0)).writeBytes(new byte[256]); // partial on 5
    in.writeBytes(bytes(0x02, 0, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0, 5)); // Abort chunk stream 5
    in.writeBytes(bytes(0x05, 0, 0, 0, 0, 0, 1, 8, 1, 0, 0, 0, 0xEE)); // a new whole message on 5
    channel.writeInbound(in);

    List<RtmpMessage> messages = messages();
    assertThat(messages).extracting(m -> m.payload.readableBytes()).containsExactly(300, 1);
    assertThat((int) messages.get(1).payload.getUnsignedByte(0)).isEqualTo(0xEE);
  }

  @Test
  void anAcknowledgementGoesOutOnceThePeersWindowIsPassed() {
    channel.writeInbound(bytes(0x02, 0, 0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0x03, 0xE8)); // window 1000
    assertThat((Object) channel.readOutbound()).isNull();
    ByteBuf audio = bytes(0x04, 0, 0, 0, 0, 0, 100, 8, 1, 0, 0, 0);
    audio.writeBytes(new byte[100]);
    for (int i = 0; i < 9; i++) {
      channel.writeInbound(audio.retainedDuplicate());
    }

    audio.release();
    ByteBuf ack = channel.readOutbound();
    long total = received.get();
    assertThat(total).isEqualTo(16 + 9 * 112);
    // csid 2, format 0, ts 0, length 4, type 3 (Acknowledgement), stream 0, then the bytes received
    assertThat(ByteBufUtil.hexDump(ack)).isEqualTo("020000000000040300000000" + String.format("%08x", total));
  }
}
