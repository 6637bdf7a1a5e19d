package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pages handler in the real pipeline: pages and hls.js over a socket, media requests still gated. */
class PagesDeliveryTest {

  static RunningOrigin origin;

  @BeforeAll
  static void start() {
    origin = new RunningOrigin();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  @Test
  void servesTheConsoleThePlayerAndHlsJsWithoutATokenButStillGatesMedia() throws Exception {
    HttpResponse<byte[]> admin = origin.get("/admin");
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(new String(admin.body(), StandardCharsets.UTF_8)).contains("id=\"admin-key\"");

    HttpResponse<byte[]> player = origin.get("/play/3f2b8c1e-5d4a-4e6f-9a1b-2c3d4e5f6a7b?token=x");
    assertThat(player.statusCode()).isEqualTo(200);
    assertThat(player.headers().firstValue("content-security-policy")).hasValueSatisfying(
        csp -> assertThat(csp).contains("media-src 'self' blob:"));

    HttpResponse<byte[]> hls = origin.get("/webjars/hls.js/1.4.12/dist/hls.min.js");
    assertThat(hls.statusCode()).isEqualTo(200);
    assertThat(hls.headers().firstValueAsLong("content-length")).hasValue(hls.body().length);
    try (InputStream webjar = getClass().getClassLoader()
        .getResourceAsStream("META-INF/resources/webjars/hls.js/1.4.12/dist/hls.min.js")) {
      assertThat(hls.body()).as("hls.js exactly as the webjar ships it").isEqualTo(webjar.readAllBytes());
    }

    assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/master.m3u8").statusCode())
        .as("pages must not open a way around the token gate").isEqualTo(403);
    assertThat(origin.get("/titles/" + TestTitles.FMP4 + "/master.m3u8?token=" + origin.token(TestTitles.FMP4))
        .statusCode()).isEqualTo(200);
  }

  @Test
  void rawTraversalAttemptsNeverReachTheClassPath() throws Exception {
    RunningOrigin.RawResponse response = origin.raw(
        "GET /pages/../pages/PageHandler.class HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(response.status()).as("refused as an unsafe path").isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.ISO_8859_1)).doesNotContain("\u00ca\u00fe\u00ba\u00be");
  }
}
