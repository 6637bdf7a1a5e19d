package io.streamkit.benchmarks.abr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.sim.Algorithm;
import io.streamkit.abr.sim.LteTraces;
import io.streamkit.abr.sim.NetworkTrace;
import io.streamkit.abr.sim.Qoe;
import io.streamkit.abr.sim.SessionResult;
import io.streamkit.abr.sim.Simulator;
import io.streamkit.abr.sim.VideoModel;
import io.streamkit.benchmarks.live.HeadlessChromium;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.WebDriverException;

/**
 * StreamKit's bitrate rule in a real browser on real network traces: the player page's hls.js with StreamKit's rule
 * (its default, {@code streamkit-abr.js}) against hls.js's own ABR ({@code ?abr=hlsjs}), on the same title, the same
 * traces and at the same time, with QoE_lin scored as the simulator scores it and the simulator's prediction for each
 * session beside it.
 *
 * <p>The title: a source made with the bundled ffmpeg ({@code --seconds} of a 1920x1080 25 fps test pattern under
 * temporal noise, so every rung spends its bitrate; or {@code --source FILE}, played whole), transcoded by StreamKit's
 * {@link Transcoder} with the default ladder ({@link Ladder#apple()}) and 4 s segments (the study's chunk length); or
 * {@code --title DIR}, a title already made so ({@code streamkit transcode --segment-seconds 4 --out DIR SOURCE}). It
 * is served by a real {@link OriginServer} on loopback with playback tokens, and a session plays all of it.
 *
 * <p>The network: for each trace, two fresh headless Chromiums (one per rule, side by side, so both see the same
 * machine load) load the player page, each through its own {@link BottleneckProxy} in front of the origin, whose rate
 * is changed at every sample of the trace: the trace's throughput × the scale × 0.95 (the study's payload share);
 * every request also waits {@code --latency-ms} (the study's 80 ms round trip), added by the Chrome DevTools
 * Protocol's {@code Network.emulateNetworkConditions}. With {@code --link cdp} that command also sets the rate, as
 * the harness did first: Chromium then shapes each request by itself, which lets bursts through (see the proxy). The scale maps the study's ladder onto this one: the top rung's {@code BANDWIDTH}
 * over the study's top rung, 4300 kbit/s. The trace starts when the page is navigated to and is walked as the
 * simulator walks it (past the last sample it wraps to the second, with the clock at zero). The page's scripts are
 * loaded once unthrottled before (hls.js is cached as immutable), so start-up is the player's, not hls.js's download.
 *
 * <p>What the player did: a read-only recorder ({@code abr-probe.js}, installed before the page's scripts) listens to
 * hls.js's events and the video element: the level of every fragment the playhead entered ({@code FRAG_CHANGED}),
 * and every stall after the first frame ({@code waiting} to {@code playing}) with the media buffered ahead of the
 * playhead when it began. A session ends when the video ends or at {@code --timeout} seconds (a stall still running
 * then counts up to the cut). QoE_lin per chunk is {@link Qoe#reward} over the level bitrates the rule plans with
 * (hls.js's level {@code bitrate}), summed over chunks 2..n as {@link SessionResult#qoe} does; every stall after the
 * first frame is charged, to the chunk whose start the playhead was nearest, never to the first chunk (whose wait is
 * start-up, left out as in the study). A stall that began with half a second or more of media buffered is the
 * browser's, not the network's (its decoder fell behind, on a loaded machine): the report gives QoE_lin with every
 * stall, and with the network's stalls only, the figure the simulator models.
 *
 * <p>The simulator's prediction: {@link Simulator} with the title's real segment sizes ({@code segment-sizes.json})
 * plus the audio segment the browser loaded beside each ({@link VideoModel#withAudio}) and the same level bitrates, the same scaled trace, the same round trip and payload share, the player's forward
 * buffer cap ({@code maxBufferLength}) as its buffer cap, a session as long as the title, starting at the rung the
 * browser's first chunk played at; StreamKit's rule is {@link Algorithm#STREAMKIT}, hls.js's is modelled by
 * {@link Algorithm#THROUGHPUT}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.benchmarks.abr.BrowserAbrBenchmark \
 *     (--traces DIR | --lte-seed SEED) \
 *     [--count 20] [--seconds 60 | --source FILE | --title DIR] [--scale auto|FACTOR] [--latency-ms 80] \
 *     [--link proxy|cdp] [--offset 0] \
 *     [--timeout SECONDS (default: the title's length + 90)] [--preset veryfast]
 * </pre>
 *
 * {@code --lte-seed SEED} plays the outage family instead of trace files: {@link LteTraces#generate} with that seed and
 * {@link LteTraces#DEFAULT_COUNT} traces (the simulator's {@code abr-sim --lte-seed}), sampled as files are.
 *
 * <p>Prints a Markdown report on stdout, progress on stderr.
 */
