package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real origin for the API fuzz targets: an H2 store in a fresh data directory, the management API (admin key, token
 * signer, small upload limit) and the viewer API, and one title in every status. Requests go over one kept-alive
 * loopback connection, reopened when the origin closes it; the fuzzer's network guard (which reports any other
 * connection as server-side request forgery) allows exactly that one.
 *
 * <p>A fuzz input is a request written as text ({@code METHOD target HTTP/1.1}, header lines, a blank line, the
 * body), with placeholders for what changes between runs: {@code {admin}} the admin key, {@code {id:<status>}} a title
 * in that status (made again when a request moved or deleted it), {@code {token:<status>}} a viewer's playback token
 * for it, {@code {upload}} an unfinished tus upload. The body is framed here with its {@code Content-Length}, so every
 * request is complete and the origin owes it an answer.
 */
final class FuzzedOrigin implements AutoCloseable {

  static final String ADMIN_KEY = "fuzzing-admin-key-0123456789abcdef";
  static final byte[] SECRET = "fuzzing-origin-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  static final long MAX_UPLOAD_BYTES = 64 * 1024;
  static final String VIEWER = "fuzz-viewer";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> INTERNALS = List.of("io.streamkit.", "java.lang.", "java.io.", "java.nio.", "\tat ");

  private final Path data;
  private final StreamkitStore store;
  private final OriginServer origin;
  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(SECRET);
  private final Map<TitleStatus, UUID> titles = new EnumMap<>(TitleStatus.class);
  /** Internal markers some request brought: what the origin stored from one request may come back in another. */
  private final Set<String> broughtInternals = new HashSet<>();
  private String upload;
  private Socket socket;
  private InputStream in;

