package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AbrSimCommandTest {

  @TempDir Path dir;
  private Path traces;
  private Path sizes;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeInputs() throws Exception {
    traces = Files.createDirectories(dir.resolve("traces"));
    sizes = Files.createDirectories(dir.resolve("sizes"));
    StringBuilder steady = new StringBuilder();
    StringBuilder fading = new StringBuilder();
    for (int t = 0; t <= 400; t++) {
      steady.append(t).append('\t').append("3.0\n");
      fading.append(t).append('\t').append(t < 100 ? "5.0\n" : "0.6\n");
    }
    Files.writeString(traces.resolve("steady"), steady);
    Files.writeString(traces.resolve("fading"), fading);
    int[] kbps = {300, 750, 1200, 1850, 2850, 4300};
    for (int q = 0; q < kbps.length; q++) {
      StringBuilder lines = new StringBuilder();
      for (int c = 0; c < 49; c++) {
        lines.append(kbps[q] * 1000L / 8 * 4 * (90 + (c * 7) % 21) / 100).append('\n');
      }
      Files.writeString(sizes.resolve("video_size_" + q), lines);
    }
  }

  private int run(String... args) {
    CommandLine cli = StreamkitCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void writesOneStudyFormatLogPerTraceAndAJsonSummary() throws Exception {
    Path logs = dir.resolve("logs");
    int status = run("abr-sim", "--traces", traces.toString(), "--video-sizes", sizes.toString(),
        "--algorithm", "streamkit", "--out", logs.toString(), "--json");
    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString().strip())
        .startsWith("{\"algorithm\":\"streamkit\",\"qoe\":\"lin\",\"traces\":2,\"meanQoe\":")
        .contains("\"switches\":");
    List<String> steady = Files.readAllLines(logs.resolve("steady"));
    assertThat(steady).hasSize(48).allMatch(line -> line.split("\t").length == 7);
    // A steady 3 Mbit/s link settles on the 2850 kbit/s rung mid-session.
    assertThat(steady.get(30).split("\t")[1]).isEqualTo("2850");
    assertThat(Files.readAllLines(logs.resolve("fading")).get(40).split("\t")[1]).isIn("300", "750");
  }

  @Test
  void printsAReadableSummaryForEachQoeMetric() {
    assertThat(run("abr-sim", "--traces", traces.toString(), "--video-sizes", sizes.toString(),
        "--algorithm", "bba", "--qoe", "hd")).isZero();
    assertThat(out.toString()).contains("algorithm        bba").contains("mean QoE_hd").contains("switches");
  }

  @Test
  void theOutageFamilyIsGeneratedFromItsSeedAndScoresTheSameEveryRun() {
    assertThat(run("abr-sim", "--lte-seed", "7", "--video-sizes", sizes.toString(), "--algorithm", "robustmpc",
        "--json")).as(err.toString()).isZero();
    String first = out.toString().strip();
    assertThat(first).startsWith("{\"algorithm\":\"robustmpc\",\"qoe\":\"lin\",\"traces\":100,");
    out.getBuffer().setLength(0);
    assertThat(run("abr-sim", "--lte-seed", "7", "--video-sizes", sizes.toString(), "--algorithm", "robustmpc",
        "--json")).isZero();
    assertThat(out.toString().strip()).isEqualTo(first);

    assertThat(run("abr-sim", "--lte-seed", "7", "--traces", traces.toString(), "--video-sizes", sizes.toString(),
        "--algorithm", "bba")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("abr-sim: give either --traces DIR (recorded traces) or --lte-seed "
        + "SEED (generated LTE-like traces), not both");
  }

  /**
   * A player's forward buffer and a session's length are the simulator's to set: on a link that swings between
   * 8 Mbit/s and 8 s of silence, a player that may hold only 5 s ahead stalls more over a 12-chunk session than one
   * with the study's 60 s, and the session logs 12 chunks.
   */
  @Test
  void aShorterForwardBufferAndShorterSessionsAreSimulatedAsAsked() throws Exception {
    Path outage = Files.createDirectories(dir.resolve("outage"));
    StringBuilder swings = new StringBuilder();
    for (int t = 0; t <= 400; t++) {
      swings.append(t).append('\t').append(t % 30 < 22 ? "8.0\n" : "0.0\n");
    }
    Files.writeString(outage.resolve("swings"), swings);
    Path logs = dir.resolve("logs");
    assertThat(run("abr-sim", "--traces", outage.toString(), "--video-sizes", sizes.toString(), "--algorithm",
        "throughput", "--chunks", "12", "--json")).as(err.toString()).isZero();
    double study = rebufferSeconds(out.toString());
    out.getBuffer().setLength(0);
    assertThat(run("abr-sim", "--traces", outage.toString(), "--video-sizes", sizes.toString(), "--algorithm",
        "throughput", "--buffer-cap", "5", "--chunks", "12", "--out", logs.toString(), "--json"))
        .as(err.toString()).isZero();
    assertThat(Files.readAllLines(logs.resolve("swings"))).hasSize(12);
    assertThat(rebufferSeconds(out.toString())).as("rebuffering with a 5 s buffer; %s s with 60 s", study)
        .isGreaterThan(study);

    assertThat(run("abr-sim", "--traces", outage.toString(), "--video-sizes", sizes.toString(), "--algorithm",
        "bba", "--buffer-cap", "0.5")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("abr-sim: --buffer-cap must be at least 1 second, got 0.5");
    err.getBuffer().setLength(0);
    assertThat(run("abr-sim", "--traces", outage.toString(), "--video-sizes", sizes.toString(), "--algorithm",
        "bba", "--chunks", "60")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("abr-sim: " + sizes.resolve("video_size_0") + ":50: the video has "
        + "49 chunks but a session plays 60");
  }

  private static double rebufferSeconds(String json) {
    String field = "\"totalRebufferSeconds\":";
    int start = json.indexOf(field) + field.length();
    return Double.parseDouble(json.substring(start, json.indexOf(',', start)));
  }

  @Test
  void badInputIsOneLineNamingTheFileAndLine() throws Exception {
    assertThat(run("abr-sim", "--traces", traces.toString(), "--video-sizes", sizes.toString(), "--algorithm", "pensieve"))
        .isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("abr-sim: unknown algorithm 'pensieve': use one of throughput, bba, bola, dynamic, robustmpc, streamkit");

    err.getBuffer().setLength(0);
    Files.writeString(traces.resolve("broken"), "0\t1.0\n1\t1.0\n2\tone\n");
    assertThat(run("abr-sim", "--traces", traces.toString(), "--video-sizes", sizes.toString(), "--algorithm", "bba"))
        .isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("abr-sim: " + traces.resolve("broken") + ":3: not a number").doesNotContain("\n");

    err.getBuffer().setLength(0);
    Files.delete(traces.resolve("broken"));
    Files.writeString(sizes.resolve("video_size_0"), "1000\n2000\n");
    assertThat(run("abr-sim", "--traces", traces.toString(), "--video-sizes", sizes.toString(), "--algorithm", "bba"))
        .isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("abr-sim: " + sizes.resolve("video_size_1") + ":3: has 49 chunks but video_size_0 has 2");
  }
}
