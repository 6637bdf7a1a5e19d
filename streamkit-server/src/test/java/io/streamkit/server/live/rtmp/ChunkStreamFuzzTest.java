package io.streamkit.server.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a publisher sends after the handshake (RTMP spec §5.3 chunks carrying §5.4 control messages, §7 commands in
 * AMF0, media) through the connection's decoder, its command handling and its error handler, as the pipeline has
 * them.
 *
 * <p>What must hold: any bytes end in decoded messages or a clean close, never an exception escaping the pipeline; no
 * message is longer than the limit; and the messages decoded do not depend on how TCP happened to cut the bytes — all
 * at once, or in pieces of 1 to 8 bytes (the first byte picks the size), give the same messages up to the same close.
 */
class ChunkStreamFuzzTest {

  private static final int MAX_MESSAGE_BYTES = RtmpServer.MIN_MAX_MESSAGE_BYTES;

  @FuzzTest
  void decode(byte[] input) {
    Run whole = new Run();
    whole.feed(input, Math.max(1, input.length));
    Run pieces = new Run();
    pieces.feed(input, input.length == 0 ? 1 : 1 + (input[0] & 7));

    assertThat(pieces.messages).isEqualTo(whole.messages);
    assertThat(pieces.channel.isOpen()).isEqualTo(whole.channel.isOpen());
  }

  /** One connection's pipeline after the handshake, recording the messages it decodes while it is open. */
  private static final class Run {
    final List<String> messages = new ArrayList<>();
    final EmbeddedChannel channel = new EmbeddedChannel();

    Run() {
      RtmpConnection connection = new RtmpConnection(channel);
      RtmpPublishers publishers = new RtmpPublishers() {
        @Override
        public CompletionStage<Optional<String>> authorize(String app, String streamKey,
            InetSocketAddress client) {
          return CompletableFuture.completedFuture(
              streamKey.startsWith("refused") ? Optional.of("refused") : Optional.empty());
        }

        @Override
        public void publishing(RtmpPublication publication) {}
      };
      channel.pipeline()
          .addLast(RtmpPipeline.CHUNK_ENCODER, new ChunkEncoder())
          .addLast(RtmpPipeline.CHUNK_DECODER, new ChunkDecoder(MAX_MESSAGE_BYTES, PublishSessionHandler.WINDOW,
              connection.bytesReceived))
          .addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              RtmpMessage message = (RtmpMessage) msg;
              assertThat(message.payload.readableBytes()).isLessThanOrEqualTo(MAX_MESSAGE_BYTES);
              if (ctx.channel().isOpen()) {
                messages.add(message.typeId + "/" + message.streamId + "/" + message.timestamp + "/"
                    + ByteBufUtil.hexDump(message.payload));
              }
              ctx.fireChannelRead(msg);
            }
          })
          .addLast(RtmpPipeline.SESSION, new PublishSessionHandler(connection, publishers, new ConcurrentHashMap<>(),
              RtmpServer.DEFAULT_MAX_LEAD_AHEAD_OF_REAL_TIME.toMillis(), System::nanoTime))
          .addLast(RtmpPipeline.ERRORS, new ConnectionErrorHandler(connection));
    }

    void feed(byte[] input, int piece) {
      for (int at = 0; at < input.length && channel.isOpen(); at += piece) {
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, at, Math.min(input.length,
            at + piece))));
      }
      channel.checkException();
      channel.finishAndReleaseAll();
    }
  }
}
