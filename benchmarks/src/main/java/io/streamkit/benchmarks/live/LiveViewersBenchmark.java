package io.streamkit.benchmarks.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;

/**
 * Harness behind {@code benchmarks/live-viewers.sh}: Low-Latency HLS viewers of one live stream. It starts
 * {@code streamkit serve} as its own process (RTMP ingest on, {@code --no-rate-limits}, default live ladder and
 * preset), creates a live stream through the management API, publishes a generated 720p30 file to it with the
 * bundled ffmpeg ({@code -re -stream_loop -1 -c copy}, as a broadcaster would), and then runs {@code viewers}
 * clients for {@code seconds} on one rendition, each on its own keep-alive connection over Netty, doing what hls.js
 * does in low-latency mode: a blocking playlist reload for the part the last preload hint named
 * ({@code index.m3u8?token=…&_HLS_msn=M&_HLS_part=P}, RFC 8216bis section 6.2.5.2), then a GET of that part, and so
 * on.
 *
 * <p>Part delivery latency is measured per part and client as the time its last byte arrived minus the moment the
 * first client anywhere received a playlist announcing it: the fan-out delay of blocking reloads plus the part's
 * fetch. Also reported: the part fetch alone (after the client's own announcing playlist) and the spread of the
 * announcements. The origin's RSS and the CPU time of the origin, this load generator and the publisher are sampled
 * every 5 s; they share the machine's cores.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.live.LiveViewersBenchmark \
 *     [viewers=1000] [seconds=60] [rendition=second|top|bottom|NAME]
 * </pre>
 *
 * Prints a Markdown report on stdout (progress on stderr) and exits non-zero on any error.
 */
public final class LiveViewersBenchmark {

  private static final String ADMIN_KEY = "live-viewers-benchmark-admin-key";
  private static final String SIGNING_KEY = "live-viewers-benchmark-signing-key-0123456789";
  private static final Pattern PRELOAD_HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_(\\d+)_(\\d+)");
  private static final Pattern LISTED_PART = Pattern.compile("#EXT-X-PART:[^\\n]*URI=\"part_(\\d+)_(\\d+)");
  private static final Pattern STREAM_INF = Pattern.compile("#EXT-X-STREAM-INF:[^\\n]*BANDWIDTH=(\\d+)[^\\n]*\\n"
      + "([^/\\n]+)/index\\.m3u8");
  private static final long REQUEST_TIMEOUT_SECONDS = 15;
  private static final int SAMPLE_SECONDS = 5;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<Long, Long> firstAnnounced = new ConcurrentHashMap<>();
  private final Map<Long, Long> firstReceived = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private final Map<String, String> errorExamples = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong partBytes = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong unannounced = new AtomicLong();
  private final AtomicLong rolledOver = new AtomicLong();
  private volatile boolean running = true;
  private volatile String unannouncedExample = "";
  private long originStarted;
  private String base;

  private LiveViewersBenchmark() {}

  public static void main(String[] args) throws Exception {
    int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    String rendition = args.length > 2 ? args[2] : "second";
    System.exit(new LiveViewersBenchmark().run(viewers, seconds, rendition) ? 0 : 1);
  }

