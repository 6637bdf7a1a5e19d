package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void eachRequestOnAKeptAliveConnectionHasItsOwnPathAndToken() {
    EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(metrics));
    String[] targets = {"/titles/t1/v0/seg_1.m4s?token=abc", "/titles/t1/v0/seg_2.m4s?token=abc",
        "/titles/t1/v0/seg_2.m4s?token=abd", "/titles/t1/v0/seg%5F2.m4s?token=ab%63", "/titles/t2/v0/seg_2.m4s"};
    String[][] expected = {{"t1", "seg_1.m4s", "abc"}, {"t1", "seg_2.m4s", "abc"}, {"t1", "seg_2.m4s", "abd"},
        {"t1", "seg_2.m4s", "abc"}, {"t2", "seg_2.m4s", null}};
    for (int i = 0; i < targets.length; i++) {
      ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, targets[i]));
      OriginRequest request = ch.readInbound();
      assertThat(request.path.segment(1)).as(targets[i]).isEqualTo(expected[i][0]);
      assertThat(request.path.last()).as(targets[i]).isEqualTo(expected[i][1]);
      assertThat(request.token).as(targets[i]).isEqualTo(expected[i][2]);
    }
    ch.finishAndReleaseAll();
  }

  @Test
  void aFileChangedInPlaceIsAnsweredWithItsNewHeadersAtTheRecheckOrOnceAResponseFromItEndedShort(@TempDir Path data)
      throws Exception {
    // Larger than a body held in memory in each of its versions below, so sent from the kept-open descriptor.
    int size = 2 * MemoryBodies.MAX_FILE_BYTES;
    Path segment = Files.createDirectories(data.resolve("titles/t1/v0")).resolve("seg_1.m4s");
    Files.write(segment, new byte[size]);
    Files.setLastModifiedTime(segment, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    AtomicLong nanos = new AtomicLong();
    EmbeddedChannel ch = new EmbeddedChannel(new FileHandler(new MediaRoot(data, nanos::get), false, metrics));

    Served first = send(ch);
    assertThat(first.announced()).isEqualTo(size);
    assertThat(first.sent()).isEqualTo(size);

    Files.write(segment, new byte[size + 10]);
    Files.setLastModifiedTime(segment, FileTime.from(Instant.parse("2026-01-01T00:00:05Z")));
    Served grown = send(ch);
    assertThat(grown.announced()).as("grown in place: the open file, whole, until the path is checked again")
        .isEqualTo(size);
    assertThat(grown.sent()).isEqualTo(size);
    nanos.addAndGet(MediaRoot.FILE_RECHECK.toNanos());
    Served checked = send(ch);
    assertThat(checked.announced()).isEqualTo(size + 10);
    assertThat(checked.sent()).isEqualTo(size + 10);
    assertThat(checked.head().headers().get(HttpHeaderNames.ETAG))
        .isNotEqualTo(first.head().headers().get(HttpHeaderNames.ETAG));
    assertThat(checked.head().headers().get(HttpHeaderNames.LAST_MODIFIED)).isEqualTo("Thu, 01 Jan 2026 00:00:05 GMT");

    Files.write(segment, new byte[size - 10]);
    Served shrunk = send(ch);
    assertThat(shrunk.announced()).as("shrunk in place: the response from the open file").isEqualTo(size + 10);
    assertThat(shrunk.sent()).as("cannot send what its head announced").isEqualTo(size - 10);
    Served next = send(ch);
    assertThat(next.announced()).as("the next request, within the same second, has the path checked again")
        .isEqualTo(size - 10);
    assertThat(next.sent()).isEqualTo(size - 10);

    Path secret = Files.write(data.resolve("secret.db"), new byte[30]);
    Files.delete(segment);
    Files.createSymbolicLink(segment, secret);
    Served kept = send(ch);
    assertThat(kept.head().status().code()).as("the open file, until the path is checked again").isEqualTo(200);
    assertThat(kept.announced()).isEqualTo(size - 10);
    nanos.addAndGet(MediaRoot.FILE_RECHECK.toNanos());
    assertThat(serve(ch).status().code()).isEqualTo(404);
    ch.finishAndReleaseAll();
  }

  @Test
  void eachResponseOnAKeptAliveConnectionCarriesOnlyItsOwnHeaders(@TempDir Path data) throws Exception {
    Path variant = Files.createDirectories(data.resolve("titles/t1/v0"));
    String digits = "0123456789".repeat(10);
    Files.writeString(variant.resolve("seg_1.m4s"), digits);
    Files.write(variant.resolve("init.mp4"), new byte[7]);
    EmbeddedChannel ch = originWithoutTokens(data);

    String partial = exchange(ch, "GET /titles/t1/v0/seg_1.m4s HTTP/1.1\r\nHost: o\r\nRange: bytes=10-19\r\n\r\n");
    assertThat(partial).startsWith("HTTP/1.1 206 ").contains("content-range: bytes 10-19/100\r\n")
        .contains("content-length: 10\r\n").endsWith("\r\n\r\n0123456789");
    String head = exchange(ch, "HEAD /titles/t1/v0/init.mp4 HTTP/1.1\r\nHost: o\r\n\r\n");
    assertThat(head).startsWith("HTTP/1.1 200 ").doesNotContain("content-range").contains("content-length: 7\r\n")
        .contains("content-type: video/mp4\r\n").contains("access-control-allow-origin: *\r\n")
        .doesNotContain("0123");
    String etag = head.substring(head.indexOf("etag: ") + 6, head.indexOf("\r\n", head.indexOf("etag: ")));
    String whole = exchange(ch, "GET /titles/t1/v0/seg_1.m4s HTTP/1.1\r\nHost: o\r\n\r\n");
    assertThat(whole).startsWith("HTTP/1.1 200 ").doesNotContain("content-range").doesNotContain(etag)
        .contains("content-length: 100\r\n").endsWith("\r\n\r\n" + digits);
    String notModified = exchange(ch, "GET /titles/t1/v0/init.mp4 HTTP/1.1\r\nHost: o\r\nIf-None-Match: " + etag
        + "\r\n\r\n");
    assertThat(notModified).startsWith("HTTP/1.1 304 ").doesNotContain("content-type").doesNotContain("0123");
    ch.finishAndReleaseAll();
  }

  @Test
  void responsesWrittenBeforeTheClientReadsTheFirstKeepTheirOwnHeads(@TempDir Path data) throws Exception {
    Path variant = Files.createDirectories(data.resolve("titles/t1/v0"));
    Files.writeString(variant.resolve("seg_1.m4s"), "0123456789".repeat(10));
    Files.writeString(variant.resolve("init.mp4"), "abcdefg");
    EmbeddedChannel ch = originWithoutTokens(data);

    // Pipelined: the second is answered once the first is written, while its head is still in the channel's queue.
    ch.writeInbound(Unpooled.copiedBuffer(
        "GET /titles/t1/v0/seg_1.m4s HTTP/1.1\r\nHost: o\r\nRange: bytes=10-19\r\n\r\n"
            + "GET /titles/t1/v0/init.mp4 HTTP/1.1\r\nHost: o\r\n\r\n", StandardCharsets.US_ASCII));
    ch.runPendingTasks();
    String both = written(ch);

    int second = both.indexOf("HTTP/1.1 200 ");
    assertThat(second).as(both).isPositive();
    assertThat(both.substring(0, second)).startsWith("HTTP/1.1 206 ").contains("content-range: bytes 10-19/100\r\n")
        .contains("content-length: 10\r\n").endsWith("\r\n\r\n0123456789");
    assertThat(both.substring(second)).doesNotContain("content-range").contains("content-length: 7\r\n")
        .endsWith("\r\n\r\nabcdefg");
    ch.finishAndReleaseAll();
  }

  @Test
  void aRouteThisOriginIsNotSetUpForIsAnswered404(@TempDir Path data) throws Exception {
    Files.createDirectories(data.resolve("titles"));
    // No store (so no API) and no live streaming: those routes pass every route handler.
    EmbeddedChannel ch = originWithoutTokens(data);

    for (String target : new String[] {"/api/titles", "/live/stream-1/index.m3u8"}) {
      String answer = exchange(ch, "GET " + target + " HTTP/1.1\r\nHost: o\r\n\r\n");
      assertThat(answer).as(target).startsWith("HTTP/1.1 404 ").contains("\"error\":\"not_found\"");
    }
    assertThat(ch.isOpen()).as("the connection is kept").isTrue();
    ch.finishAndReleaseAll();
  }

  /** The whole pipeline of an origin over {@code data} without tokens, on a channel from a loopback client. */
  private static EmbeddedChannel originWithoutTokens(Path data) throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(false, false) {
      @Override
      protected SocketAddress remoteAddress0() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
      }
    };
    OriginServer.builder().dataDirectory(data).withoutTokens().build().newPipeline().addHandlers(ch);
    ch.register();
    return ch;
  }

  /**
   * Writes {@code request} and returns what was written as text: the response head, then a body from memory as its
   * bytes, or "body N" for a file region of N bytes.
   */
  private static String exchange(EmbeddedChannel ch, String request) {
    ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    return written(ch);
  }

  /** What {@code ch} has written so far, as {@link #exchange} gives it; every message is released. */
  private static String written(EmbeddedChannel ch) {
    StringBuilder out = new StringBuilder();
    for (Object written = ch.readOutbound(); written != null; written = ch.readOutbound()) {
      if (written instanceof ByteBuf bytes) {
        out.append(bytes.toString(StandardCharsets.US_ASCII));
      } else if (written instanceof FileRegion region) {
        out.append("body ").append(region.count());
      }
      ReferenceCountUtil.release(written);
    }
    return out.toString();
  }

  /** One GET of the segment through {@code ch}; every message written is released. */
  private static HttpResponse serve(EmbeddedChannel ch) {
    return send(ch).head();
  }

  /** A response as a client saw it: its head, the body length the head announced, the body bytes that came. */
  private record Served(HttpResponse head, long announced, long sent) {}

  /** Asks for the segment and sends the file body as a socket would, until its file has no more bytes to give. */
  private static Served send(EmbeddedChannel ch) {
    ch.writeInbound(request("/titles/t1/v0/seg_1.m4s", null));
    HttpResponse response = null;
    long sent = 0;
    for (Object written = ch.readOutbound(); written != null; written = ch.readOutbound()) {
      if (written instanceof HttpResponse r && response == null) {
        response = r;
      }
      if (written instanceof FileRegion region) {
        try (WritableByteChannel sink = Channels.newChannel(OutputStream.nullOutputStream())) {
          while (region.transferred() < region.count()) {
            region.transferTo(sink, region.transferred());
          }
        } catch (IOException e) {
          // The file ended before the region: the connection would be closed here.
        }
        sent += region.transferred();
      }
      ReferenceCountUtil.release(written);
    }
    long announced = response == null ? -1 : response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
    return new Served(response, announced, sent);
  }

  private static OriginRequest request(String path, String token) {
    RequestPath p = RequestPath.parse(path);
    QueryString query = QueryString.parse(token == null ? null : "token=" + token);
    return new OriginRequest(HttpMethod.GET, new DefaultHttpHeaders(), true, RequestDecoder.route(p), p, query,
        query.get(RequestDecoder.TOKEN_PARAMETER), InetAddress.getLoopbackAddress(), false);
  }
}