public final class BrowserAbrBenchmark {

  /** The study's top rung, in kbit/s: the scale maps it onto this ladder's top rung. */
  static final double STUDY_TOP_KBPS = 4300;
  /** The study's share of link throughput that carries payload. */
  static final double PAYLOAD_SHARE = Simulator.DEFAULT_PAYLOAD_SHARE;
  static final int CHUNK_SECONDS = 4;
  static final String TITLE = "abr-bench";
  static final byte[] SECRET = "browser-abr-benchmark-secret-of-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  static final long POLL_MILLIS = 250;
  /** Upload rate while throttled: high enough that request heads never wait. */
  static final long UPLOAD_BYTES_PER_SECOND = 12_500_000;
  static final Pattern BANDWIDTH = Pattern.compile("BANDWIDTH=(\\d+)");
  /** A stall with less media than this buffered ahead of the playhead is the network's. */
  static final double NETWORK_STALL_AHEAD_SECONDS = 0.5;

  /**
   * Selenium warns on every browser that it has no CDP bindings for this Chromium; raw CDP commands need none. Held
   * here because the logging framework keeps loggers only weakly, and a collected one forgets its level.
   */
  private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

  private final ObjectMapper json = new ObjectMapper();
  /** The directory of trace files, or null when the traces are the outage family of {@link #lteSeed}. */
  private final Path traces;
  private final Long lteSeed;
  private final int count;
  /** How many files past each evenly spread pick the chosen trace is: another sample of the same directory. */
  private final int offset;
  private final int seconds;
  private final Path source;
  private final Path givenTitle;
  private final String scaleOption;
  private final int latencyMs;
  /** Whether the link is a {@link BottleneckProxy} (else Chromium's throttle alone). */
  private final boolean bottleneck;
  private final Integer timeoutOption;
  private final String preset;

