package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Which heads {@link PlainRequestDecoder} reads into the connection's reused request and which it leaves to Netty.
 * That both give the same messages for any bytes is {@link PlainRequestDecoderFuzzTest}'s.
 */
class PlainRequestDecoderTest {

  private final EmbeddedChannel channel = new EmbeddedChannel(new PlainRequestDecoder(new HttpDecoderConfig()));

  private Object read(String bytes) {
    channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    return channel.readInbound();
  }

  @Test
  void anIdleConnectionsPlainRequestsAreReadIntoItsOneRequest() {
    Object first = read("GET /titles/t1/v0/seg_00001.m4s?token=abc HTTP/1.1\r\nHost: origin.example\r\n\r\n");
    assertThat(first).isInstanceOf(PlainRequestDecoder.PlainRequest.class);
    assertThat(((HttpRequest) first).uri()).isEqualTo("/titles/t1/v0/seg_00001.m4s?token=abc");
    assertThat(((HttpRequest) first).headers().get(HttpHeaderNames.HOST)).isEqualTo("origin.example");
    assertThat((Object) channel.readInbound()).as("a plain request is whole: no last content after it").isNull();

    Object second = read("HEAD /titles/t1/v0/seg_00002.m4s HTTP/1.1\r\nRange:  bytes=0-9 \r\n\r\n");
    assertThat(second).isSameAs(first);
    HttpRequest request = (HttpRequest) second;
    assertThat(request.method()).isEqualTo(HttpMethod.HEAD);
    assertThat(request.uri()).isEqualTo("/titles/t1/v0/seg_00002.m4s");
    assertThat(request.headers().get(HttpHeaderNames.RANGE)).isEqualTo("bytes=0-9");
    assertThat(request.headers().contains(HttpHeaderNames.HOST)).as("the first request's header").isFalse();
  }

  @Test
  void aRequestBehindAnOutstandingResponseKeepsObjectsOfItsOwn() {
    ConnectionState.of(channel).outstanding = 1;
    Object held = read("GET /titles/t1/v0/seg_00001.m4s HTTP/1.1\r\nHost: origin.example\r\n\r\n");
    assertThat(held).isInstanceOf(HttpRequest.class).isNotInstanceOf(PlainRequestDecoder.PlainRequest.class);
    assertThat(((HttpRequest) held).uri()).isEqualTo("/titles/t1/v0/seg_00001.m4s");
  }

  @Test
  void aHeadWithFramingHeadersIsNettysAndAmbiguousFramingStillFails() {
    Object smuggled = read("GET /titles/t1/v0/a.m4s HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(smuggled).isNotInstanceOf(PlainRequestDecoder.PlainRequest.class);
    assertThat(((HttpRequest) smuggled).decoderResult().cause())
        .isInstanceOf(FramingCheckedRequestDecoder.AmbiguousFramingException.class);
  }

  @Test
  void aHeadSplitAcrossReadsIsDecodedByNettyAndTheNextPlainOneInPlaceAgain() {
    assertThat(read("GET /titles/t1/v0/seg_00001.m4s HTTP/1.1\r\nHo")).isNull();
    Object split = read("st: origin.example\r\n\r\n");
    assertThat(split).isNotInstanceOf(PlainRequestDecoder.PlainRequest.class);
    assertThat(((HttpRequest) split).headers().get(HttpHeaderNames.HOST)).isEqualTo("origin.example");
    assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);

    assertThat(read("GET /titles/t1/v0/seg_00002.m4s HTTP/1.1\r\n\r\n"))
        .isInstanceOf(PlainRequestDecoder.PlainRequest.class);
  }
}