  /** One request as sent and its answer: status, lower-cased headers, body. */
  record Exchange(String sent, String method, String target, Map<String, String> requestHeaders,
      byte[] requestBody, int status, Map<String, String> headers, byte[] body) {

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  FuzzedOrigin() throws IOException {
    data = Files.createTempDirectory("streamkit-fuzzing");
    store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data)
        .maxUploadBytes(MAX_UPLOAD_BYTES).tokenSigner(signer).bodyStallTimeout(Duration.ofSeconds(2)).build();
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(1).apiThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).adminKey(ADMIN_KEY)
        .store(store).managementApi(api).build().start();
  }

  /**
   * Fills the placeholders, sends the request and reads its answer, failing when none comes; {@code null} without
   * sending when the request line is blank, as the origin rightly waits for one then.
   */
  Exchange exchange(byte[] input) throws IOException {
    String text = fill(new String(input, StandardCharsets.ISO_8859_1));
    int blank = blankLine(text);
    String head = (blank < 0 ? text : text.substring(0, blank)).replaceFirst("\r?\n$", "");
    String body = blank < 0 ? "" : text.substring(text.indexOf('\n', blank) + 1);
    String[] lines = head.split("\r?\n", -1);
    if (lines[0].chars().allMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      return null;
    }
    StringBuilder request = new StringBuilder(lines[0]).append("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    String folding = null;
    for (int i = 1; i < lines.length; i++) {
      char first = lines[i].isEmpty() ? 0 : lines[i].charAt(0);
      if (folding != null && (first == ' ' || first == '\t')) {
        // obs-fold: the codec replaces it with a space, as RFC 9112 §5.2 lets a server do, and trims the continued
        // line as String.trim() does (every control character, NUL included), not only whitespace.
        headers.put(folding, (headers.get(folding) + " " + lines[i].trim()).strip());
        request.append(lines[i]).append("\r\n");
        continue;
      }
      int colon = lines[i].indexOf(':');
      String name = colon < 0 ? "" : lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
      folding = null;
      if (name.equals("content-length") || name.equals("transfer-encoding")) {
        continue;
      }
      if (colon > 0 && !headers.containsKey(name)) {
        headers.put(name, lines[i].substring(colon + 1).strip());
        folding = name;
      }
      request.append(lines[i]).append("\r\n");
    }
    if (!body.isEmpty()) {
      request.append("Content-Length: ").append(body.length()).append("\r\n");
    }
    request.append("\r\n").append(body);
    // The codec's reading of the request line (Netty's HttpObjectDecoder): bytes up to and including space, and DEL,
    // before it are skipped; its parts are separated by runs of space, tab, vertical tab, form feed or CR.
    String[] requestLine = lines[0].replaceFirst("^[\\x00-\\x20\\x7F]+", "").split("[ \\t\\x0B\\f\\r]+", -1);
    String method = requestLine[0];
    String target = requestLine.length > 1 ? requestLine[1] : "";

    byte[] bytes = request.toString().getBytes(StandardCharsets.ISO_8859_1);
    try {
      return send(bytes, method, target, headers, body.getBytes(StandardCharsets.ISO_8859_1));
    } catch (SocketTimeoutException e) {
      closeSocket();
      throw new AssertionError("no answer within " + ANSWER_TIMEOUT.toSeconds() + " s to " + lines[0]);
    }
  }

  /**
   * What every answer must be: a final status below 500; for an error, {@code {"error","status","message"}} JSON
   * with the same status and a one-line message; for a JSON success, JSON; and no Java class or stack frame in it
   * that no request brought (a title's description stored by one request is rightly listed by the next).
   */
  void assertWellFormed(Exchange e) throws IOException {
    String what = e.method() + " " + e.target() + " -> " + e.status() + " " + e.text();
    assertThat(e.status()).as(what).isBetween(200, 499);
    boolean bodyless = e.method().equals("HEAD") || e.status() == 204 || e.status() == 304;
    String type = e.headers().getOrDefault("content-type", "");
    if (e.status() >= 400 && !bodyless) {
      assertThat(type).as(what).startsWith("application/json");
      JsonNode error = JSON.readTree(e.body());
      assertThat(error.path("error").isTextual() && !error.path("error").textValue().isEmpty()).as(what).isTrue();
      assertThat(error.path("status").asInt()).as(what).isEqualTo(e.status());
      assertThat(error.path("message").isTextual()).as(what).isTrue();
      assertThat(error.path("message").textValue()).as(what).doesNotContain("\n", "\r");
    } else if (type.startsWith("application/json") && e.body().length > 0 && !bodyless) {
      assertThat(JSON.readTree(e.body())).as(what).isNotNull();
    }
    String brought = e.sent() + "\n" + unescape(e.sent(), "%", 2) + "\n" + unescape(e.sent(), "\\u", 4);
    for (String internal : INTERNALS) {
      if (brought.contains(internal)) {
        broughtInternals.add(internal);
      }
    }
    for (String internal : INTERNALS) {
      if (!broughtInternals.contains(internal)) {
        assertThat(e.text()).as(what).doesNotContain(internal);
      }
    }
  }

  /**
   * Escapes of {@code digits} hex digits after {@code prefix} (percent escapes, JSON's u-escapes) resolved leniently,
   * so an internal marker the request spelled with them counts as brought.
   */
  private static String unescape(String text, String prefix, int digits) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      int end = i + prefix.length() + digits;
      if (text.startsWith(prefix, i) && end <= text.length()
          && text.substring(i + prefix.length(), end).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
        out.append((char) Integer.parseInt(text.substring(i + prefix.length(), end), 16));
        i = end - 1;
      } else {
        out.append(text.charAt(i));
      }
    }
    return out.toString();
  }

  private String fill(String template) throws IOException {
    String out = template.replace("{admin}", ADMIN_KEY);
    for (TitleStatus status : TitleStatus.values()) {
      String name = status.name().toLowerCase(Locale.ROOT);
      if (out.contains("{id:" + name + "}") || out.contains("{token:" + name + "}")) {
        UUID id = title(status);
        out = out.replace("{id:" + name + "}", id.toString()).replace("{token:" + name + "}", signer.sign(
            PlaybackClaims.builder().viewer(VIEWER).title(id.toString()).expiresAt(Instant.now().plusSeconds(600))
                .preview(status == TitleStatus.READY).build()));
      }
    }
    if (out.contains("{upload}")) {
      out = out.replace("{upload}", upload());
    }
    return out;
  }

  /** A title now in {@code status}: the one made before if nothing moved it, else a new one. */
  private UUID title(TitleStatus status) {
    UUID id = titles.get(status);
    if (id != null && store.catalog().get(id).map(t -> t.status() == status).orElse(false)) {
      return id;
    }
    id = store.catalog().create("Fuzzing " + status.name().toLowerCase(Locale.ROOT), "").id();
    switch (status) {
      case UPLOADED -> { }
      case PROCESSING -> store.catalog().transition(id, TitleStatus.PROCESSING);
      case FAILED -> {
        store.catalog().transition(id, TitleStatus.PROCESSING);
        store.catalog().fail(id, "the source has no video stream");
      }
      default -> {
        store.catalog().transition(id, TitleStatus.PROCESSING);
        store.catalog().transition(id, TitleStatus.READY);
        if (status == TitleStatus.PUBLISHED) {
          store.catalog().transition(id, TitleStatus.PUBLISHED);
        } else if (status == TitleStatus.REJECTED) {
          store.catalog().transition(id, TitleStatus.REJECTED, "not suitable for the catalog");
        }
      }
    }
    titles.put(status, id);
    return id;
  }

  /** An unfinished upload of 1000 bytes: the one made before while it exists, else a new one. */
  private String upload() throws IOException {
    String tus = "Tus-Resumable: 1.0.0\r\nAuthorization: Bearer " + ADMIN_KEY + "\r\n";
    if (upload != null && send(("HEAD /api/uploads/" + upload + " HTTP/1.1\r\n" + tus + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), "HEAD", "", Map.of(), new byte[0]).status() == 200) {
      return upload;
    }
    Exchange created = send(("POST /api/uploads HTTP/1.1\r\n" + tus + "Upload-Length: 1000\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), "POST", "", Map.of(), new byte[0]);
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String location = created.headers().get("location");
    upload = location.substring(location.lastIndexOf('/') + 1);
    return upload;
  }

  /** Sends on the kept-alive connection; one that the origin closed after its last answer is opened again once. */
  private Exchange send(byte[] request, String method, String target, Map<String, String> requestHeaders,
      byte[] requestBody) throws IOException {
    boolean reused = socket != null;
    try {
      return sendOnce(request, method, target, requestHeaders, requestBody);
    } catch (NothingReadException e) {
      if (reused) {
        return sendOnce(request, method, target, requestHeaders, requestBody);
      }
      throw new AssertionError("the origin closed the connection without answering " + method + " " + target);
    }
  }

  private Exchange sendOnce(byte[] request, String method, String target, Map<String, String> requestHeaders,
      byte[] requestBody) throws IOException {
    if (socket == null) {
      int port = origin.port();
      try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
          (host, p) -> p == port && (host.equals("127.0.0.1") || host.equals("localhost")))) {
        socket = new Socket("127.0.0.1", port);
      }
      socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
      in = new BufferedInputStream(socket.getInputStream());
    }
    try {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (SocketException e) {
        throw new NothingReadException();
      }
      boolean first = true;
      while (true) {
        Map<String, String> headers = new LinkedHashMap<>();
        int status = readHead(in, headers, first);
        first = false;
        if (status == 100) {
          continue;
        }
        byte[] body = method.equals("HEAD") || status == 204 || status == 304 ? new byte[0] : readBody(in, headers);
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
          closeSocket();
        } else if (in.available() > 0) {
          byte[] extra = in.readNBytes(in.available());
          closeSocket();
          throw new AssertionError("bytes after the " + status + " answer to " + method + " " + target + ": "
              + new String(extra, StandardCharsets.ISO_8859_1));
        }
        return new Exchange(new String(request, StandardCharsets.ISO_8859_1), method, target, requestHeaders,
            requestBody, status, headers, body);
      }
    } catch (EOFException e) {
      closeSocket();
      throw new AssertionError("the origin closed the connection in the middle of its answer to " + method + " "
          + target);
    } catch (IOException | RuntimeException e) {
      closeSocket();
      throw e;
    }
  }

  /** The connection was closed (or reset) before the first byte of an answer. */
  private static final class NothingReadException extends IOException {
    NothingReadException() {
      super(null, null);
    }
  }

  private static int readHead(InputStream in, Map<String, String> headers, boolean first) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (SocketException e) {
        if (first && head.size() == 0) {
          throw new NothingReadException();
        }
        throw e;
      }
      if (b < 0 && first && head.size() == 0) {
        throw new NothingReadException();
      }
      if (b < 0) {
        throw new EOFException();
      }
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
    }
    assertThat(lines[0]).as("status line").matches("HTTP/1\\.[01] [1-5][0-9][0-9] .*");
    return Integer.parseInt(lines[0].substring(9, 12));
  }

  private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
    String length = headers.get("content-length");
    if (length != null) {
      return in.readNBytes(Integer.parseInt(length));
    }
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
          if (b < 0) {
            throw new EOFException();
          }
          line.append((char) b);
        }
        int size = Integer.parseInt(line.toString().strip().split(";")[0], 16);
        if (size == 0) {
          in.readNBytes(2);
          return body.toByteArray();
        }
        body.write(in.readNBytes(size));
        in.readNBytes(2);
      }
    }
    return in.readAllBytes();
  }

  private static int blankLine(String text) {
    int at = 0;
    while (true) {
      int newline = text.indexOf('\n', at);
      if (newline < 0) {
        return -1;
      }
      String line = text.substring(at, newline);
      if (line.isEmpty() || line.equals("\r")) {
        return at;
      }
      at = newline + 1;
    }
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // the connection is gone either way
      }
      socket = null;
      in = null;
    }
  }

  @Override
  public void close() throws IOException {
    closeSocket();
    origin.close();
    store.close();
    try (Stream<Path> paths = Files.walk(data)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
