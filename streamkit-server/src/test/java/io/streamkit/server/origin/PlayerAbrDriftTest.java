package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;
import io.streamkit.abr.rule.mpc.StreamKitRule;
import io.streamkit.abr.sim.NetworkTrace;
import io.streamkit.abr.sim.Simulator;
import io.streamkit.abr.sim.TraceSet;
import io.streamkit.abr.sim.VideoModel;
import java.io.File;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The player page's StreamKit rule ({@code pages/streamkit-abr.js}) and the Java {@link StreamKitRule} decide alike:
 * simulator sessions are recorded state by state with the Java rule deciding, every state is replayed through a fresh
 * JavaScript rule per session in Node.js, and every decision must be the same. The sessions are the Pensieve study's
 * traces the abr module's tests use (every fourth, with the study's 80 ms round trip, and some with a 1.2 s one, where
 * the latency estimator leaves its Taylor range), a generated link with outages of 2 to 9 s and a link below the lowest
 * rung, on the study's six-rung video and on a three-rung video of 2 s chunks, both also with a 128 kbit/s audio
 * segment loaded beside every chunk ({@link VideoModel#withAudio}, as the page counts a title's audio): startups from an
 * empty buffer, low buffers, stalls and switches in both directions.
 *
 * <p>Node.js, not a JavaScript engine on the JVM: the page runs in V8, and Node is V8 with a command line; Debian's
 * {@code nodejs} package provides it ({@code .ci/run} installs it). Doubles cross as their IEEE 754 bits.
 */
class PlayerAbrDriftTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void theJavaScriptRuleDecidesExactlyAsTheJavaRule() throws Exception {
    Path node = node();
    List<Recording> sessions = new ArrayList<>();
    VideoModel study = VideoModel.readStudyLayout(resource("/pensieve/video_sizes"));
    List<NetworkTrace> traces = TraceSet.read(resource("/pensieve/traces")).traces();
    Simulator simulator = Simulator.study();
    for (int i = 0; i < traces.size(); i += 4) {
      sessions.add(Recording.of(simulator, traces.get(i), study));
    }
    Simulator slowRoundTrip = Simulator.builder().roundTripSeconds(1.2).build();
    for (int i = 1; i < traces.size(); i += 16) {
      sessions.add(Recording.of(slowRoundTrip, traces.get(i), study));
    }
    VideoModel shortChunks = shortChunkVideo();
    Simulator longSession = Simulator.builder().chunks(shortChunks.chunkCount()).startQuality(0).build();
    for (NetworkTrace trace : List.of(outages(), constant("below-lowest-rung", 0.3), traces.get(7))) {
      sessions.add(Recording.of(simulator, trace, study));
      sessions.add(Recording.of(longSession, trace, shortChunks));
    }
    // With an audio rendition beside the video, as the page's titles have: every chunk carries its audio too.
    VideoModel studyWithAudio = study.withAudio(audio(study, 128));
    VideoModel shortChunksWithAudio = shortChunks.withAudio(audio(shortChunks, 128));
    for (int i = 2; i < traces.size(); i += 8) {
      sessions.add(Recording.of(simulator, traces.get(i), studyWithAudio));
    }
    for (NetworkTrace trace : List.of(outages(), constant("below-lowest-rung-with-audio", 0.4))) {
      sessions.add(Recording.of(longSession, trace, shortChunksWithAudio));
    }

    List<List<Integer>> javaScript = replay(node, sessions);

    int decisions = 0;
    int lowBuffer = 0;
    int stalled = 0;
    Set<Integer> chosen = new HashSet<>();
    for (int s = 0; s < sessions.size(); s++) {
      Recording session = sessions.get(s);
      assertThat(javaScript.get(s)).as("decisions on %s", session.name).isEqualTo(session.decisions);
      decisions += session.decisions.size();
      lowBuffer += session.lowBufferStates;
      stalled += session.stalledStates;
      chosen.addAll(session.decisions);
    }
    assertThat(decisions).as("decisions compared").isGreaterThan(1500);
    assertThat(lowBuffer).as("states with less than one chunk buffered besides the one just fetched").isGreaterThan(50);
    assertThat(stalled).as("states after a download longer than the buffer it started from").isGreaterThan(20);
    assertThat(chosen).as("rungs chosen").hasSizeGreaterThanOrEqualTo(5);
  }

  /** Three rungs of 2 s chunks whose sizes swing ±40 % around nominal (a fixed seed), 90 chunks. */
  private static VideoModel shortChunkVideo() {
    int[] kbps = {350, 1100, 3000};
    long[][] sizes = new long[kbps.length][90];
    Random random = new Random(20_150_817);
    for (int c = 0; c < 90; c++) {
      double swing = 0.6 + 0.8 * random.nextDouble();
      for (int q = 0; q < kbps.length; q++) {
        sizes[q][c] = Math.round(kbps[q] * 1000 / 8.0 * 2 * swing);
      }
    }
    return VideoModel.of(kbps, sizes, 2.0);
  }

  /** AAC-like audio segments for every chunk: {@code kbps} × the chunk's duration, ±3 % (a fixed seed). */
  private static long[] audio(VideoModel video, int kbps) {
    Random random = new Random(44_100);
    long[] bytes = new long[video.chunkCount()];
    for (int c = 0; c < bytes.length; c++) {
      bytes[c] = Math.round(kbps * 1000 / 8.0 * video.chunkSeconds() * (0.97 + 0.06 * random.nextDouble()));
    }
    return bytes;
  }

  /** 4 Mbit/s, with outages of 2 to 9 s (a fixed seed) every 20 to 40 s. */
  private static NetworkTrace outages() {
    Random random = new Random(7);
    List<double[]> samples = new ArrayList<>();
    samples.add(new double[] {0, 4});
    double t = 0;
    while (t < 600) {
      t += 20 + random.nextInt(21);
      samples.add(new double[] {t, 4});
      t += 2 + random.nextInt(8);
      samples.add(new double[] {t, 0});
    }
    double[] times = new double[samples.size()];
    double[] rates = new double[samples.size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = samples.get(i)[0];
      rates[i] = samples.get(i)[1];
    }
    return NetworkTrace.of("outages", times, rates);
  }

  private static NetworkTrace constant(String name, double mbps) {
    return NetworkTrace.of(name, new double[] {0, 1000}, new double[] {mbps, mbps});
  }

  private List<List<Integer>> replay(Path node, List<Recording> sessions) throws Exception {
    Path states = work.resolve("sessions.json");
    List<Map<String, Object>> json = new ArrayList<>();
    sessions.forEach(s -> json.add(s.json));
    JSON.writeValue(states.toFile(), json);
    Path rule = Path.of(PlayerAbrDriftTest.class.getResource("/io/streamkit/server/pages/streamkit-abr.js").toURI());
    Path runner = Path.of(PlayerAbrDriftTest.class.getResource("replay-abr-decisions.js").toURI());
    Path out = work.resolve("decisions.json");
    Path err = work.resolve("node.err");
    Process process = new ProcessBuilder(node.toString(), runner.toString(), rule.toString(), states.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("node did not finish replaying the decisions within 120 s");
    }
    assertThat(process.exitValue()).as("node exit; stderr: %s", Files.readString(err)).isZero();
    return JSON.readValue(out.toFile(), new TypeReference<List<List<Integer>>>() {});
  }

  /** A directory of the abr module's test resources, from its test jar or its test-classes directory. */
  private static Path resource(String name) throws Exception {
    URI uri = PlayerAbrDriftTest.class.getResource(name).toURI();
    if (uri.getScheme().equals("jar")) {
      FileSystem jar;
      try {
        jar = FileSystems.newFileSystem(uri, Map.of());
      } catch (java.nio.file.FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(uri);
      }
      return jar.provider().getPath(uri);
    }
    return Path.of(uri);
  }

  /** Node.js from the PATH; the test is skipped without it, except in CI, where its absence is a failure. */
  private static Path node() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("node is not on the PATH; CI must install Debian's nodejs package (.ci/run does)");
    }
    Assumptions.abort("drift test skipped: install Node.js (apt-get install nodejs) to run it");
    return null;
  }

  /** One simulator session with the Java rule deciding, each state recorded as the JavaScript rule will read it. */
  private static final class Recording implements AbrRule {
    private final StreamKitRule rule = new StreamKitRule();
    private final List<Map<String, Object>> steps = new ArrayList<>();
    final List<Integer> decisions = new ArrayList<>();
    final Map<String, Object> json = new LinkedHashMap<>();
    String name;
    int lowBufferStates;
    int stalledStates;
    private double previousBuffer;

    static Recording of(Simulator simulator, NetworkTrace trace, VideoModel video) {
      Recording recording = new Recording();
      simulator.run(trace, video, () -> recording);
      recording.name = trace.name() + " (" + video.qualityCount() + " rungs, " + simulator.chunks() + " chunks)";
      int[] ladder = new int[video.qualityCount()];
      long[][] sizes = new long[video.qualityCount()][simulator.chunks()];
      for (int q = 0; q < ladder.length; q++) {
        ladder[q] = video.bitrateKbps(q);
        for (int c = 0; c < simulator.chunks(); c++) {
          sizes[q][c] = video.chunkBytes(q, c);
        }
      }
      recording.json.put("ladder", ladder);
      recording.json.put("chunkSeconds", bits(video.chunkSeconds()));
      recording.json.put("chunkCount", simulator.chunks());
      recording.json.put("sizes", sizes);
      recording.json.put("steps", recording.steps);
      return recording;
    }

    @Override
    public int nextQuality(PlaybackState state) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("buffer", bits(state.bufferSeconds()));
      step.put("lastQuality", state.lastQuality());
      step.put("nextChunk", state.nextChunk());
      step.put("lastBytes", state.lastChunkBytes());
      step.put("download", bits(state.lastDownloadSeconds()));
      step.put("latency", bits(state.lastLatencySeconds()));
      steps.add(step);
      if (state.bufferSeconds() < 2 * state.chunkSeconds()) {
        lowBufferStates++;
      }
      if (state.lastDownloadSeconds() > previousBuffer) {
        stalledStates++;
      }
      previousBuffer = state.bufferSeconds();
      int quality = rule.nextQuality(state);
      decisions.add(quality);
      return quality;
    }

    private static String bits(double value) {
      return String.format("%016x", Double.doubleToRawLongBits(value));
    }
  }
}
