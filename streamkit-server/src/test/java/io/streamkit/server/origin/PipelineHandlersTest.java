package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Single handlers on {@link EmbeddedChannel}: what each lets through, what it answers, what it counts. */
class PipelineHandlersTest {

  private final OriginMetrics metrics = new OriginMetrics(new SimpleMeterRegistry());

  @Test
  void theDecoderRoutesAndExtractsTheToken() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(metrics));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "/titles/t1/v0/seg_1.m4s?x=1&token=abc"));

    OriginRequest request = ch.readInbound();
    assertThat(request.route).isEqualTo(Route.MEDIA);
    assertThat(request.path.segment(1)).isEqualTo("t1");
    assertThat(request.token).isEqualTo("abc");
    assertThat(request.keepAlive).isTrue();

    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/titles/t1/v0/index.m3u8"));
    assertThat(((OriginRequest) ch.readInbound()).route).isEqualTo(Route.PLAYLIST);
  }

  @Test
  void theDecoderAnswersBadPathsItselfAndCountsThem() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(metrics));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/titles/%2e%2e/x"));

    assertThat((Object) ch.readInbound()).isNull();
    FullHttpResponse response = ch.readOutbound();
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("\"error\":\"bad_path\"");
    assertThat(metrics.rejections(OriginMetrics.BAD_PATH)).isEqualTo(1);
    response.release();
  }

  @Test
  void theGateStopsABadTokenAndPassesAGoodOne() throws Exception {
    byte[] secret = "embedded-channel-secret-of-32-bytes-min".getBytes(StandardCharsets.UTF_8);
    PlaybackTokenVerifier verifier = PlaybackTokenVerifier.builder().hs256(secret).build();
    MediaRoot root = new MediaRoot(java.nio.file.Files.createTempDirectory("gate"));
    EmbeddedChannel ch = new EmbeddedChannel(new TokenGate(
        new PlaybackAccess(verifier, root, null, new PlaylistCache(), metrics, null, null), metrics,
        new ClientRateLimiter(RateLimits.none())));
    String good = PlaybackTokenSigner.hs256(secret).sign(PlaybackClaims.builder().title("t1")
        .expiresAt(Instant.now().plusSeconds(60)).build());

    ch.writeInbound(request("/titles/t1/v0/seg_1.m4s", good));
    OriginRequest passed = ch.readInbound();
    assertThat(passed.claims.titleId()).isEqualTo("t1");

    ch.writeInbound(request("/titles/t2/v0/seg_1.m4s", good));
    assertThat((Object) ch.readInbound()).isNull();
    FullHttpResponse refused = ch.readOutbound();
    assertThat(refused.status().code()).isEqualTo(403);
    assertThat(metrics.rejections("token_wrong_title")).isEqualTo(1);
    refused.release();

    ch.writeInbound(request("/healthz", null));
    assertThat(((OriginRequest) ch.readInbound()).route).isEqualTo(Route.HEALTH);
  }

  @Test
  void aRequestHeadThatDoesNotCompleteInTimeClosesTheConnection() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(
        new ClientTimeoutHandler(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(30), metrics));
    ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHo", StandardCharsets.US_ASCII));
    ((io.netty.buffer.ByteBuf) ch.readInbound()).release();

    Thread.sleep(80);
    ch.runScheduledPendingTasks();

    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.rejections(OriginMetrics.REQUEST_HEAD_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aConnectionBusyRespondingIsNotTimedOutButAnIdleOneIs() throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(
        new ClientTimeoutHandler(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(30), metrics),
        new RequestCycleHandler());
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/big.m4s"));
    ch.readInbound();

    Thread.sleep(80);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("a long response is not an idle client").isTrue();

    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    Thread.sleep(80);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("idle after the response").isFalse();
    assertThat(metrics.rejections(OriginMetrics.REQUEST_HEAD_TIMEOUT)).as("idle is not a rejection").isZero();
  }

  @Test
  void aPipelinedRequestWaitsUntilTheResponseBeforeItIsComplete() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestCycleHandler());
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a"));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/b"));
    assertThat(((HttpRequest) ch.readInbound()).uri()).isEqualTo("/a");
    assertThat((Object) ch.readInbound()).as("/b is held while /a is answered").isNull();
    assertThat(ch.config().isAutoRead()).as("reading pauses while a request is held").isFalse();

    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    ch.runPendingTasks();
    assertThat(((HttpRequest) ch.readInbound()).uri()).isEqualTo("/b");
    assertThat(ConnectionState.of(ch).phase).isEqualTo(ConnectionState.Phase.RESPONDING);
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(ConnectionState.of(ch).phase).isEqualTo(ConnectionState.Phase.IDLE);
    ch.finishAndReleaseAll();
  }

  private static OriginRequest request(String path, String token) {
    RequestPath p = RequestPath.parse(path);
    return new OriginRequest(HttpMethod.GET, new DefaultHttpHeaders(), true, RequestDecoder.route(p), p,
        QueryString.parse(token == null ? null : "token=" + token), InetAddress.getLoopbackAddress(), false);
  }
}
