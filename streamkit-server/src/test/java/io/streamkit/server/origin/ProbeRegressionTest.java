package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.DateFormatter;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures a probe of malformed, hostile and careless requests found, each replayed against a real origin with
 * the platform API, the admin key and a catalog: every one must be answered with a 4xx (or a 500 for a handler that
 * failed), leave the connection usable or closed cleanly, and keep tokens and control characters out of the log.
 */
class ProbeRegressionTest {

  private static final String ADMIN_KEY = "probe-admin-key-0123456789";
  private static final String LINKED = "linked-title";
  private static final String SECRET_MARK = "do-not-log-this-token";

  @TempDir static Path storeDirectory;
  private static StreamkitStore store;
  private static RunningOrigin origin;
  private static RunningOrigin failingOrigin;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws IOException {
    store = StreamkitStore.builder().dataDirectory(storeDirectory).build();
    Path data = TestTitles.dataDirectory();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data)
        .tokenSigner(PlaybackTokenSigner.hs256(RunningOrigin.SECRET)).build();
    origin = new RunningOrigin(b -> b.store(store).managementApi(api).adminKey(ADMIN_KEY));
    failingOrigin = new RunningOrigin(b -> b.variantOrder((variants, claims) -> {
      throw new IllegalStateException("variant order failed for " + claims.viewer());
    }));
    plantLinks(data);
  }

  @AfterAll
  static void stop() {
    failingOrigin.close();
    origin.close();
    store.close();
  }

  /** A title whose directory holds links out of itself, and one that is itself a link to another title. */
  private static void plantLinks(Path data) throws IOException {
    Path titles = data.resolve("titles");
    Path linked = Files.createDirectories(titles.resolve(LINKED));
    Path catalogFile = Files.writeString(data.resolve("streamkit.mv.db"), "the catalog database");
    Files.createSymbolicLink(linked.resolve("catalog.m4s"), catalogFile);
    Files.createSymbolicLink(linked.resolve("other.m4s"),
        titles.resolve(TestTitles.FMP4).resolve("v0").resolve("seg_00000.m4s"));
    Files.copy(titles.resolve(TestTitles.FMP4).resolve("v0").resolve("seg_00001.m4s"), linked.resolve("own.m4s"));
    Files.createSymbolicLink(linked.resolve("alias.m4s"), linked.resolve("own.m4s"));
    Files.createSymbolicLink(titles.resolve("alias-title"), titles.resolve(TestTitles.FMP4));
  }

  private static String token(String title) {
    return origin.token(PlaybackClaims.builder().title(title).viewer("prober").expiresAt(Instant.now()
        .plusSeconds(600)));
  }

  @Test
  void aMalformedEscapeInThePathIs400AndTheNextPipelinedRequestGetsItsOwnAnswer() throws IOException {
    try (CapturedLogs logs = new CapturedLogs(); Socket socket = connect(origin)) {
      send(socket, "GET /%zz?token=" + SECRET_MARK + " HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      List<RunningOrigin.RawResponse> responses = readAll(socket);
      assertThat(responses).extracting(RunningOrigin.RawResponse::status).containsExactly(400, 200);
      assertThat(responses.get(0).text()).contains("\"error\":\"bad_path\"");
      assertThat(responses.get(1).text()).contains("\"status\":\"ok\"");
      assertThat(logs.lines()).anyMatch(line -> line.contains("refused a request"))
          .noneMatch(line -> line.contains(SECRET_MARK));
    }
  }

  /**
   * On an origin of its own: the shared one's pooled keep-alive connections from the other tests would count against
   * the limit.
   */
  @Test
  void fiftyMalformedRequestsAreEachAnsweredAtTheConnectionLimit() throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try (RunningOrigin limited = new RunningOrigin(b -> b.maxConnections(50))) {
      try {
        for (int i = 0; i < 50; i++) {
          Socket socket = connect(limited);
          sockets.add(socket);
          send(socket, "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        for (Socket socket : sockets) {
          assertThat(readAll(socket)).extracting(RunningOrigin.RawResponse::status).containsExactly(400);
        }
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
      assertThat(limited.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status())
          .isEqualTo(200);
    }
  }

  @Test
  void aMalformedEscapeInAnApiQueryIs400() throws Exception {
    RunningOrigin.RawResponse response = origin.raw("GET /api/titles?status=%zz HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + ADMIN_KEY + "\r\nConnection: close\r\n\r\n");
    assertThat(response.status()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("error").asText()).isEqualTo("bad_query");
  }

  @Test
  void aHandlerThatThrowsGetsTheClientA500AndOneLogLineWithoutTheToken() throws Exception {
    try (CapturedLogs logs = new CapturedLogs()) {
      String token = failingOrigin.token(TestTitles.FMP4);
      RunningOrigin.RawResponse response = failingOrigin.raw("GET /titles/" + TestTitles.FMP4 + "/master.m3u8?token="
          + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(response.status()).isEqualTo(500);
      assertThat(response.headers().get("connection")).isEqualTo("close");
      JsonNode body = json.readTree(response.body());
      assertThat(body.get("error").asText()).isEqualTo("internal_error");
      assertThat(body.get("status").asInt()).isEqualTo(500);

      String metrics = new String(failingOrigin.get("/metrics").body(), StandardCharsets.UTF_8);
      assertThat(metrics).containsPattern("streamkit_origin_requests_total\\{[^}]*status=\"500\"[^}]*} 1\\.0");
      List<String> errors = logs.events().stream().filter(e -> e.getLevel() == Level.ERROR)
          .map(e -> e.getFormattedMessage()).toList();
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0)).contains("variant order failed").doesNotContain(token);
      assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .allMatch(e -> e.getThrowableProxy() == null, "no stack trace above DEBUG");
    }
  }

  @Test
  void aClientThatResetsMidSegmentIsNotAWarning() throws Exception {
    Path big = TestTitles.title(TestTitles.FMP4).resolve("big.m4s");
    if (!Files.exists(big)) {
      byte[] bytes = new byte[32 << 20];
      new Random(1).nextBytes(bytes);
      Files.write(big, bytes);
    }
    String small = "/titles/" + TestTitles.FMP4 + "/v0/init.mp4?token=" + token(TestTitles.FMP4);
    try (CapturedLogs logs = new CapturedLogs()) {
      for (int i = 0; i < 5; i++) {
        Socket socket = connect(origin);
        socket.setReceiveBufferSize(4096);
        send(socket, "GET /titles/" + TestTitles.FMP4 + "/big.m4s?token=" + token(TestTitles.FMP4)
            + " HTTP/1.1\r\nHost: x\r\n\r\n");
        socket.getInputStream().readNBytes(64 * 1024);
        socket.setSoLinger(true, 0);
        socket.close();
        // And a player that aborts between requests: the reset reaches the origin while it reads.
        Socket idle = connect(origin);
        send(idle, "GET " + small + " HTTP/1.1\r\nHost: x\r\n\r\n");
        idle.getInputStream().read(new byte[64 * 1024]);
        idle.setSoLinger(true, 0);
        idle.close();
      }
      Thread.sleep(500);
      assertThat(origin.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status())
          .isEqualTo(200);
      assertThat(logs.warnings()).isEmpty();
    }
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndTheConnectionClosed() throws IOException {
    assertRefusedAndClosed("POST /api/titles HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    assertRefusedAndClosed("POST /api/titles HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        + "Transfer-Encoding: gzip\r\n\r\nhello", 400);
    assertRefusedAndClosed("POST /api/titles HTTP/1.1\r\nHost: x\r\n"
        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501);
  }

  @Test
  void aMethodThatIsNotATokenIsRefusedRatherThanTrimmedToHead() throws IOException {
    // Netty trims "HEAD\0\0" to HEAD; answered as HEAD (no body), a client that sent that method waits for a body.
    assertRefusedAndClosed("HEAD\0\0\0 /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    assertRefusedAndClosed("GE\u0001T /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  }

  private static void assertRefusedAndClosed(String request, int status) throws IOException {
    try (Socket socket = connect(origin)) {
      send(socket, request);
      List<RunningOrigin.RawResponse> responses = readAll(socket);
      assertThat(responses).as(request).extracting(RunningOrigin.RawResponse::status).containsExactly(status);
      assertThat(responses.get(0).headers().get("connection")).isEqualTo("close");
    }
  }

  @Test
  void aServedFileMustLieInsideItsOwnTitle() throws Exception {
    String token = token(LINKED);
    String base = "/titles/" + LINKED + "/";
    assertThat(origin.get(base + "own.m4s?token=" + token).statusCode()).isEqualTo(200);
    assertThat(origin.get(base + "alias.m4s?token=" + token).statusCode()).as("a link within the title")
        .isEqualTo(200);
    assertThat(origin.get(base + "catalog.m4s?token=" + token).statusCode()).as("the catalog database")
        .isEqualTo(404);
    assertThat(origin.get(base + "other.m4s?token=" + token).statusCode()).as("another title's segment")
        .isEqualTo(404);
    assertThat(origin.get("/titles/alias-title/v0/seg_00000.m4s?token=" + token("alias-title")).statusCode())
        .as("a title directory that links to another title").isEqualTo(404);
  }

  @Test
  void theCorsPreflightDateIsAnHttpDate() throws IOException {
    RunningOrigin.RawResponse response = origin.raw("OPTIONS /titles/x/master.m3u8 HTTP/1.1\r\nHost: x\r\n"
        + "Origin: https://player.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
    String date = response.headers().get("date");
    assertThat(date).doesNotContain("\"");
    assertThat(DateFormatter.parseHttpDate(date)).as(date).isNotNull();
  }

  @Test
  void aTusPatchLongerThanWhatRemainsIsRefusedBeforeAByteIsStored() throws Exception {
    HttpResponse<String> created = origin.http.send(tus("/api/uploads").header("Upload-Length", "10")
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> patched = origin.http.send(tus(location).header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", BodyPublishers.ofByteArray(new byte[20])).build(), BodyHandlers.ofString());
    assertThat(patched.statusCode()).isEqualTo(413);
    assertThat(json.readTree(patched.body()).get("message").asText()).contains("Upload-Length 10")
        .doesNotContain("--max-upload-bytes");
    HttpResponse<String> offset = origin.http.send(tus(location).method("HEAD", BodyPublishers.noBody()).build(),
        BodyHandlers.ofString());
    assertThat(offset.headers().firstValue("Upload-Offset")).hasValue("0");
  }

  @Test
  void titleTextWithControlCharactersIsRefusedAtTheEdge() throws Exception {
    HttpResponse<String> upload = origin.http.send(admin("/api/titles").header("Content-Type", "video/mp4")
        .header("X-Title-Name", "bad%00name").POST(BodyPublishers.ofByteArray(new byte[100])).build(),
        BodyHandlers.ofString());
    assertThat(upload.statusCode()).isEqualTo(400);
    assertThat(json.readTree(upload.body()).get("message").asText()).contains("name").contains("control");

    String metadata = "name " + Base64.getEncoder().encodeToString("bad\u0000name".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> created = origin.http.send(tus("/api/uploads").header("Upload-Length", "10")
        .header("Upload-Metadata", metadata).POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(400);
    assertThat(json.readTree(created.body()).get("message").asText()).contains("control");
  }

  @Test
  void aRejectReasonCannotForgeLogLines() throws Exception {
    Title title = store.catalog().create("to reject", "");
    try (CapturedLogs logs = new CapturedLogs()) {
      HttpResponse<String> forged = origin.http.send(admin("/api/titles/" + title.id() + "/reject")
          .POST(BodyPublishers.ofString("{\"reason\":\"spam\\r\\n12:00:00 ERROR forged\\u001b[31m\"}")).build(),
          BodyHandlers.ofString());
      assertThat(forged.statusCode()).as("a reason is one line of text").isEqualTo(400);
      assertThat(forged.body()).doesNotContain("\r").doesNotContain("\u001b");

      HttpResponse<String> rejected = origin.http.send(admin("/api/titles/" + title.id() + "/reject")
          .POST(BodyPublishers.ofString("{\"reason\":\"spam \\\\ not \\u2028 ours\"}")).build(),
          BodyHandlers.ofString());
      assertThat(rejected.statusCode()).isEqualTo(200);
      assertThat(logs.lines()).anyMatch(line -> line.contains("rejected") && line.contains("spam"))
          .noneMatch(line -> line.contains("\n") || line.contains("\r") || line.contains("\u001b")
              || line.contains("\u2028"));
    }
  }

  @Test
  void viewerIdsOutsideTheDocumentedSetGetNoToken() throws Exception {
    Title title = publishedTitle();
    for (String viewer : new String[] {"two words", "tab\\there", "x".repeat(129)}) {
      HttpResponse<String> refused = origin.http.send(admin("/api/titles/" + title.id() + "/playback")
          .POST(BodyPublishers.ofString("{\"viewerId\":\"" + viewer + "\"}")).build(), BodyHandlers.ofString());
      assertThat(refused.statusCode()).as(viewer).isEqualTo(400);
      assertThat(json.readTree(refused.body()).get("message").asText()).contains("viewerId");
    }
    HttpResponse<String> minted = origin.http.send(admin("/api/titles/" + title.id() + "/playback")
        .POST(BodyPublishers.ofString("{\"viewerId\":\"auth0|5f7c8ec7c33c6c004bbafe82\"}")).build(),
        BodyHandlers.ofString());
    assertThat(minted.statusCode()).isEqualTo(200);
    assertThat(json.readTree(minted.body()).has("storyboardUrl")).as("a title without a storyboard").isFalse();
  }

  @Test
  void aClientTimeFarInTheFutureIsRefusedSoItCannotFreezeThePosition() throws Exception {
    Title title = publishedTitle();
    String token = token(title.id().toString());
    HttpResponse<String> future = putProgress(title, token, "+999999-01-01T00:00:00Z", 30);
    assertThat(future.statusCode()).isEqualTo(400);
    assertThat(json.readTree(future.body()).get("message").asText()).contains("clientTime");

    assertThat(putProgress(title, token, Instant.now().toString(), 42).statusCode()).isEqualTo(202);
    HttpResponse<String> stored = origin.http.send(HttpRequest.newBuilder(origin.uri("/api/progress/" + title.id()
        + "?token=" + token)).build(), BodyHandlers.ofString());
    assertThat(json.readTree(stored.body()).get("positionSeconds").asDouble()).isEqualTo(42.0);
  }

  private static HttpResponse<String> putProgress(Title title, String token, String clientTime, int position)
      throws Exception {
    return origin.http.send(HttpRequest.newBuilder(origin.uri("/api/progress/" + title.id() + "?token=" + token))
        .PUT(BodyPublishers.ofString("{\"positionSeconds\":" + position + ",\"durationSeconds\":600,"
            + "\"clientTime\":\"" + clientTime + "\"}")).build(), BodyHandlers.ofString());
  }

  private static Title publishedTitle() {
    Title title = store.catalog().create("probe", "");
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      title = store.catalog().transition(title.id(), next);
    }
    return title;
  }

  @Test
  void pipelinedApiRequestsAreAnsweredInTheOrderTheyCame() throws IOException {
    String token = token(TestTitles.FMP4);
    try (Socket socket = connect(origin)) {
      send(socket, "GET /api/continue-watching?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      List<RunningOrigin.RawResponse> responses = readAll(socket);
      assertThat(responses).hasSize(2);
      assertThat(responses.get(0).text()).contains("\"items\"");
      assertThat(responses.get(1).text()).contains("\"status\":\"ok\"");
    }
  }

  private static HttpRequest.Builder admin(String path) {
    return HttpRequest.newBuilder(origin.uri(path)).header("Authorization", "Bearer " + ADMIN_KEY);
  }

  private static HttpRequest.Builder tus(String path) {
    return admin(path).header("Tus-Resumable", "1.0.0");
  }

  private static Socket connect(RunningOrigin target) throws IOException {
    Socket socket = new Socket("127.0.0.1", target.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static List<RunningOrigin.RawResponse> readAll(Socket socket) throws IOException {
    return RunningOrigin.RawResponse.readAll(socket.getInputStream());
  }
}