  private BrowserAbrBenchmark(Map<String, String> options) {
    if (options.containsKey("traces") == options.containsKey("lte-seed")) {
      throw new IllegalArgumentException("give either --traces DIR (trace files) or --lte-seed SEED (the generated "
          + "outage family), not both or neither");
    }
    this.lteSeed = options.containsKey("lte-seed") ? Long.valueOf(options.get("lte-seed")) : null;
    this.traces = options.containsKey("traces") ? Path.of(options.get("traces")) : null;
    if (traces != null && !Files.isDirectory(traces)) {
      throw new IllegalArgumentException("--traces " + traces + " is not a directory; give the directory of trace "
          + "files (time_s<TAB>Mbit/s per line)");
    }
    this.count = Integer.parseInt(options.getOrDefault("count", "20"));
    this.offset = Integer.parseInt(options.getOrDefault("offset", "0"));
    if (offset < 0) {
      throw new IllegalArgumentException("--offset must be 0 or more, got " + offset);
    }
    this.seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
    if (seconds < 3 * CHUNK_SECONDS || seconds % CHUNK_SECONDS != 0) {
      throw new IllegalArgumentException("--seconds must be a multiple of " + CHUNK_SECONDS + " of at least "
          + 3 * CHUNK_SECONDS + ", got " + seconds);
    }
    this.source = options.containsKey("source") ? Path.of(options.get("source")) : null;
    this.givenTitle = options.containsKey("title") ? Path.of(options.get("title")) : null;
    if (givenTitle != null && !Files.isRegularFile(givenTitle.resolve("segment-sizes.json"))) {
      throw new IllegalArgumentException("--title " + givenTitle + " has no segment-sizes.json; give a title "
          + "directory made by 'streamkit transcode --segment-seconds " + CHUNK_SECONDS + "'");
    }
    this.scaleOption = options.getOrDefault("scale", "auto");
    this.latencyMs = Integer.parseInt(options.getOrDefault("latency-ms", "80"));
    String link = options.getOrDefault("link", "proxy");
    if (!link.equals("proxy") && !link.equals("cdp")) {
      throw new IllegalArgumentException("--link must be proxy (a shared bottleneck in front of the origin) or cdp "
          + "(Chromium's per-request throttle), got " + link);
    }
    this.bottleneck = link.equals("proxy");
    this.timeoutOption = options.containsKey("timeout") ? Integer.valueOf(options.get("timeout")) : null;
    this.preset = options.getOrDefault("preset", Transcoder.DEFAULT_PRESET);
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code --name value} pairs, see the class comment
   * @throws Exception if the transcode, the origin or a browser fails
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    SELENIUM_LOG.setLevel(Level.SEVERE);
    new BrowserAbrBenchmark(options).run();
  }

  private void run() throws Exception {
    List<NetworkTrace> chosen = chooseTraces();
    Path data = Files.createTempDirectory("browser-abr");
    try {
      Path title = data.resolve("titles").resolve(TITLE);
      if (givenTitle != null) {
        copyTitle(givenTitle, title);
      } else {
        Path input = source != null ? source : testPattern(data.resolve("source.mp4"));
        log("transcoding " + input.getFileName() + " with the default ladder, 4 s segments");
        long transcodeStart = System.nanoTime();
        Transcoder.builder().input(input).output(title).segmentSeconds(CHUNK_SECONDS).preset(preset)
            .storyboard(false).build().run();
        log(String.format(Locale.ROOT, "transcoded in %.0f s", (System.nanoTime() - transcodeStart) / 1e9));
      }
      int chunks = json.readTree(title.resolve("segment-sizes.json").toFile()).get("renditions").get(0)
          .get("segmentBytes").size();
      int timeoutSeconds = timeoutOption != null ? timeoutOption : chunks * CHUNK_SECONDS + 90;
      double scale = scale(title);
      String loadAtStart = loadAverage();
      Instant startedAt = Instant.now();
      List<TracePair> pairs = new ArrayList<>();
      try (OriginServer origin = OriginServer.builder().dataDirectory(data).host("127.0.0.1").port(0).ioThreads(2)
          .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build().start()) {
        int originPort = origin.port();
        ExecutorService sessions = Executors.newFixedThreadPool(2);
        try {
          int n = 0;
          for (NetworkTrace trace : chosen) {
            n++;
            NetworkTrace scaled = scaled(trace, scale);
            log("trace " + n + "/" + chosen.size() + ": " + trace.name() + String.format(Locale.ROOT,
                " (mean %.2f Mbit/s scaled)", scaled.meanMegabitsPerSecond()));
            int number = n;
            Future<Session> streamkit = sessions.submit(() -> play(originPort, scaled, false, number, chunks,
                timeoutSeconds));
            Future<Session> hlsjs = sessions.submit(() -> play(originPort, scaled, true, number, chunks, timeoutSeconds));
            TracePair pair = new TracePair(trace.name(), streamkit.get(), hlsjs.get());
            VideoModel video = videoModel(title, pair.streamkit.probe);
            pair.predict(video, scaled, latencyMs / 1000.0);
            log("  " + pair.streamkit.summary() + " | " + pair.hlsjs.summary());
            pairs.add(pair);
          }
        } finally {
          sessions.shutdownNow();
        }
      }
      report(pairs, chunks, timeoutSeconds, scale, loadAtStart, startedAt);
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Copies a transcoded title into the origin's data directory. */
  private static void copyTitle(Path from, Path to) throws IOException {
    log("serving the title in " + from);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  /**
   * {@code count} traces spread evenly over the directory's files in name order (or over the generated family in its
   * order), so every family is sampled, each {@code offset} places further on.
   */
  private List<NetworkTrace> chooseTraces() throws IOException {
    List<NetworkTrace> all;
    String from;
    if (lteSeed != null) {
      all = LteTraces.generate(lteSeed, LteTraces.DEFAULT_COUNT).traces();
      from = "--lte-seed " + lteSeed + " generates " + all.size() + " traces";
    } else {
      try (Stream<Path> list = Files.list(traces)) {
        all = list.filter(Files::isRegularFile).sorted().map(NetworkTrace::read).toList();
      }
      from = "--traces " + traces + " holds " + all.size() + " files";
    }
    if (all.size() < count) {
      throw new IllegalArgumentException(from + " but --count is " + count + "; lower --count");
    }
    List<NetworkTrace> chosen = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      chosen.add(all.get((int) (((long) i * all.size() / count + offset) % all.size())));
    }
    return chosen;
  }

  /**
   * A 1920x1080 25 fps test pattern under temporal noise with a tone, made with the bundled ffmpeg at 12 Mbit/s: twice
   * the top rung, so the noise keeps every rung at its bitrate, and small enough to transcode quickly.
   */
  private Path testPattern(Path target) throws IOException, InterruptedException {
    log("making a " + seconds + " s 1920x1080 source with the bundled ffmpeg");
    List<String> command = List.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class), "-hide_banner", "-loglevel",
        "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds), "-vf", "noise=alls=20:allf=t",
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "12M", "-maxrate", "12M", "-bufsize", "12M", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-b:a", "128k", "-shortest", "-f", "mp4", target.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException("ffmpeg could not make the source " + target + ": "
          + new String(output, StandardCharsets.UTF_8));
    }
    return target;
  }

  /** The trace multiplier: {@code --scale}, or the top rung's {@code BANDWIDTH} over the study's top rung. */
  private double scale(Path title) throws IOException {
    if (!"auto".equals(scaleOption)) {
      return Double.parseDouble(scaleOption);
    }
    Matcher m = BANDWIDTH.matcher(Files.readString(title.resolve("master.m3u8")));
    long top = 0;
    while (m.find()) {
      top = Math.max(top, Long.parseLong(m.group(1)));
    }
    if (top == 0) {
      throw new IllegalStateException(title.resolve("master.m3u8") + " lists no BANDWIDTH");
    }
    double scale = top / 1000.0 / STUDY_TOP_KBPS;
    log(String.format(Locale.ROOT, "top rung %d kbit/s: traces scaled by %.3f", top / 1000, scale));
    return scale;
  }

  private static NetworkTrace scaled(NetworkTrace trace, double scale) {
    double[] times = new double[trace.size()];
    double[] mbps = new double[trace.size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = trace.timeSeconds(i);
      mbps[i] = trace.megabitsPerSecond(i) * scale;
    }
    return NetworkTrace.of(trace.name(), times, mbps);
  }

  /** The title as the rule sees it: hls.js's levels (ascending bitrate) and the packager's segment sizes. */
  private VideoModel videoModel(Path title, JsonNode probe) throws IOException {
    JsonNode sizes = json.readTree(title.resolve("segment-sizes.json").toFile()).get("renditions");
    JsonNode levels = probe.get("levels");
    int[] kbps = new int[levels.size()];
    long[][] bytes = new long[levels.size()][];
    for (int q = 0; q < kbps.length; q++) {
      JsonNode level = levels.get(q);
      kbps[q] = (int) Math.round(level.get("bitrate").asDouble() / 1000);
      String path = level.get("uri").asText().replaceFirst("\\?.*", "");
      for (JsonNode rendition : sizes) {
        if (path.endsWith("/" + rendition.get("uri").asText())) {
          JsonNode list = rendition.get("segmentBytes");
          bytes[q] = new long[list.size()];
          for (int c = 0; c < bytes[q].length; c++) {
            bytes[q][c] = list.get(c).asLong();
          }
        }
      }
      if (bytes[q] == null) {
        throw new IllegalStateException("segment-sizes.json lists no sizes for level " + q + " (" + path + ")");
      }
    }
    VideoModel video = VideoModel.of(kbps, bytes, CHUNK_SECONDS);
    long[] audio = audioBytes(probe.path("audioLoaded"), video.chunkCount());
    return audio == null ? video : video.withAudio(audio);
  }

  /**
   * The audio segment the browser loaded beside each chunk, from the recorder's audio fragments; a chunk whose audio
   * it did not see gets their mean. {@code null} for a title without an audio rendition.
   */
  private static long[] audioBytes(JsonNode loaded, int chunks) {
    long[] audio = new long[chunks];
    long sum = 0;
    int seen = 0;
    for (JsonNode f : loaded) {
      int chunk = f.get("chunk").asInt();
      if (chunk >= 0 && chunk < chunks && audio[chunk] == 0) {
        audio[chunk] = f.get("bytes").asLong();
        sum += audio[chunk];
        seen++;
      }
    }
    if (seen == 0) {
      return null;
    }
    for (int c = 0; c < chunks; c++) {
      if (audio[c] == 0) {
        audio[c] = sum / seen;
      }
    }
    return audio;
  }

  /** One session of one rule over one trace, in a browser of its own (an empty HTTP cache: no segment is cached). */
  private Session play(int originPort, NetworkTrace trace, boolean hlsjs, int traceNumber, int chunks,
      int timeoutSeconds) throws Exception {
    try (BottleneckProxy link = bottleneck ? new BottleneckProxy(originPort) : null) {
      return play("http://127.0.0.1:" + (link != null ? link.port() : originPort), link, trace, hlsjs, traceNumber,
          chunks, timeoutSeconds);
    }
  }

  /** One session as above, its requests to {@code base}, through {@code link} when it is not null. */
  private Session play(String base, BottleneckProxy link, NetworkTrace trace, boolean hlsjs, int traceNumber,
      int chunks, int timeoutSeconds) throws Exception {
    String viewer = (hlsjs ? "hlsjs-" : "streamkit-") + traceNumber;
    String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer(viewer).title(TITLE)
        .expiresAt(Instant.now().plusSeconds(3600)).build());
    String page = base + "/play/" + TITLE;
    try (HeadlessChromium chromium = HeadlessChromium.start(PageLoadStrategy.NONE)) {
      var driver = chromium.driver;
      // Unthrottled, without a token: the page only loads its scripts (hls.js is then cached) and says it needs one.
      driver.get(page);
      awaitScript(chromium, "return document.readyState === 'complete' && !!window.Hls", 30);
      driver.executeCdpCommand("Page.enable", Map.of());
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", resource("abr-probe.js")));
      driver.executeCdpCommand("Network.enable", Map.of());
      TraceWalk walk = new TraceWalk(trace);
      throttle(chromium, link, walk.megabitsPerSecond());
      long start = System.nanoTime();
      driver.get(page + "?token=" + token + (hlsjs ? "&abr=hlsjs" : ""));
      double intervalEnd = walk.durationSeconds();
      long lastPoll = 0;
      boolean ended = false;
      while (!ended) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (elapsed >= timeoutSeconds) {
          break;
        }
        while (elapsed >= intervalEnd) {
          walk.advance();
          intervalEnd += walk.durationSeconds();
          if (elapsed < intervalEnd) {
            throttle(chromium, link, walk.megabitsPerSecond());
          }
        }
        if (System.nanoTime() - lastPoll > TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)) {
          lastPoll = System.nanoTime();
          ended = Boolean.TRUE.equals(scriptOrNull(chromium, "return window.abrProbe && window.abrProbe.ended()"));
        }
        long sleep = Math.min(POLL_MILLIS, Math.max(1, (long) ((intervalEnd - elapsed) * 1000)));
        Thread.sleep(sleep);
      }
      double wall = (System.nanoTime() - start) / 1e9;
      JsonNode probe = json.readTree((String) chromium.script("return window.abrProbe.results()"));
      return new Session(hlsjs ? "hls.js" : "StreamKit", probe, ended, wall, chunks);
    }
  }

  /**
   * Sets the page's link to the trace's rate: the bottleneck's rate when there is one (Chromium then adds the request
   * latency only), else Chromium's throttle.
   */
  private void throttle(HeadlessChromium chromium, BottleneckProxy link, double megabitsPerSecond) {
    double rate = megabitsPerSecond * 1e6 / 8 * PAYLOAD_SHARE;
    if (link != null) {
      link.rate(rate);
    }
    // 0 would mean "no limit" to Chrome; one byte a second is as good as none. -1 turns its throttle off.
    long bytesPerSecond = link != null ? -1 : Math.max(1, Math.round(rate));
    chromium.driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false,
        "latency", latencyMs, "downloadThroughput", bytesPerSecond, "uploadThroughput",
        link != null ? -1 : UPLOAD_BYTES_PER_SECOND));
  }

  private static Object scriptOrNull(HeadlessChromium chromium, String script) {
    try {
      return chromium.script(script);
    } catch (WebDriverException e) {
      // The page is between documents.
      return null;
    }
  }

  private static void awaitScript(HeadlessChromium chromium, String script, int timeout) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
    while (!Boolean.TRUE.equals(scriptOrNull(chromium, script))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the player page did not load in " + timeout + " s (" + script + ")");
      }
      Thread.sleep(100);
    }
  }

  /** The simulator's walk of a trace: interval by interval, wrapping past the last sample to the second at 0 s. */
  static final class TraceWalk {
    private final NetworkTrace trace;
    private int pointer = 1;
    private double lastTime;

    TraceWalk(NetworkTrace trace) {
      this.trace = trace;
      this.lastTime = trace.timeSeconds(0);
    }

    double durationSeconds() {
      return trace.timeSeconds(pointer) - lastTime;
    }

    double megabitsPerSecond() {
      return trace.megabitsPerSecond(pointer);
    }

    void advance() {
      lastTime = trace.timeSeconds(pointer);
      pointer++;
      if (pointer >= trace.size()) {
        pointer = 1;
        lastTime = 0;
      }
    }
  }

  /** What one browser session did, scored as the simulator scores a session. */
  static final class Session {
    final String rule;
    final JsonNode probe;
    final boolean ended;
    final double wallSeconds;
    final int[] kbps;
    final int[] quality;
    final double[] rebuffer;
    final double[] networkRebuffer;
    final int played;
    final double stallSeconds;
    final double networkStallSeconds;
    final double qoe;
    final double networkQoe;
    final int switches;
    final double meanKbps;

    Session(String rule, JsonNode probe, boolean ended, double wallSeconds, int chunks) {
      this.rule = rule;
      this.probe = probe;
      this.ended = ended;
      this.wallSeconds = wallSeconds;
      JsonNode levels = probe.get("levels");
      kbps = new int[levels.size()];
      for (int q = 0; q < kbps.length; q++) {
        kbps[q] = (int) Math.round(levels.get(q).get("bitrate").asDouble() / 1000);
      }
      quality = new int[chunks];
      Arrays.fill(quality, -1);
      for (JsonNode f : probe.get("loaded")) {
        set(f);
      }
      // What played wins over what was loaded (a fragment may be loaded again at another level).
      for (JsonNode f : probe.get("played")) {
        set(f);
      }
      int n = 0;
      while (n < chunks && quality[n] >= 0) {
        n++;
      }
      played = n;
      rebuffer = new double[chunks];
      networkRebuffer = new double[chunks];
      for (JsonNode s : probe.get("stalls")) {
        double secs = s.get("ms").asDouble() / 1000;
        int chunk = (int) Math.floor((s.get("position").asDouble() + CHUNK_SECONDS / 2.0) / CHUNK_SECONDS);
        chunk = Math.max(1, Math.min(chunk, Math.max(played - 1, 1)));
        rebuffer[chunk] += secs;
        if (s.path("ahead").asDouble() < NETWORK_STALL_AHEAD_SECONDS) {
          networkRebuffer[chunk] += secs;
        }
      }
      stallSeconds = Arrays.stream(rebuffer).sum();
      networkStallSeconds = Arrays.stream(networkRebuffer).sum();
      qoe = score(rebuffer);
      networkQoe = score(networkRebuffer);
      int switchCount = 0;
      double bitrateSum = 0;
      for (int c = 1; c < played; c++) {
        bitrateSum += kbps[quality[c]];
        if (quality[c] != quality[c - 1]) {
          switchCount++;
        }
      }
      switches = switchCount;
      meanKbps = played > 1 ? bitrateSum / (played - 1) : Double.NaN;
    }

    /** QoE_lin over chunks 2..n played, as {@link SessionResult#qoe} sums it. */
    private double score(double[] stalls) {
      if (played < 2) {
        return -Qoe.LIN.rebufferPenalty() * Arrays.stream(stalls).sum();
      }
      double score = 0;
      for (int c = 1; c < played; c++) {
        score += Qoe.LIN.reward(kbps, quality[c], quality[c - 1], stalls[c]);
      }
      return score;
    }

    private void set(JsonNode fragment) {
      int chunk = fragment.get("chunk").asInt();
      if (chunk >= 0 && chunk < quality.length) {
        quality[chunk] = fragment.get("level").asInt();
      }
    }

    boolean complete() {
      return ended && played == quality.length;
    }

    String summary() {
      return String.format(Locale.ROOT, "%s QoE %.2f (network stalls only %.2f) stall %.1f s (network %.1f s) %s "
          + "switches %d start %.1f s levels %s%s", rule, qoe, networkQoe, stallSeconds, networkStallSeconds,
          probe.get("stalls"), switches, probe.path("startupMs").asDouble() / 1000, levels(),
          complete() ? "" : " (" + played + " of " + quality.length + " chunks played, cut at "
              + Math.round(wallSeconds) + " s)");
    }

    String levels() {
      StringBuilder out = new StringBuilder();
      for (int q : quality) {
        out.append(q < 0 ? "-" : Integer.toString(q));
      }
      return out.toString();
    }
  }

  /** Both rules on one trace, and the simulator's prediction for each. */
  static final class TracePair {
    final String trace;
    final Session streamkit;
    final Session hlsjs;
    SessionResult predictedStreamkit;
    SessionResult predictedHlsjs;

    TracePair(String trace, Session streamkit, Session hlsjs) {
      this.trace = trace;
      this.streamkit = streamkit;
      this.hlsjs = hlsjs;
    }

    void predict(VideoModel video, NetworkTrace trace, double roundTripSeconds) {
      predictedStreamkit = simulate(video, trace, roundTripSeconds, streamkit, Algorithm.STREAMKIT);
      predictedHlsjs = simulate(video, trace, roundTripSeconds, hlsjs, Algorithm.THROUGHPUT);
    }

    private static SessionResult simulate(VideoModel video, NetworkTrace trace, double roundTripSeconds,
        Session session, Algorithm algorithm) {
      double cap = session.probe.path("maxBufferLength").asDouble(Simulator.DEFAULT_BUFFER_CAP_SECONDS);
      Simulator simulator = Simulator.builder().chunks(video.chunkCount())
          .startQuality(Math.max(0, session.quality[0])).roundTripSeconds(roundTripSeconds)
          .payloadShare(PAYLOAD_SHARE).bufferCapSeconds(cap).build();
      return simulator.run(trace, video, algorithm);
    }
  }

  /** Seconds stalled after the first chunk, as the browser's stall figure counts them. */
  static double stallAfterStart(SessionResult result) {
    return result.totalRebufferSeconds() - result.rebufferSeconds(0);
  }

  private void report(List<TracePair> pairs, int chunks, int timeoutSeconds, double scale, String loadAtStart,
      Instant startedAt) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Run: %s to %s, %d cores, %s, %s. Title: %d s, %d chunks of %d s, "
            + "default ladder; traces ×%.3f, request latency %d ms, link: %s; the two rules played each trace side "
            + "by side in two headless Chromiums. Load average (1/5/15 min) at start %s, at end %s.%n%n",
        startedAt.truncatedTo(ChronoUnit.SECONDS), Instant.now().truncatedTo(ChronoUnit.SECONDS),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
            + System.getProperty("java.version"), chromiumVersion(), chunks * CHUNK_SECONDS, chunks,
        CHUNK_SECONDS, scale, latencyMs, bottleneck ? "one bottleneck per browser (--link proxy)"
            : "Chromium's throttle (--link cdp)", loadAtStart, loadAverage()));
    out.append("| trace | StreamKit QoE_lin | network stalls only | stall s (network) | switches | simulated QoE_lin "
        + "| stall s | switches | hls.js QoE_lin | network stalls only | stall s (network) | switches "
        + "| simulated (`throughput`) QoE_lin | stall s | switches | StreamKit levels | hls.js levels |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    double[] sum = new double[16];
    for (TracePair p : pairs) {
      double[] v = {p.streamkit.qoe, p.streamkit.networkQoe, p.streamkit.stallSeconds, p.streamkit.networkStallSeconds,
          p.streamkit.switches, p.predictedStreamkit.qoe(Qoe.LIN), stallAfterStart(p.predictedStreamkit),
          p.predictedStreamkit.switches(), p.hlsjs.qoe, p.hlsjs.networkQoe, p.hlsjs.stallSeconds,
          p.hlsjs.networkStallSeconds, p.hlsjs.switches, p.predictedHlsjs.qoe(Qoe.LIN),
          stallAfterStart(p.predictedHlsjs), p.predictedHlsjs.switches()};
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
      out.append(String.format(Locale.ROOT, "| %s | %.2f%s | %.2f | %.1f (%.1f) | %d | %.2f | %.1f | %d "
              + "| %.2f%s | %.2f | %.1f (%.1f) | %d | %.2f | %.1f | %d | %s | %s |%n", p.trace, v[0],
          p.streamkit.complete() ? "" : " †", v[1], v[2], v[3], (int) v[4], v[5], v[6], (int) v[7], v[8],
          p.hlsjs.complete() ? "" : " †", v[9], v[10], v[11], (int) v[12], v[13], v[14], (int) v[15],
          p.streamkit.levels(), p.hlsjs.levels()));
    }
    int n = pairs.size();
    out.append(String.format(Locale.ROOT, "| **mean QoE; total stall and switches** | **%.2f** | **%.2f** "
            + "| **%.1f (%.1f)** | **%d** | **%.2f** | **%.1f** | **%d** | **%.2f** | **%.2f** | **%.1f (%.1f)** "
            + "| **%d** | **%.2f** | **%.1f** | **%d** | | |%n%n", sum[0] / n, sum[1] / n, sum[2], sum[3],
        (int) sum[4], sum[5] / n, sum[6], (int) sum[7], sum[8] / n, sum[9] / n, sum[10], sum[11], (int) sum[12],
        sum[13] / n, sum[14], (int) sum[15]));
    out.append(String.format(Locale.ROOT, "Mean QoE_lin StreamKit / hls.js: %.2f / %.2f = %.2f× (target ≥ 1.15×); "
            + "total stall %.1f s vs %.1f s (target: less); counting network stalls only: %.2f / %.2f = %.2f×, "
            + "%.1f s vs %.1f s. Browser − simulator, mean QoE_lin: StreamKit %+.2f, hls.js %+.2f (network stalls "
            + "only: %+.2f, %+.2f).%n", sum[0] / n, sum[8] / n, sum[0] / sum[8], sum[2], sum[10], sum[1] / n,
        sum[9] / n, sum[1] / sum[9], sum[3], sum[11], (sum[0] - sum[5]) / n, (sum[8] - sum[13]) / n,
        (sum[1] - sum[5]) / n, (sum[9] - sum[13]) / n));
    long incomplete = pairs.stream().mapToLong(p -> (p.streamkit.complete() ? 0 : 1) + (p.hlsjs.complete() ? 0 : 1))
        .sum();
    if (incomplete > 0) {
      out.append("† the session did not play to the end within the timeout (" + timeoutSeconds
          + " s); its QoE counts the chunks played and every stall.\n");
    }
    for (TracePair p : pairs) {
      for (Session s : List.of(p.streamkit, p.hlsjs)) {
        if (s.probe.get("errors").size() > 0) {
          out.append("Errors, ").append(s.rule).append(" on ").append(p.trace).append(": ")
              .append(s.probe.get("errors")).append('\n');
        }
      }
    }
    System.out.print(out);
  }

  private static String chromiumVersion() {
    try {
      Process p = new ProcessBuilder("/usr/bin/chromium", "--version").redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      // Debian's launcher script may print its own noise before the version line.
      return output.lines().filter(l -> l.startsWith("Chromium")).findFirst().orElse(output.trim());
    } catch (IOException e) {
      return "chromium (version unknown)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "chromium (version unknown)";
    }
  }

  private static String resource(String name) {
    try (InputStream in = BrowserAbrBenchmark.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  private static void log(String message) {
    System.err.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
  }
}