  private boolean run(int viewers, int seconds, String renditionChoice) throws Exception {
    Path work = Files.createTempDirectory("streamkit-live-viewers");
    Process origin = null;
    Process publisher = null;
    try {
      log("making a 20 s 720p30 test signal");
      Path source = TestSignal.flv(work.resolve("source.flv"), 20, 1280, 720, 3000);
      int port = freePort();
      int rtmpPort = freePort();
      base = "http://127.0.0.1:" + port;
      origin = startOrigin(work, port, rtmpPort);
      try {
        awaitOrigin(origin);
      } catch (IllegalStateException e) {
        System.err.println(Files.readString(work.resolve("origin.log")));
        throw e;
      }

      JsonNode stream = api("POST", "/api/live", "{\"name\":\"Viewer load\"}");
      String id = stream.get("id").asText();
      publisher = new ProcessBuilder(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class), "-hide_banner", "-loglevel",
          "error", "-re", "-stream_loop", "-1", "-i", source.toString(), "-c", "copy", "-f", "flv",
          stream.get("rtmpUrl").asText()).redirectErrorStream(true)
          .redirectOutput(work.resolve("publisher.log").toFile()).start();
      log("publishing to %s; waiting for the stream to go live", stream.get("rtmpUrl").asText());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(api("GET", "/api/live/" + id, null).path("health").path("segments").asLong() >= 3)) {
        if (System.nanoTime() > deadline || !publisher.isAlive() || !origin.isAlive()) {
          throw new IllegalStateException("the stream did not go live in 60 s; see the origin's and publisher's logs");
        }
        Thread.sleep(500);
      }
      // Every viewer has its own playback token, as every player would.
      List<String> tokens = new ArrayList<>();
      String masterUrl = null;
      for (int v = 0; v < viewers; v++) {
        JsonNode playback = api("POST", "/api/live/" + id + "/playback", "{\"viewerId\":\"viewer-" + v + "\"}");
        tokens.add(playback.get("token").asText());
        masterUrl = playback.get("masterUrl").asText();
      }
      String master = get(base + masterUrl).body();
      String rendition = pick(master, renditionChoice);
      String directory = "/live/" + id + "/" + rendition + "/";
      JsonNode healthBefore = api("GET", "/api/live/" + id, null).path("health");
      log("%d viewers on %s for %d s", viewers, rendition, seconds);

