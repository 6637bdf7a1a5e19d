package io.streamkit.server.origin;

import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** An origin on a free loopback port serving {@link TestTitles}, with a signer for its tokens and two clients. */
final class RunningOrigin implements AutoCloseable {

  static final byte[] SECRET = "origin-test-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);

  final OriginServer server;
  final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  RunningOrigin() {
    this(b -> {});
  }

  RunningOrigin(Consumer<OriginServer.Builder> customise) {
    OriginServer.Builder builder = OriginServer.builder()
        .dataDirectory(TestTitles.dataDirectory())
        .host("127.0.0.1")
        .port(0)
        .ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build());
    customise.accept(builder);
    this.server = builder.build().start();
  }

  int port() {
    return server.port();
  }

  String token(String title) {
    return token(PlaybackClaims.builder().title(title).viewer("tester").expiresAt(Instant.now().plusSeconds(600)));
  }

  String token(PlaybackClaims.Builder claims) {
    return signer.sign(claims.build());
  }

  /** A request that may fail, sent again as its {@link #untilAnswered} caller asks. */
  interface Request {
    HttpResponse<byte[]> send() throws IOException, InterruptedException;
  }

  /** The response that came, or {@code null}, and the failures of the attempts before it, in order. */
  record Attempts(HttpResponse<byte[]> response, List<String> failures) {}

  /** Sends {@code request} until a response comes, at most {@code attempts} times. */
  static Attempts untilAnswered(int attempts, Request request) throws InterruptedException {
    List<String> failures = new ArrayList<>();
    for (int attempt = 0; attempt < attempts; attempt++) {
      try {
        return new Attempts(request.send(), failures);
      } catch (IOException e) {
        failures.add(e.toString());
      }
    }
    return new Attempts(null, failures);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> head(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends {@code requests} as given on one connection to {@code port} and reads until the server closes it. */
  static String exchange(int port, String requests) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Sends bytes exactly as given (no client-side normalisation) and reads the response until the server closes. */
  RawResponse raw(String requestHead) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return RawResponse.read(socket.getInputStream());
    }
  }

  /** {@return how many requests the origin has refused for {@code reason} so far} */
  double rejections(String reason) {
    var counter = server.meterRegistry().find(OriginMetrics.REJECTIONS).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  /** {@return how many responses on {@code route} the origin has counted with {@code status} so far} */
  double responses(Route route, int status) {
    var counter = server.meterRegistry().find(OriginMetrics.REQUESTS).tag("route", route.tag())
        .tag("status", Integer.toString(status)).counter();
    return counter == null ? 0 : counter.count();
  }

  /** {@return the body bytes the origin has counted as sent on {@code route} so far} */
  double sentBytes(Route route) {
    var counter = server.meterRegistry().find(OriginMetrics.BYTES_SENT).tag("route", route.tag()).counter();
    return counter == null ? 0 : counter.count();
  }

  @Override
  public void close() {
    server.close();
  }

  /** One HTTP/1.1 response read off a socket: status, lower-cased headers, body. */
  record RawResponse(int status, Map<String, String> headers, byte[] body) {

    /** How much of a response {@link #readAll} searches for the end of its head. */
    private static final int HEAD_WINDOW_BYTES = 64 * 1024;

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    static RawResponse read(InputStream in) throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      byte[] bytes = all.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        return new RawResponse(-1, Map.of(), bytes);
      }
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
      byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    /** Every response on a connection until the server closes it, each framed by its Content-Length. */
    static List<RawResponse> readAll(InputStream in) throws IOException {
      byte[] bytes = in.readAllBytes();
      List<RawResponse> responses = new ArrayList<>();
      int at = 0;
      while (at < bytes.length) {
        // Decoding only the window that holds a head keeps the bodies of long responses out of the search.
        int window = Math.min(bytes.length - at, HEAD_WINDOW_BYTES);
        String rest = new String(bytes, at, window, StandardCharsets.ISO_8859_1);
        int headEnd = rest.indexOf("\r\n\r\n");
        if (headEnd < 0) {
          break;
        }
        int length = 0;
        for (String line : rest.substring(0, headEnd).split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        int end = at + headEnd + 4 + length;
        responses.add(read(new ByteArrayInputStream(bytes, at, end - at)));
        at = end;
      }
      return responses;
    }
  }
}
