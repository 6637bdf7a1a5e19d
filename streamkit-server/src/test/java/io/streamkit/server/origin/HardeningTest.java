package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Attempts to read outside the media root, oversized requests, and clients that hold connections hostage. */
class HardeningTest {

  private static final String SECRET_MARKER = "SECRET-OUTSIDE-THE-MEDIA-ROOT";
  private static RunningOrigin origin;
  private static String token;
  private static Path outside;

  @BeforeAll
  static void start() throws IOException {
    origin = new RunningOrigin(b -> b.requestHeadTimeout(Duration.ofMillis(400)).idleTimeout(Duration.ofMillis(800))
        .writeStallTimeout(Duration.ofMillis(500)).maxUriLength(1024).maxHeaderBytes(4096));
    token = origin.token(TestTitles.FMP4);
    outside = Files.createTempDirectory("streamkit-outside");
    Files.writeString(outside.resolve("passwd"), SECRET_MARKER);
    Path title = TestTitles.title(TestTitles.FMP4);
    Files.deleteIfExists(title.resolve("escape.m4s"));
    Files.deleteIfExists(title.resolve("escape-dir"));
    Files.createSymbolicLink(title.resolve("escape.m4s"), outside.resolve("passwd"));
    Files.createSymbolicLink(title.resolve("escape-dir"), outside);
    Files.writeString(TestTitles.dataDirectory().resolve("passwd"), SECRET_MARKER);
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/titles/fmp4-title/../../passwd",
      "/titles/fmp4-title/../../../../../../etc/passwd",
      "/titles/fmp4-title/%2e%2e/%2e%2e/passwd",
      "/titles/fmp4-title/%2E%2E/%2E%2E/passwd",
      "/titles/fmp4-title/%252e%252e/%252e%252e/passwd",
      "/titles/fmp4-title/..%2f..%2fpasswd",
      "/titles/fmp4-title/%2e%2e%2f%2e%2e%2fpasswd",
      "/titles/fmp4-title/..%5c..%5cpasswd",
      "/titles/fmp4-title/..\\..\\passwd",
      "/titles/fmp4-title/v0/seg_00000.m4s%00.txt",
      "/titles/fmp4-title/v0/seg_00000.m4s%00",
      "/titles/fmp4-title/./v0/seg_00000.m4s",
      "/titles/fmp4-title//v0/seg_00000.m4s",
      "/titles/..%2f/passwd",
      "/titles/fmp4-title/.hidden",
      "/titles/fmp4-title/escape.m4s",
      "/titles/fmp4-title/escape-dir/passwd",
      "/passwd",
      "//passwd",
      "http://localhost/titles/fmp4-title/../../passwd",
      "/titles/fmp4-title/%",
      "/titles/fmp4-title/%zz",
      "/titles/fmp4-title/%c0%ae%c0%ae/passwd",
  })
  void traversalAttemptsAreRefusedWithoutLeakingAnything(String path) throws IOException {
    String separator = path.contains("?") ? "&" : "?";
    RunningOrigin.RawResponse r = origin.raw("GET " + path + separator + "token=" + token
        + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(r.status()).as(path).isIn(400, 403, 404);
    assertThat(r.text()).doesNotContain(SECRET_MARKER).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.headers().get("content-type")).startsWith("application/json");
  }

  @Test
  void anOverLongRequestLineGets414AndTheConnectionCloses() throws IOException {
    RunningOrigin.RawResponse r = origin.raw("GET /titles/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(r.status()).isEqualTo(414);
    assertThat(r.text()).contains("\"error\":\"uri_too_long\"");
  }

  @Test
  void anOversizedHeaderBlockGets431() throws IOException {
    RunningOrigin.RawResponse r = origin.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(8000)
        + "\r\n\r\n");
    assertThat(r.status()).isEqualTo(431);
  }

  @Test
  void garbageGets400() throws IOException {
    RunningOrigin.RawResponse r = origin.raw("\u0001\u0002 nonsense\r\n\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).doesNotContain("Exception");
  }

  @Test
  void aSlowLorisClientIsDroppedAtTheRequestHeadDeadline() throws Exception {
    double before = rejections("request_head_timeout");
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      boolean closed = false;
      // one header byte every 100 ms keeps a read-idle timeout happy forever; the head deadline must not be
      for (int i = 0; i < 30 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
          Thread.sleep(100);
        } catch (IOException e) {
          closed = true;
        }
        closed = closed || serverClosed(socket);
      }
      assertThat(closed).as("slow client dropped").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
    assertThat(rejections("request_head_timeout")).isGreaterThan(before);
  }

  @Test
  void aConnectionAnsweredByTheCorsPreflightIsIdleNotASlowClient() throws Exception {
    double before = rejections("request_head_timeout");
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("OPTIONS /titles/fmp4-title/master.m3u8 HTTP/1.1\r\nHost: x\r\n"
          + "Origin: https://player.example\r\nAccess-Control-Request-Method: GET\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[12];
      assertThat(socket.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      Thread.sleep(600); // past the request-head deadline, within the idle timeout
      assertThat(serverClosed(socket)).isFalse();
    }
    assertThat(rejections("request_head_timeout")).isEqualTo(before);
  }

  @Test
  void aClientThatStopsReadingIsDroppedAfterTheWriteStallTimeout() throws Exception {
    Path big = TestTitles.title(TestTitles.TS).resolve("v0/stall.ts");
    int size = 48 * 1024 * 1024;
    Files.write(big, new byte[size]);
    double before = rejections("write_stalled");
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(8 * 1024);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", origin.port()));
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /titles/" + TestTitles.TS + "/v0/stall.ts?token=" + origin.token(TestTitles.TS)
          + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(2_000); // not reading: the server's send buffer fills and sendfile stops progressing
      long received = 0;
      try {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          received += n;
        }
      } catch (java.net.SocketException reset) {
        // closed under our feet: as intended
      }
      assertThat(received).as("bytes received before the server gave up").isLessThan(size);
    } finally {
      Files.deleteIfExists(big);
    }
    assertThat(rejections("write_stalled")).isEqualTo(before + 1);
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", origin.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      long started = System.nanoTime();
      int total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
      }
      assertThat(total).isPositive();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefused() throws Exception {
    try (RunningOrigin limited = new RunningOrigin(b -> b.maxConnections(2));
        Socket first = new Socket("127.0.0.1", limited.port());
        Socket second = new Socket("127.0.0.1", limited.port())) {
      Thread.sleep(100);
      try (Socket third = new Socket("127.0.0.1", limited.port())) {
        third.setSoTimeout(5_000);
        assertThat(third.getInputStream().read()).isEqualTo(-1);
      }
      first.setSoTimeout(5_000);
      first.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(RunningOrigin.RawResponse.read(first.getInputStream()).status()).isEqualTo(200);
      var counter = limited.server.meterRegistry().find("streamkit.origin.rejections")
          .tag("reason", "too_many_connections").counter();
      assertThat(counter).isNotNull();
      assertThat(counter.count()).isEqualTo(1);
    }
  }

  private static boolean serverClosed(Socket socket) throws IOException {
    socket.setSoTimeout(1);
    try {
      return socket.getInputStream().read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      socket.setSoTimeout(5_000);
    }
  }

  private static double rejections(String reason) {
    var counter = origin.server.meterRegistry().find("streamkit.origin.rejections").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }
}
