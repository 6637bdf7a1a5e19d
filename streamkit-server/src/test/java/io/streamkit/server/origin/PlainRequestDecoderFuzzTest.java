package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The bytes of a connection, decoded by the origin's {@link PlainRequestDecoder} and by Netty's decoder with the
 * origin's framing checks alone ({@link FramingCheckedRequestDecoder}, what the origin ran before): the two must give
 * the same messages, in the same order — each request's method, target, version, headers in order, whether it
 * failed and why, each content's bytes — where a plain request, whole in itself, stands for the request and the empty
 * last content Netty gives after it; so that reading plain heads in place changes nothing a handler sees but that
 * empty content, and every head it does not read (bodies, ambiguous framing, HTTP/1.0, folded or bare-LF lines,
 * heads over a limit) is still Netty's to accept or refuse. The first byte of the input picks where the rest is split
 * into two reads (0: one read), as a head split across TCP segments arrives.
 */
class PlainRequestDecoderFuzzTest {

  private static final int MAX_LINE = 120;
  private static final int MAX_HEADERS = 240;

  @FuzzTest
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
    int split = bytes.length == 0 ? 0 : (input[0] & 0xff) % bytes.length;
    List<String> plain = decoded(new PlainRequestDecoder(config()), bytes, split);
    List<String> netty = decoded(new FramingCheckedRequestDecoder(config()), bytes, split);
    assertThat(plain).as("messages of %s", new String(bytes, StandardCharsets.ISO_8859_1)).isEqualTo(netty);
  }

  private static HttpDecoderConfig config() {
    return new HttpDecoderConfig().setMaxInitialLineLength(MAX_LINE).setMaxHeaderSize(MAX_HEADERS)
        .setMaxChunkSize(8192);
  }

  /** Each message described when it is read: a plain request is the connection's, read again for the next. */
  private static List<String> decoded(FramingCheckedRequestDecoder decoder, byte[] bytes, int split) {
    List<String> messages = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        messages.add(describe(msg));
        if (msg instanceof PlainRequestDecoder.PlainRequest) {
          messages.add(describe(LastHttpContent.EMPTY_LAST_CONTENT));
        }
        ReferenceCountUtil.release(msg);
      }
    });
    if (split > 0) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
    }
    channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
    channel.finishAndReleaseAll();
    return messages;
  }

  private static String describe(Object msg) {
    StringBuilder text = new StringBuilder();
    if (msg instanceof HttpRequest request) {
      text.append(request.method()).append(' ').append(request.uri()).append(' ').append(request.protocolVersion());
      for (Iterator<Map.Entry<CharSequence, CharSequence>> i = request.headers().iteratorCharSequence();
          i.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> header = i.next();
        text.append(" | ").append(header.getKey()).append(": ").append(header.getValue());
      }
      text.append(result(request.decoderResult().cause()));
    }
    if (msg instanceof HttpContent content) {
      text.append(msg instanceof LastHttpContent ? " last content " : " content ")
          .append(content.content().toString(StandardCharsets.ISO_8859_1)).append(result(content.decoderResult()
              .cause()));
    }
    return text.length() == 0 ? msg.getClass().getName() : text.toString();
  }

  private static String result(Throwable cause) {
    return cause == null ? "" : " failed: " + cause.getClass().getName();
  }
}