      String loadBefore = ProcessSample.loadAverage();
      List<String[]> samples = new ArrayList<>();
      long originPid = origin.pid();
      long publisherPid = publisher.pid();
      double[] cpuStart = {ProcessSample.cpuSeconds(originPid), ProcessSample.ownCpuSeconds(),
          ProcessSample.cpuSeconds(publisherPid), ProcessSample.machineCpuSeconds()};
      Map<String, Double> originThreadsStart = ProcessSample.threadCpuSeconds(originPid);
      EventLoopGroup group = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
      List<Viewer> clients = new ArrayList<>();
      CountDownLatch finished = new CountDownLatch(viewers);
      long start = System.nanoTime();
      try {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .remoteAddress(new InetSocketAddress("127.0.0.1", port));
        for (int v = 0; v < viewers; v++) {
          Viewer viewer = new Viewer(bootstrap, directory, tokens.get(v), finished);
          clients.add(viewer);
          // Spread the connects over a second, as viewers arriving, not a SYN flood.
          group.next().schedule(viewer::connect, v * 1000L / viewers, TimeUnit.MILLISECONDS);
        }
        for (int t = SAMPLE_SECONDS; t <= seconds; t += SAMPLE_SECONDS) {
          Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime()) / 1_000_000L);
          samples.add(sample(t, originPid, publisherPid, cpuStart));
        }
        Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime()) / 1_000_000L);
        running = false;
        if (!finished.await(REQUEST_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
          error("still busy at the end", finished.getCount() + " viewers");
        }
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      double[] cpuEnd = {ProcessSample.cpuSeconds(originPid), ProcessSample.ownCpuSeconds(),
          ProcessSample.cpuSeconds(publisherPid), ProcessSample.machineCpuSeconds()};
      Map<String, Double> originThreads = byName(originThreadsStart, ProcessSample.threadCpuSeconds(originPid));
      String loadAfter = ProcessSample.loadAverage();
      JsonNode health = api("GET", "/api/live/" + id, null).path("health");
      return report(viewers, seconds, rendition, elapsed, clients, samples, cpuStart, cpuEnd, loadBefore, loadAfter,
          healthBefore, health, originThreads, work.resolve("origin.log"),
          heapAfterGc(work.resolve("gc.log"), (start - originStarted) / 1e9, seconds));
    } finally {
      if (publisher != null) {
        publisher.destroy();
        publisher.waitFor(10, TimeUnit.SECONDS);
      }
      if (origin != null) {
        origin.destroy();
        if (!origin.waitFor(30, TimeUnit.SECONDS)) {
          origin.destroyForcibly();
        }
      }
      try (Stream<Path> files = Files.walk(work)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private boolean report(int viewers, int seconds, String rendition, double elapsed, List<Viewer> clients,
      List<String[]> samples, double[] cpuStart, double[] cpuEnd, String loadBefore, String loadAfter,
      JsonNode healthBefore, JsonNode health, Map<String, Double> originThreads, Path originLog, String heap)
      throws IOException {
    long[] delivery = latencies(clients, 0);
    long[] fetch = latencies(clients, 1);
    long[] announceSpread = latencies(clients, 2);
    long[] receiptSpread = latencies(clients, 3);
    long parts = delivery.length;
    long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
    System.out.printf(Locale.ROOT, "Live viewers: %d LL-HLS clients on rendition %s for %d s, one keep-alive "
        + "connection each (Netty, %d event loops), one origin (`streamkit serve`, own JVM) fed by ffmpeg over RTMP; "
        + "all on the same %d cores%n%n", viewers, rendition, seconds, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "load average before %s, after %s%n%n", loadBefore, loadAfter);
    System.out.printf(Locale.ROOT, "- requests (blocking playlist reloads and part GETs): %d (%.0f/s); parts "
        + "delivered %d (%.1f MB/s), distinct parts %d%n", requests.get(), requests.get() / elapsed,
        parts, partBytes.get() / elapsed / 1e6, firstReceived.size());
    System.out.printf(Locale.ROOT, "- errors: %d %s%s%n", errorCount, errors.isEmpty() ? "" : errors,
        errorExamples.isEmpty() ? "" : " e.g. " + errorExamples);
    System.out.printf(Locale.ROOT, "- reconnects after the origin closed a connection: %d; blocking reloads answered "
        + "without the part asked for or a later one: %d; hinted part that the segment closed before, so the next "
        + "segment's first part was fetched: %d%n", reconnects.get(), unannounced.get(), rolledOver.get());
    if (!unannouncedExample.isEmpty()) {
      System.err.println(unannouncedExample);
    }
    System.out.println();
    System.out.println("| per part and client | p50 ms | p90 ms | p99 ms | max ms |");
    System.out.println("|---|---|---|---|---|");
    row("delivery: part received − first announcement to any client", delivery);
    row("fetch: part received − own announcing playlist received", fetch);
    row("announcement spread: own playlist − first announcement", announceSpread);
    row("receipt spread: part received − first receipt by any client", receiptSpread);
    System.out.println();
    double wall = elapsed;
    System.out.printf(Locale.ROOT, "CPU over the run (cores busy on average, of %d): origin %.2f, load generator "
        + "%.2f, publisher (ffmpeg) %.2f, whole machine %.2f (so others: %.2f)%n%n",
        Runtime.getRuntime().availableProcessors(), (cpuEnd[0] - cpuStart[0]) / wall,
        (cpuEnd[1] - cpuStart[1]) / wall, (cpuEnd[2] - cpuStart[2]) / wall, (cpuEnd[3] - cpuStart[3]) / wall,
        ((cpuEnd[3] - cpuStart[3]) - (cpuEnd[0] - cpuStart[0]) - (cpuEnd[1] - cpuStart[1])
            - (cpuEnd[2] - cpuStart[2])) / wall);
    System.out.print("Origin CPU by thread group (cores busy on average):");
    originThreads.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.reverseOrder())).limit(8)
        .forEach(e -> System.out.printf(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() / wall));
    System.out.println();
    System.out.println();
    System.out.println("| t s | origin RSS MiB | origin cores | load generator cores | publisher cores | requests |");
    System.out.println("|---|---|---|---|---|---|");
    for (String[] sample : samples) {
      System.out.println("| " + String.join(" | ", sample) + " |");
    }
    System.out.println();
    System.out.println("Origin heap after GC (-Xlog:gc), MiB, the last collection in each 5 s of the run: " + heap);
    System.out.println();
    for (JsonNode[] moment : new JsonNode[][] {{healthBefore}, {health}}) {
      JsonNode h = moment[0];
      System.out.printf(Locale.ROOT, "Stream health %s: encoder speed %.2f, dropped frames %d, dropped "
          + "renditions %s, segments %d, viewers %d%n", h == healthBefore ? "before the viewers" : "at the end",
          h.path("encoderSpeed").asDouble(), h.path("droppedFrames").asLong(), h.path("droppedRenditions"),
          h.path("segments").asLong(), h.path("viewers").asLong());
    }
    List<String> problems = Files.readAllLines(originLog).stream()
        .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception")).toList();
    System.out.printf(Locale.ROOT, "Origin log: %d WARN/ERROR/exception lines%s%n", problems.size(),
        problems.isEmpty() ? "" : "; first: " + problems.get(0));
    return errorCount == 0 && parts > 0;
  }

  /** The heap after the last collection of each {@value #SAMPLE_SECONDS} s of the run, from the origin's GC log. */
  private static String heapAfterGc(Path gcLog, double runStartUptime, int seconds) throws IOException {
    Pattern line = Pattern.compile("\\[(\\d+\\.\\d+)s\\].*GC\\(\\d+\\).* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    String[] buckets = new String[seconds / SAMPLE_SECONDS + 1];
    for (String entry : Files.readAllLines(gcLog)) {
      Matcher m = line.matcher(entry);
      if (m.find()) {
        double at = Double.parseDouble(m.group(1)) - runStartUptime;
        int bucket = (int) (at / SAMPLE_SECONDS);
        if (at >= 0 && bucket < buckets.length) {
          buckets[bucket] = m.group(3);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (int b = 0; b < buckets.length; b++) {
      out.append(b == 0 ? "" : " ").append(buckets[b] == null ? "–" : buckets[b]);
    }
    return out.toString();
  }

  /** CPU seconds used between two snapshots, summed by thread name with digits and trailing dashes taken out. */
  private static Map<String, Double> byName(Map<String, Double> start, Map<String, Double> end) {
    Map<String, Double> groups = new java.util.TreeMap<>();
    end.forEach((thread, seconds) -> {
      String name = thread.substring(thread.indexOf('\t') + 1).replaceAll("[0-9]+", "#").replaceAll("[-#]+$", "");
      groups.merge(name, seconds - start.getOrDefault(thread, 0.0), Double::sum);
    });
    return groups;
  }

  private static void row(String name, long[] micros) {
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", name, percentile(micros, 0.5),
        percentile(micros, 0.9), percentile(micros, 0.99), micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0);
  }

  private static double percentile(long[] sorted, double fraction) {
    return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1)] / 1000.0;
  }

  /**
   * Sorted latencies in µs of every part every client received, {@code kind} 0: receipt minus first announcement to
   * any client; 1: receipt minus the client's own announcement; 2: own minus first announcement; 3: receipt minus the
   * first receipt by any client.
   */
  private long[] latencies(List<Viewer> clients, int kind) {
    long[] all = new long[clients.stream().mapToInt(c -> c.received).sum()];
    int n = 0;
    for (Viewer client : clients) {
      for (int i = 0; i < client.received; i++) {
        long key = client.keys[i];
        long nanos = switch (kind) {
          case 0 -> client.receipts[i] - firstAnnounced.get(key);
          case 1 -> client.receipts[i] - client.announcements[i];
          case 2 -> client.announcements[i] - firstAnnounced.get(key);
          default -> client.receipts[i] - firstReceived.get(key);
        };
        all[n++] = nanos / 1000;
      }
    }
    Arrays.sort(all);
    return all;
  }

  private String[] sample(int t, long originPid, long publisherPid, double[] cpuStart) {
    double elapsed = t;
    return new String[] {Integer.toString(t), String.format(Locale.ROOT, "%.0f", ProcessSample.rssMebibytes(originPid)),
        String.format(Locale.ROOT, "%.2f", (ProcessSample.cpuSeconds(originPid) - cpuStart[0]) / elapsed),
        String.format(Locale.ROOT, "%.2f", (ProcessSample.ownCpuSeconds() - cpuStart[1]) / elapsed),
        String.format(Locale.ROOT, "%.2f", (ProcessSample.cpuSeconds(publisherPid) - cpuStart[2]) / elapsed),
        Long.toString(requests.get())};
  }

  /**
   * The rendition directory to load, by its rank in bandwidth in the multivariant playlist or by name. The default,
   * the second highest, is kept when the transcoder falls behind: the top one is the first it stops (docs/live.md).
   */
  private static String pick(String master, String choice) {
    Matcher m = STREAM_INF.matcher(master);
    List<String[]> variants = new ArrayList<>();
    while (m.find()) {
      variants.add(new String[] {m.group(1), m.group(2)});
    }
    variants.sort(Comparator.comparingLong(v -> -Long.parseLong(v[0])));
    if (variants.isEmpty()) {
      throw new IllegalStateException("no variant in the multivariant playlist: " + master);
    }
    return switch (choice) {
      case "top" -> variants.get(0)[1];
      case "second" -> variants.get(Math.min(1, variants.size() - 1))[1];
      case "bottom" -> variants.get(variants.size() - 1)[1];
      default -> variants.stream().filter(v -> v[1].equals(choice)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("rendition " + choice + " is not in " + master))[1];
    };
  }

  private Process startOrigin(Path work, int port, int rtmpPort) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(List.of(System.getProperty("streamkit.origin.jvm", "-Xms256m -Xmx512m").trim().split("\\s+")));
    // The heap after each collection, to tell live data from garbage that RSS cannot.
    command.add("-Xlog:gc:file=" + work.resolve("gc.log"));
    originStarted = System.nanoTime();
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.streamkit.server.cli.StreamkitCli",
        "serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--rtmp-port", Integer.toString(rtmpPort),
        "--data", work.resolve("data").toString(), "--signing-key", SIGNING_KEY, "--admin-key", ADMIN_KEY,
        "--no-rate-limits", "--workers", "0"));
    Files.createDirectories(work.resolve("data"));
    log("origin: %s", String.join(" ", command.subList(command.indexOf("serve"), command.size())));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("origin.log").toFile())
        .start();
  }

  private void awaitOrigin(Process origin) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        if (get(base + "/healthz").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!origin.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the origin did not start; exit " + (origin.isAlive() ? "none" : origin
            .exitValue()));
      }
      Thread.sleep(250);
    }
  }

  private JsonNode api(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return json.readTree(response.body());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void error(String kind, String example) {
    errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    errorExamples.putIfAbsent(kind, example.length() > 200 ? example.substring(0, 200) : example);
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[live-viewers] " + format + "%n", args);
  }

  /**
   * One player on one connection, driven by its channel's event loop: playlist, then part, then playlist... Its
   * records are read after the run ends.
   */
  private final class Viewer extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Bootstrap bootstrap;
    private final String directory;
    private final String token;
    private final CountDownLatch finished;
    private Channel channel;
    private boolean done;
    private boolean awaitingPart;
    private boolean inFlight;
    private long msn = -1;
    private int part = -1;
    private long announcedAt;
    /** The part the last playlist's preload hint named. */
    private long nextMsn;
    private int nextPart;
    private ScheduledFuture<?> timeout;
    long[] keys = new long[256];
    long[] receipts = new long[256];
    long[] announcements = new long[256];
    int received;

    Viewer(Bootstrap bootstrap, String directory, String token, CountDownLatch finished) {
      this.bootstrap = bootstrap;
      this.directory = directory;
      this.token = token;
      this.finished = finished;
    }

    void connect() {
      if (!running) {
        finish();
        return;
      }
      Viewer self = this;
      bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(16 << 20), self);
        }
      }).connect().addListener(f -> {
        if (!f.isSuccess()) {
          error("connect " + f.cause().getClass().getSimpleName(), String.valueOf(f.cause().getMessage()));
          retryLater();
        }
      });
    }

    @Override
    public boolean isSharable() {
      return true;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      requestPlaylist();
    }

    private void requestPlaylist() {
      awaitingPart = false;
      String query = msn < 0 ? "" : "&_HLS_msn=" + msn + "&_HLS_part=" + part;
      send(directory + "index.m3u8?token=" + token + query);
    }

    private void send(String path) {
      if (!running) {
        channel.close();
        finish();
        return;
      }
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
      request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
      Channel sending = channel;
      timeout = sending.eventLoop().schedule(() -> {
        error("timeout", path);
        inFlight = false;
        sending.close();
      }, REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      inFlight = true;
      sending.writeAndFlush(request);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      long now = System.nanoTime();
      timeout.cancel(false);
      inFlight = false;
      requests.incrementAndGet();
      boolean keepAlive = HttpUtil.isKeepAlive(response);
      if (response.status().code() != 200) {
        error("HTTP " + response.status().code(), response.content().toString(StandardCharsets.UTF_8));
        msn = -1;
        again(ctx, keepAlive);
        return;
      }
      if (awaitingPart) {
        long key = key(msn, part);
        record(key, now);
        partBytes.addAndGet(response.content().readableBytes());
        firstReceived.merge(key, now, Math::min);
        msn = nextMsn;
        part = nextPart;
        awaitingPart = false;
      } else {
        String playlist = response.content().toString(StandardCharsets.UTF_8);
        Matcher hint = PRELOAD_HINT.matcher(playlist);
        if (!hint.find()) {
          error(playlist.contains("#EXT-X-ENDLIST") ? "rendition ended" : "no preload hint", playlist);
          msn = -1;
          again(ctx, keepAlive);
          return;
        }
        nextMsn = Long.parseLong(hint.group(1));
        nextPart = Integer.parseInt(hint.group(2));
        long[] listed = msn < 0 ? null : firstListedFrom(playlist, msn, part);
        if (listed != null) {
          // The part asked for, or the next one when the segment closed before the hinted part (a hint is a guess:
          // RFC 8216bis section 4.4.5.3).
          if (listed[0] != msn || listed[1] != part) {
            rolledOver.incrementAndGet();
          }
          msn = listed[0];
          part = (int) listed[1];
          announcedAt = now;
          firstAnnounced.merge(key(msn, part), now, Math::min);
          awaitingPart = true;
        } else {
          if (msn >= 0 && unannounced.incrementAndGet() == 1) {
            unannouncedExample = "asked part_" + msn + "_" + part + ", got …"
                + playlist.substring(Math.max(0, playlist.length() - 600));
          }
          msn = nextMsn;
          part = nextPart;
        }
      }
      if (!keepAlive) {
        reconnects.incrementAndGet();
        ctx.close();
        return;
      }
      if (awaitingPart) {
        send(directory + "part_" + msn + "_" + part + ".m4s?token=" + token);
      } else {
        requestPlaylist();
      }
    }

    private void again(ChannelHandlerContext ctx, boolean keepAlive) {
      if (!keepAlive) {
        ctx.close();
        return;
      }
      ctx.executor().schedule(this::requestPlaylist, 200, TimeUnit.MILLISECONDS);
    }

    private void record(long key, long now) {
      if (received == keys.length) {
        keys = Arrays.copyOf(keys, received * 2);
        receipts = Arrays.copyOf(receipts, received * 2);
        announcements = Arrays.copyOf(announcements, received * 2);
      }
      keys[received] = key;
      receipts[received] = now;
      announcements[received] = announcedAt;
      received++;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      awaitingPart = false;
      if (inFlight && running) {
        error("connection closed mid-request", directory);
      }
      inFlight = false;
      if (running) {
        retryLater();
      } else {
        finish();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (running) {
        error("transport " + cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()));
      }
      ctx.close();
    }

    private void retryLater() {
      bootstrap.config().group().next().schedule(this::connect, 200, TimeUnit.MILLISECONDS);
    }

    private void finish() {
      if (!done) {
        done = true;
        finished.countDown();
      }
    }
  }

  /** The first part listed at or after part {@code part} of segment {@code msn}, as {msn, part}, or null. */
  private static long[] firstListedFrom(String playlist, long msn, int part) {
    Matcher m = LISTED_PART.matcher(playlist);
    long[] first = null;
    while (m.find()) {
      long listedMsn = Long.parseLong(m.group(1));
      int listedPart = Integer.parseInt(m.group(2));
      boolean atOrAfter = listedMsn > msn || (listedMsn == msn && listedPart >= part);
      if (atOrAfter && (first == null || listedMsn < first[0] || (listedMsn == first[0] && listedPart < first[1]))) {
        first = new long[] {listedMsn, listedPart};
      }
    }
    return first;
  }

  private static long key(long msn, int part) {
    return msn * 1000 + part;
  }
}
