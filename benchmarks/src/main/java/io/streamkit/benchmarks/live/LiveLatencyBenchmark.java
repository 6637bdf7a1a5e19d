package io.streamkit.benchmarks.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Glass-to-player latency of live streaming: StreamKit's Low-Latency HLS, StreamKit's playlists played as standard
 * live HLS, and Debian's nginx with the RTMP module, measured in one run by the same hls.js in headless Chromium.
 *
 * <p>The publisher ({@link ClockPublisher}) burns the wall-clock time into every frame it encodes; a probe injected
 * into the page ({@code probe.js}) reads it back from every frame the video element presents
 * ({@code requestVideoFrameCallback}) and subtracts it from the wall clock at which that frame is shown. Publisher,
 * servers and browser share one machine and so one clock. The figure therefore includes the publisher's encoder,
 * RTMP, the transcode (StreamKit) or segmenting (nginx), HTTP delivery, the player's buffer and the browser's
 * decoder: everything from the camera's picture to the viewer's screen except the camera and the display.
 *
 * <p>Configurations, one after another, each in a fresh Chromium and after a warm-up: (1) StreamKit's player page
 * ({@code /play/<id>?live=1}, hls.js {@code lowLatencyMode: true}); (2) the same multivariant playlist in a plain page
 * with the same hls.js and the player's live config except {@code lowLatencyMode: false}; (3) nginx-rtmp's HLS
 * ({@code hls_fragment 2s}, MPEG-TS, no transcode), same plain page. nginx is measured first so that no StreamKit
 * transcode runs meanwhile, and the publisher is restarted against each server. Playback is pinned to the rendition
 * with the most lines unless {@code --level auto}. During the StreamKit runs the stream's health
 * ({@code GET /api/live/{id}}: encoder speed, dropped frames and renditions) is sampled every two seconds; the load
 * average throughout.
 *
 * <pre>
 * benchmarks/live-latency.sh          # starts nginx-rtmp and streamkit serve, then runs this class
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.live.LiveLatencyBenchmark \
 *     --streamkit http://127.0.0.1:18090 --admin-key KEY \
 *     [--nginx-rtmp rtmp://127.0.0.1:19350/live/clock --nginx-hls http://127.0.0.1:18091/hls/clock.m3u8] \
 *     [--height 1080|720] [--fps 30] [--warmup 10] [--measure 30] [--preset ultrafast] [--level top|auto] [--logs DIR]
 * </pre>
 *
 * Prints a Markdown report on stdout, progress on stderr.
 */
public final class LiveLatencyBenchmark {

  static final String HLS_JS = "/webjars/hls.js/1.4.12/dist/hls.min.js";
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, String> options;
  private final String streamkit;
  private final String adminKey;
  private final int width;
  private final int height;
  private final int fps;
  private final long bitrate;
  private final int warmupSeconds;
  private final int measureSeconds;
  private final String preset;
  private final boolean topLevel;
  private final Path logs;

  private LiveLatencyBenchmark(Map<String, String> options) throws IOException {
    this.options = options;
    this.streamkit = required(options, "streamkit");
    this.adminKey = required(options, "admin-key");
    this.height = Integer.parseInt(options.getOrDefault("height", "1080"));
    if (height != 1080 && height != 720) {
      throw new IllegalArgumentException("--height must be 1080 or 720, got " + height);
    }
    this.width = height * 16 / 9;
    this.fps = Integer.parseInt(options.getOrDefault("fps", "30"));
    this.bitrate = height == 1080 ? 6_000_000 : 3_000_000;
    this.warmupSeconds = Integer.parseInt(options.getOrDefault("warmup", "10"));
    this.measureSeconds = Integer.parseInt(options.getOrDefault("measure", "30"));
    this.preset = options.getOrDefault("preset", "ultrafast");
    this.topLevel = !"auto".equals(options.getOrDefault("level", "top"));
    this.logs = options.containsKey("logs") ? Path.of(options.get("logs"))
        : Files.createTempDirectory("live-latency");
    Files.createDirectories(logs);
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code --name value} pairs, see the class comment
   * @throws Exception if a server, the publisher or the browser fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    new LiveLatencyBenchmark(options).run();
  }

  private void run() throws Exception {
    String loadAtStart = loadAverage();
    List<Result> results = new ArrayList<>();
    HttpServer pages = pageServer();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "health-sampler");
      t.setDaemon(true);
      return t;
    });
    String plainPage = "http://127.0.0.1:" + pages.getAddress().getPort() + "/player.html";
    try {
      if (options.containsKey("nginx-rtmp")) {
        String hls = required(options, "nginx-hls");
        try (ClockPublisher publisher = publish(options.get("nginx-rtmp"), "nginx")) {
          await("nginx's playlist lists two segments", () -> {
            publisher.check();
            return countOf(fetch(hls), "#EXTINF") >= 2;
          });
          results.add(measure("nginx-rtmp HLS (2 s fragments, hls.js lowLatencyMode false)",
              plainPage(plainPage, streamkit + HLS_JS, hls, false), false, publisher, sampler, null));
        }
      }
      JsonNode created = api("POST", "/api/live", "{\"name\":\"Latency benchmark\"}");
      String id = created.get("id").asText();
      try (ClockPublisher publisher = publish(created.get("rtmpUrl").asText(), "streamkit")) {
        await("the stream is live with three segments", () -> {
          publisher.check();
          JsonNode stream = api("GET", "/api/live/" + id, null);
          return stream.get("status").asText().equals("LIVE") && stream.path("health").path("segments").asLong() >= 3;
        });
        JsonNode playback = api("POST", "/api/live/" + id + "/playback", "{\"viewerId\":\"latency-probe\"}");
        String playerUrl = absolute(playback.get("playerUrl").asText());
        String masterUrl = absolute(playback.get("masterUrl").asText());
        results.add(measure("StreamKit LL-HLS (player page, lowLatencyMode true)", playerUrl, true,
            publisher, sampler, id));
        results.add(measure("StreamKit standard live HLS (lowLatencyMode false)",
            plainPage(plainPage, streamkit + HLS_JS, masterUrl, false), false, publisher, sampler, id));
      }
    } finally {
      sampler.shutdownNow();
      pages.stop(0);
    }
    report(results, loadAtStart, loadAverage());
  }

  private ClockPublisher publish(String rtmpUrl, String name) throws IOException {
    log("publishing " + width + "x" + height + " at " + fps + " fps to " + rtmpUrl);
    return ClockPublisher.start(rtmpUrl, width, height, fps, bitrate, preset, logs.resolve("publisher-" + name + ".log"));
  }

  private static String plainPage(String page, String hlsJs, String source, boolean lowLatency) {
    return page + "?hlsjs=" + encode(hlsJs) + "&src=" + encode(source) + "&lowLatency=" + (lowLatency ? "1" : "0");
  }

  /**
   * One configuration, in a browser of its own: a fresh profile has an empty HTTP cache, so no configuration plays
   * from responses an earlier one cached. (It matters beyond fairness: the origin adds CORS headers only to requests
   * that carry {@code Origin}, without {@code Vary: Origin}, so an immutable init segment cached by the same-origin
   * player page is refused to the cross-origin page that follows.)
   */
  private Result measure(String name, String url, boolean playerPage, ClockPublisher publisher,
      ScheduledExecutorService sampler, String streamId) throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.start()) {
      return measure(chromium, name, url, playerPage, publisher, sampler, streamId);
    }
  }

  private Result measure(HeadlessChromium chromium, String name, String url, boolean playerPage,
      ClockPublisher publisher, ScheduledExecutorService sampler, String streamId) throws Exception {
    log("measuring " + name + ": " + url);
    chromium.driver.get(url);
    chromium.script(resource("probe.js"));
    chromium.script("window.latencyProbe.start(document.getElementById('video'), "
        + (playerPage ? "() => window.streamkitPlayer && window.streamkitPlayer.hls" : "() => window.hls") + ")");
    try {
      await("playback starts", () -> {
        publisher.check();
        Object time = chromium.script("return document.getElementById('video').currentTime");
        return time instanceof Number n && n.doubleValue() > 0;
      });
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + " on " + url + "; the page: "
          + chromium.script("return window.latencyProbe.diagnose()"), e);
    }
    if (topLevel) {
      Object pinned = chromium.script("return window.latencyProbe.pinTop()");
      log(pinned == null ? "one rendition, nothing to pin" : "pinned to the " + pinned + "-line rendition");
    }
    log("playing; warming up for " + warmupSeconds + " s");
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    List<Double> speeds = new CopyOnWriteArrayList<>();
    List<Double> loads = new CopyOnWriteArrayList<>();
    List<JsonNode> health = new CopyOnWriteArrayList<>();
    long skippedBefore = publisher.framesSkipped();
    chromium.script("window.latencyProbe.record(true)");
    var sampling = sampler.scheduleAtFixedRate(() -> {
      loads.add(Double.parseDouble(loadAverage().split(" ")[0]));
      if (streamId != null) {
        try {
          JsonNode h = api("GET", "/api/live/" + streamId, null).path("health");
          health.add(h);
          if (h.has("encoderSpeed")) {
            speeds.add(h.get("encoderSpeed").asDouble());
          }
        } catch (IOException | InterruptedException | RuntimeException e) {
          log("health sample failed: " + e);
        }
      }
    }, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    Thread.sleep(TimeUnit.SECONDS.toMillis(measureSeconds));
    sampling.cancel(false);
    publisher.check();
    JsonNode probe = json.readTree((String) chromium.script("return window.latencyProbe.results()"));
    JsonNode lastHealth = health.isEmpty() ? null : health.get(health.size() - 1);
    Result result = new Result(name, doubles(probe.get("latencies")), doubles(probe.get("hlsLatencies")),
        probe.get("presented").asLong(), probe.get("unreadable").asLong(), probe.get("waiting").asLong(),
        probe.get("dropped").asLong(), heights(probe.get("heights")), speeds, loads,
        publisher.framesSkipped() - skippedBefore, lastHealth);
    log(name + ": " + result.row());
    return result;
  }

  private void report(List<Result> results, String loadAtStart, String loadAtEnd) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Run: %s, %d cores, %s. Publisher: %dx%d at %d fps, x264 %s "
            + "(zerolatency) at %.1f Mbit/s, key frame every 2 s, silent AAC, FLV over RTMP; pattern read from the %s "
            + "rendition. Each configuration: %d s warm-up after playback starts, then %d s measured.%n%n",
        Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), width, height, fps, preset,
        bitrate / 1e6, topLevel ? "top" : "automatically chosen", warmupSeconds, measureSeconds));
    out.append("| configuration | glass-to-player p50 | p95 | min / max | hls.latency median | frames read / shown"
        + " | rendition (frames) | stalls | dropped frames | publisher skips | encoder speed min / median"
        + " | load avg (1 min) min–max |\n");
    out.append("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      out.append("| ").append(r.name).append(" | ").append(r.row()).append(" |\n");
    }
    out.append('\n');
    for (Result r : results) {
      if (r.lastHealth != null && r.lastHealth.size() > 0) {
        out.append("Health at the end of \"").append(r.name).append("\": ").append(r.lastHealth).append('\n');
      }
    }
    out.append(String.format(Locale.ROOT, "%nTargets: LL-HLS ≤ 3 s to the live edge; standard live HLS ≤ 3 segment "
        + "durations (6 s). Load average (1/5/15 min) at start: %s; at end: %s.%n", loadAtStart, loadAtEnd));
    System.out.print(out);
  }

  /** One configuration's figures; latencies in milliseconds, hls.js's in seconds. */
  private record Result(String name, double[] latencies, double[] hlsLatencies, long presented, long unreadable,
      long stalls, long dropped, Map<Integer, Long> heights, List<Double> encoderSpeeds, List<Double> loads,
      long publisherSkips, JsonNode lastHealth) {

    String row() {
      double[] speeds = encoderSpeeds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] load = loads.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return String.format(Locale.ROOT, "%s | %s | %s | %s | %d / %d | %s | %d | %d | %d | %s | %s",
          seconds(percentile(latencies, 50)), seconds(percentile(latencies, 95)),
          latencies.length == 0 ? "–" : seconds(latencies[0]) + " / " + seconds(latencies[latencies.length - 1]),
          hlsLatencies.length == 0 ? "–" : String.format(Locale.ROOT, "%.2f s", percentile(hlsLatencies, 50)),
          latencies.length, presented, heights.isEmpty() ? "–" : heights.entrySet().stream()
              .map(e -> e.getKey() + "p (" + e.getValue() + ")").reduce((a, b) -> a + ", " + b).orElse(""),
          stalls, dropped, publisherSkips,
          speeds.length == 0 ? "–" : String.format(Locale.ROOT, "%.2f× / %.2f×", speeds[0], percentile(speeds, 50)),
          load.length == 0 ? "–" : String.format(Locale.ROOT, "%.2f–%.2f", load[0], load[load.length - 1]));
    }

    private static String seconds(double millis) {
      return Double.isNaN(millis) ? "–" : String.format(Locale.ROOT, "%.2f s", millis / 1000);
    }
  }

  /** Nearest-rank percentile of sorted values; NaN when there are none. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double[] doubles(JsonNode array) {
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asDouble();
    }
    java.util.Arrays.sort(values);
    return values;
  }

  private static Map<Integer, Long> heights(JsonNode node) {
    Map<Integer, Long> heights = new TreeMap<>();
    node.fields().forEachRemaining(e -> heights.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    return heights;
  }

  /** Serves the plain hls.js page; hls.js itself comes from StreamKit's origin, the same file its player loads. */
  private static HttpServer pageServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = resource("player.html").getBytes(StandardCharsets.UTF_8);
    server.createContext("/player.html", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static String resource(String name) {
    try (InputStream in = LiveLatencyBenchmark.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode api(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(streamkit + path))
        .header("Authorization", "Bearer " + adminKey).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return json.readTree(response.body());
  }

  private String fetch(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? response.body() : "";
  }

  private String absolute(String url) {
    return url.startsWith("http") ? url : streamkit + url;
  }

  private static int countOf(String text, String what) {
    int count = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      count++;
    }
    return count;
  }

  /** A condition checked every 250 ms that may throw. */
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + START_TIMEOUT.toSeconds() + " s waiting until " + what);
      }
      Thread.sleep(250);
    }
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required; see the class comment for the usage");
    }
    return value;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void log(String message) {
    System.err.println("[" + java.time.LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
  }
}
