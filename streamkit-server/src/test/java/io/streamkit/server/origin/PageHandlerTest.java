package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageHandlerTest {

  static final String TITLE_ID = "3f2b8c1e-5d4a-4e6f-9a1b-2c3d4e5f6a7b";
  static final String HLS_JS = "/webjars/hls.js/1.4.12/dist/hls.min.js";

  private final OriginMetrics metrics = new OriginMetrics(new SimpleMeterRegistry());
  private final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(metrics), new PageHandler(metrics));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private FullHttpResponse send(HttpMethod method, String uri, String... headers) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().set(headers[i], headers[i + 1]);
    }
    channel.writeInbound(request);
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).as("a response to %s %s", method, uri).isNotNull();
    return response;
  }

  private FullHttpResponse get(String uri, String... headers) {
    return send(HttpMethod.GET, uri, headers);
  }

  private static String body(FullHttpResponse response) {
    try {
      return response.content().toString(StandardCharsets.UTF_8);
    } finally {
      response.release();
    }
  }

  @Test
  void adminPageCarriesTheElementsTheConsoleScriptUsesAndLocksItselfToThisOrigin() {
    FullHttpResponse response = get("/admin");
    assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/html");
    assertThat(response.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY)).contains("default-src 'self'");
    assertThat(response.headers().get("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(body(response)).contains("id=\"admin-key\"", "id=\"file\"", "id=\"upload\"",
        "id=\"upload-progress\"", "id=\"titles\"", "id=\"analytics\"", "src=\"/pages/admin.js\"");
  }

  @Test
  void playerPageIsServedForAnyTitleIdAndLoadsHlsJsFromTheWebjarNotACdn() {
    FullHttpResponse response = get("/play/" + TITLE_ID + "?token=abc.def.ghi");
    assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(response.headers().get("Referrer-Policy"))
        .as("the player URL carries the token, so it must not leak as a referrer").isEqualTo("no-referrer");
    String html = body(response);
    assertThat(html).contains("id=\"video\"", "id=\"quality\"", "id=\"speed\"", "src=\"" + HLS_JS + "\"")
        .doesNotContain("https://");
  }

  @Test
  void webjarScriptIsImmutableAndRevalidatesToNotModified() {
    FullHttpResponse first = get(HLS_JS);
    assertThat(first.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(first.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/javascript");
    assertThat(first.headers().get(HttpHeaderNames.CACHE_CONTROL)).contains("immutable");
    assertThat(first.content().readableBytes()).isGreaterThan(100_000);
    String etag = first.headers().get(HttpHeaderNames.ETAG);
    first.release();

    FullHttpResponse again = get(HLS_JS, "If-None-Match", "\"other\", " + etag);
    assertThat(again.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
    assertThat(again.content().readableBytes()).isZero();
    assertThat(again.headers().get(HttpHeaderNames.ETAG)).isEqualTo(etag);
    again.release();
  }

  @Test
  void ownScriptsRevalidateEveryTimeBecauseTheyChangeWithTheServer() {
    FullHttpResponse response = get("/pages/player.js");
    assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
    assertThat(body(response)).contains("window.streamkitPlayer");
  }

  @Test
  void headAnswersWithTheLengthOfTheGetAndNoBody() {
    FullHttpResponse get = get("/pages/streamkit.css");
    int length = get.content().readableBytes();
    get.release();
    FullHttpResponse head = send(HttpMethod.HEAD, "/pages/streamkit.css");
    assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(length);
    assertThat(head.content().readableBytes()).isZero();
    head.release();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/pages/PageHandler.class",
      "/pages/..%2fPageHandler.class",
      "/pages/%2e%2e/origin/OriginServer.class",
      "/pages/../../../logback.xml",
      "/webjars/../io/streamkit/server/pages/PageHandler.class",
      "/webjars/hls.js/1.4.12/../../../../io/streamkit/server/pages/player.js",
      "/webjars/hls.js/1.4.12/dist/.hidden.js",
      "/webjars/hls.js/1.4.12/dist/hls.js.d.ts",
      "/pages/admin.html",
      "/pages/missing.js",
      "/play/title%20with%20spaces",
      "/play/" + TITLE_ID + "/extra",
      "/admin/anything",
  })
  void anythingOutsideTheAllowListIsAJsonError(String uri) {
    FullHttpResponse response = get(uri);
    assertThat(response.status()).as("unsafe paths are 400 at the request decoder, safe unknown ones 404")
        .isIn(HttpResponseStatus.NOT_FOUND, HttpResponseStatus.BAD_REQUEST);
    assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("application/json");
    String body = body(response);
    if (response.status().equals(HttpResponseStatus.NOT_FOUND)) {
      assertThat(body).startsWith("{\"error\":\"not_found\"").contains("/play/<title id>");
    } else {
      assertThat(body).startsWith("{\"error\":\"bad_path\"");
    }
  }

  @Test
  void pagesAreReadOnly() {
    FullHttpResponse response = send(HttpMethod.POST, "/admin");
    assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD, OPTIONS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/titles/" + TITLE_ID + "/master.m3u8?token=x", "/api/titles", "/healthz"})
  void otherRoutesGoOnDownThePipelineUntouched(String uri) {
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
    assertThat((Object) channel.readOutbound()).isNull();
    OriginRequest passed = channel.readInbound();
    assertThat("/" + passed.path.join(0)).isEqualTo(uri.split("\\?")[0]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/administrator", "/playlist"})
  void pathsNothingServesAreAJsonNotFound(String uri) {
    FullHttpResponse response = get(uri);
    assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(body(response)).startsWith("{\"error\":\"not_found\"");
  }

  @Test
  void etagMatchingFollowsIfNoneMatchRules() {
    assertThat(HttpConditionals.anyMatches("*", "\"a\"")).isTrue();
    assertThat(HttpConditionals.anyMatches("W/\"a\"", "\"a\"")).isTrue();
    assertThat(HttpConditionals.anyMatches("\"b\" , \"a\"", "\"a\"")).isTrue();
    assertThat(HttpConditionals.anyMatches("\"b\"", "\"a\"")).isFalse();
  }
}
