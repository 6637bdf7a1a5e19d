package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference CDN edge ({@code docs/cdn/nginx-edge.conf}, run by Debian's nginx) in front of a real origin with a
 * catalog: media is cached once for every viewer, and every viewer's token is still checked at the edge, with the
 * origin's own rules (token, title, client address, moderation, plan cap) through {@code /edge/authorise}.
 *
 * <p>What the origin serves is counted by the origin itself (its request and byte counters), not taken from nginx's
 * log; the log only confirms it object by object.
 */
class CdnEdgeTest {

  static final int VIEWERS = 100;
  static final Duration CLOCK_SKEW = Duration.ofSeconds(1);
  static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

  @TempDir Path data;
  @TempDir Path edgeDirectory;

  private final PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(RunningOrigin.SECRET);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private StreamkitStore store;
  private OriginServer origin;
  private EdgeNginx edge;
  private String title;

  @BeforeEach
  void start() throws Exception {
    EdgeNginx.assumeInstalled();
    store = StreamkitStore.builder().dataDirectory(data).build();
    title = title(TitleStatus.PUBLISHED);
    origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(RunningOrigin.SECRET).clockSkew(CLOCK_SKEW).build())
        .trustedProxies("127.0.0.1").store(store).build().start();
    edge = EdgeNginx.start(edgeDirectory, origin.port());
  }

  @AfterEach
  void stop() throws Exception {
    if (edge != null) {
      edge.close();
    }
    if (origin != null) {
      origin.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void hundredViewersPlayThroughTheEdgeWhichFetchesEachMediaObjectFromTheOriginOnce() throws Exception {
    Map<String, byte[]> media = mediaFiles(title);
    long titleMediaBytes = media.values().stream().mapToLong(b -> b.length).sum();

    OriginCounts beforeDirect = OriginCounts.settled(origin.meterRegistry());
    Audience direct = play("http://127.0.0.1:" + origin.port(), media);
    OriginCounts afterDirect = OriginCounts.settled(origin.meterRegistry());
    Audience throughEdge = play(edge.base(), media);
    OriginCounts afterEdge = OriginCounts.settled(origin.meterRegistry());
    OriginCounts withoutEdge = afterDirect.minus(beforeDirect);
    OriginCounts withEdge = afterEdge.minus(afterDirect);

    assertThat(direct.failures()).isEmpty();
    assertThat(throughEdge.failures()).as("every viewer got every object, byte for byte").isEmpty();
    assertThat(throughEdge.mediaBytes()).isEqualTo(VIEWERS * titleMediaBytes);
    // Every object reached the edge from the origin at least once; as many origin requests as objects is once each.
    assertThat(withEdge.requests(Route.MEDIA)).as("origin media requests through the edge")
        .isEqualTo(media.size());
    assertThat(withEdge.bytes(Route.MEDIA)).isEqualTo(titleMediaBytes);
    assertThat(edge.missesByUri()).as("nginx's own account: one miss per object")
        .containsOnlyKeys(media.keySet().stream().map(p -> "/titles/" + title + "/" + p).toList())
        .allSatisfy((uri, misses) -> assertThat(misses).isEqualTo(1));
    double hitRatio = 1 - (double) withEdge.bytes(Route.MEDIA) / throughEdge.mediaBytes();
    assertThat(hitRatio).as("edge hit ratio on media bytes").isGreaterThanOrEqualTo(0.99);
    // One authorisation per viewer and variant directory; the rest answered from the edge's cache.
    long directories = media.keySet().stream().map(p -> p.substring(0, p.indexOf('/'))).distinct().count();
    assertThat(withEdge.requests(Route.EDGE_AUTH)).isBetween(VIEWERS * directories, 2 * VIEWERS * directories);
    assertThat(withEdge.status(Route.EDGE_AUTH, 204)).isEqualTo(withEdge.requests(Route.EDGE_AUTH));
    assertThat(withoutEdge.requests(Route.MEDIA)).isEqualTo(VIEWERS * media.size());

    System.out.printf("%nOrigin load for %d viewers playing one title (%d media objects, %d media bytes):%n%n"
            + "| | origin requests: media | playlists | edge authorisations | all | origin bytes: media | all |%n"
            + "|---|---:|---:|---:|---:|---:|---:|%n%s%n%s%n| edge hit ratio (media bytes) | %.2f %% | | | | | |%n%n",
        VIEWERS, media.size(), titleMediaBytes, withoutEdge.row("without the edge"), withEdge.row("with the edge"),
        100 * hitRatio);
  }

  @Test
  void viewersWithoutAValidTokenAreRefusedAtTheEdgeAndTheOriginServesThemNoMedia() throws Exception {
    String other = title(TitleStatus.PUBLISHED);
    String cached = "/titles/" + title + "/v1/seg_00000.m4s";
    String uncached = "/titles/" + other + "/v1/seg_00001.m4s";
    assertThat(get(edge.base() + cached + "?token=" + token(title)).statusCode()).isEqualTo(200);
    OriginCounts before = OriginCounts.settled(origin.meterRegistry());

    String forged = PlaybackTokenSigner.hs256("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8))
        .sign(claims(title).build());
    String expired = signer.sign(PlaybackClaims.builder().title(title).viewer("late")
        .expiresAt(Instant.now().minusSeconds(60)).build());
    for (String path : List.of(cached, uncached)) {
      assertThat(get(edge.base() + path).statusCode()).as("no token: %s", path).isEqualTo(403);
      assertThat(get(edge.base() + path + "?token=").statusCode()).as("empty token: %s", path).isEqualTo(403);
      assertThat(get(edge.base() + path + "?token=" + forged).statusCode()).as("forged: %s", path).isEqualTo(403);
      assertThat(get(edge.base() + path + "?token=" + expired).statusCode()).as("expired: %s", path)
          .isEqualTo(403);
      assertThat(get(edge.base() + path + "?token=not.a.token").statusCode()).isEqualTo(403);
    }
    assertThat(get(edge.base() + cached + "?token=" + token(other)).statusCode()).as("a token for another title")
        .isEqualTo(403);
    assertThat(get(edge.base() + uncached + "?token=" + token(title)).statusCode()).as("a token for another title")
        .isEqualTo(403);
    // Two tokens: the edge asks about the first; the origin is told that one and no other.
    assertThat(get(edge.base() + cached + "?token=" + forged + "&token=" + token(title)).statusCode())
        .isEqualTo(403);
    assertThat(get(edge.base() + "/titles/" + title + "/master.m3u8?token=" + forged).statusCode())
        .as("playlists pass through to the origin's own gate").isEqualTo(403);
    assertThat(get(edge.base() + "/edge/authorise").statusCode()).as("the edge's question is not for viewers")
        .isEqualTo(404);

    OriginCounts during = OriginCounts.settled(origin.meterRegistry()).minus(before);
    assertThat(during.requests(Route.MEDIA)).as("media the origin served to refused viewers").isZero();
    assertThat(during.bytes(Route.MEDIA)).isZero();
    assertThat(during.status(Route.EDGE_AUTH, 204)).isZero();
    assertThat(during.status(Route.EDGE_AUTH, 403)).isPositive();
  }

  @Test
  void aTokenStopsOpeningCachedMediaAtTheEdgeOnceItExpires() throws Exception {
    Instant expiry = Instant.now().plusSeconds(4);
    String token = signer.sign(PlaybackClaims.builder().title(title).viewer("short").expiresAt(expiry).build());
    String segment = edge.base() + "/titles/" + title + "/v0/seg_00001.m4s?token=" + token;
    OriginCounts before = OriginCounts.settled(origin.meterRegistry());
    for (int i = 0; i < 5; i++) {
      assertThat(get(segment).statusCode()).isEqualTo(200);
    }
    OriginCounts valid = OriginCounts.settled(origin.meterRegistry()).minus(before);
    assertThat(valid.requests(Route.EDGE_AUTH)).as("the edge asked once and reused the answer").isEqualTo(1);
    assertThat(valid.requests(Route.MEDIA)).isEqualTo(1);

    // The answer's life ends with the token; the origin itself accepts it until exp + the clock skew.
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry.plus(CLOCK_SKEW)).toMillis()) + 1100);
    assertThat(get(segment).statusCode()).as("the same cached segment after the token expired").isEqualTo(403);
    assertThat(get(edge.base() + "/titles/" + title + "/v0/seg_00001.m4s?token=" + token(title)).statusCode())
        .as("while a valid token still opens it").isEqualTo(200);
  }

  @Test
  void theEdgeAppliesTheOriginsModerationAndPlanCap() throws Exception {
    String ready = title(TitleStatus.READY);
    String readySegment = edge.base() + "/titles/" + ready + "/v1/seg_00000.m4s?token=";
    assertThat(get(readySegment + token(ready)).statusCode()).as("a viewer, before publication").isEqualTo(403);
    assertThat(get(readySegment + signer.sign(claims(ready).preview(true).build())).statusCode())
        .as("a moderator's preview").isEqualTo(200);
    assertThat(get(readySegment + token(ready)).statusCode()).as("a viewer, with the segment now cached")
        .isEqualTo(403);

    String tall = edge.base() + "/titles/" + title + "/v0/seg_00000.m4s?token=";
    String small = edge.base() + "/titles/" + title + "/v1/seg_00000.m4s?token=";
    assertThat(get(tall + token(title)).statusCode()).isEqualTo(200);
    String capped = signer.sign(claims(title).maxHeight(180).build());
    assertThat(get(small + capped).statusCode()).as("a 180-line plan, the 180-line variant").isEqualTo(200);
    assertThat(get(tall + capped).statusCode()).as("a 180-line plan, the cached 360-line variant").isEqualTo(403);
  }

  @Test
  void anIpBoundTokenIsCheckedAgainstTheViewersAddressNotTheEdges() throws Exception {
    String token = signer.sign(claims(title).clientIp("127.0.0.2").build());
    String request = "GET /titles/" + title + "/v1/seg_00002.m4s?token=" + token + " HTTP/1.1\r\n"
        + "Host: edge\r\nConnection: close\r\n\r\n";
    assertThat(rawFrom("127.0.0.2", edge.port(), request).status()).as("from the bound address").isEqualTo(200);
    assertThat(rawFrom("127.0.0.3", edge.port(), request).status()).as("from another address, segment cached")
        .isEqualTo(403);
    String spoofed = request.replace("Connection: close", "X-Forwarded-For: 127.0.0.2\r\nConnection: close");
    assertThat(rawFrom("127.0.0.3", edge.port(), spoofed).status()).as("claiming the bound address")
        .isEqualTo(403);
  }

  // --- viewers -------------------------------------------------------------------------------------------------

  /** What the viewers received, summed. */
  record Audience(long mediaBytes, List<String> failures) {}

  /** {@value #VIEWERS} viewers, each with a token of their own, play the whole title at once from {@code base}. */
  private Audience play(String base, Map<String, byte[]> media) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<Audience>> viewers = new ArrayList<>();
      for (int v = 0; v < VIEWERS; v++) {
        String token = signer.sign(claims(title).viewer("viewer-" + v).build());
        URI master = URI.create(base + "/titles/" + title + "/master.m3u8?token=" + token);
        viewers.add(pool.submit(() -> playOne(master, media)));
      }
      long bytes = 0;
      List<String> failures = new ArrayList<>();
      for (Future<Audience> viewer : viewers) {
        Audience a = viewer.get();
        bytes += a.mediaBytes();
        failures.addAll(a.failures());
      }
      return new Audience(bytes, failures);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Master, every media playlist, then every init segment and segment, by the URIs the playlists gave. */
  private Audience playOne(URI master, Map<String, byte[]> media) throws Exception {
    List<String> failures = new ArrayList<>();
    long bytes = 0;
    String root = "/titles/" + title + "/";
    for (URI playlist : uris(master, fetchText(master, failures))) {
      for (URI object : uris(playlist, fetchText(playlist, failures))) {
        HttpResponse<byte[]> response = get(object.toString());
        byte[] expected = media.get(object.getPath().substring(root.length()));
        if (response.statusCode() != 200 || !Arrays.equals(response.body(), expected)) {
          failures.add(object.getPath() + ": " + response.statusCode() + ", " + response.body().length + " bytes");
        } else {
          bytes += response.body().length;
        }
      }
    }
    return new Audience(bytes, failures);
  }

  private String fetchText(URI uri, List<String> failures) throws Exception {
    HttpResponse<byte[]> response = get(uri.toString());
    if (response.statusCode() != 200) {
      failures.add(uri.getPath() + ": " + response.statusCode());
      return "";
    }
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** The URIs of a playlist, resolved against it: lines that are not tags, and tags' URI attributes. */
  private static List<URI> uris(URI playlist, String text) {
    List<URI> uris = new ArrayList<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher m = URI_ATTRIBUTE.matcher(line);
        while (m.find()) {
          uris.add(playlist.resolve(m.group(1)));
        }
      } else {
        uris.add(playlist.resolve(line));
      }
    }
    return uris;
  }

  // --- origin and title ----------------------------------------------------------------------------------------

  /** The origin's own counters: responses by route and status, body bytes by route. */
  record OriginCounts(Map<String, Double> requests, Map<String, Double> bytes) {

    /**
     * The counts once the origin has counted every response it sent: it counts one when the response's last write
     * completes, which can be just after the client (here nginx) has read it all.
     */
    static OriginCounts settled(MeterRegistry registry) throws InterruptedException {
      OriginCounts last = of(registry);
      for (int i = 0; i < 100; i++) {
        Thread.sleep(20);
        OriginCounts now = of(registry);
        if (now.equals(last)) {
          return now;
        }
        last = now;
      }
      throw new AssertionError("the origin's counters kept changing for 2 s; is another request still running?");
    }

    static OriginCounts of(MeterRegistry registry) {
      Map<String, Double> requests = new TreeMap<>();
      for (Counter c : registry.find(OriginMetrics.REQUESTS).counters()) {
        requests.merge(c.getId().getTag("route") + " " + c.getId().getTag("status"), c.count(), Double::sum);
      }
      Map<String, Double> bytes = new TreeMap<>();
      for (Counter c : registry.find(OriginMetrics.BYTES_SENT).counters()) {
        bytes.merge(c.getId().getTag("route"), c.count(), Double::sum);
      }
      return new OriginCounts(requests, bytes);
    }

    OriginCounts minus(OriginCounts earlier) {
      Map<String, Double> r = new TreeMap<>(requests);
      earlier.requests.forEach((k, v) -> r.merge(k, -v, Double::sum));
      Map<String, Double> b = new TreeMap<>(bytes);
      earlier.bytes.forEach((k, v) -> b.merge(k, -v, Double::sum));
      return new OriginCounts(r, b);
    }

    long requests(Route route) {
      return (long) requests.entrySet().stream().filter(e -> e.getKey().startsWith(route.tag() + " "))
          .mapToDouble(Map.Entry::getValue).sum();
    }

    long status(Route route, int status) {
      return requests.getOrDefault(route.tag() + " " + status, 0.0).longValue();
    }

    long bytes(Route route) {
      return bytes.getOrDefault(route.tag(), 0.0).longValue();
    }

    long allRequests() {
      return (long) requests.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    long allBytes() {
      return (long) bytes.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    String row(String name) {
      return String.format("| %s | %,d | %,d | %,d | %,d | %,d | %,d |", name, requests(Route.MEDIA),
          requests(Route.PLAYLIST), requests(Route.EDGE_AUTH), allRequests(), bytes(Route.MEDIA), allBytes());
    }
  }

  private PlaybackClaims.Builder claims(String titleId) {
    return PlaybackClaims.builder().title(titleId).viewer("viewer").expiresAt(Instant.now().plusSeconds(600));
  }

  private String token(String titleId) {
    return signer.sign(claims(titleId).build());
  }

  /** A catalog title in {@code status} with the test title's files (two fMP4 variants, 360 and 180 lines). */
  private String title(TitleStatus status) throws IOException {
    return TestTitles.inCatalog(store, data, status);
  }

  /** The title's media (everything but playlists) by path relative to the title, with their bytes. */
  private Map<String, byte[]> mediaFiles(String titleId) throws IOException {
    Path dir = data.resolve("titles").resolve(titleId);
    Map<String, byte[]> media = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".m3u8")).toList()) {
        media.put(dir.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    return media;
  }

  private HttpResponse<byte[]> get(String uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** One request from a given loopback address, so that the edge sees a viewer other than itself. */
  private static RunningOrigin.RawResponse rawFrom(String localAddress, int port, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return RunningOrigin.RawResponse.read(socket.getInputStream());
    }
  }
}
