package io.streamkit.abr.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reproduces the Pensieve study's published results on its 127 test traces (the study's data, kept in the test
 * resources under {@code pensieve/}; see the README there).
 */
class StudyReproductionTest {

  private static Path data;
  private static TraceSet traces;
  private static VideoModel video;

  @BeforeAll
  static void load() throws URISyntaxException {
    data = Path.of(StudyReproductionTest.class.getResource("/pensieve").toURI());
    traces = TraceSet.read(data.resolve("traces"));
    video = VideoModel.readStudyLayout(data.resolve("video_sizes"));
  }

  @Test
  void bbaReproducesTheStudysLogsLineByLine() throws IOException {
    List<SessionResult> sessions = traces.play(Simulator.study(), video, Algorithm.BBA);
    assertThat(sessions).hasSize(127);
    double meanQoe = 0;
    for (SessionResult session : sessions) {
      List<String> published = Files.readAllLines(data.resolve("results/bb").resolve(session.traceName()));
      for (int c = 0; c < session.chunks(); c++) {
        String[] f = published.get(c).split("\t");
        String where = session.traceName() + " chunk " + (c + 1);
        assertThat(session.bitrateKbps(c)).as(where).isEqualTo(Integer.parseInt(f[1]));
        assertThat(session.bufferSeconds(c)).as(where).isCloseTo(Double.parseDouble(f[2]), within(1e-6));
        assertThat(session.rebufferSeconds(c)).as(where).isCloseTo(Double.parseDouble(f[3]), within(1e-6));
        assertThat(session.chunkBytes(c)).as(where).isEqualTo(Long.parseLong(f[4]));
        assertThat(session.downloadMs(c)).as(where).isCloseTo(Double.parseDouble(f[5]), within(1e-3));
        assertThat(session.reward(Qoe.LIN, c)).as(where).isCloseTo(Double.parseDouble(f[6]), within(1e-9));
      }
      meanQoe += session.qoe(Qoe.LIN) / sessions.size();
    }
    assertThat(meanQoe).isCloseTo(15.68, within(0.005));
  }

  @Test
  void robustMpcMatchesTheCorrectedReferencePerTrace() throws IOException {
    Map<String, Double> reference = new HashMap<>();
    for (String line : Files.readAllLines(data.resolve("reference/robustmpc_qoe_lin.tsv"))) {
      String[] f = line.split("\t");
      reference.put(f[0], Double.parseDouble(f[1]));
    }
    List<SessionResult> sessions = traces.play(Simulator.study(), video, Algorithm.ROBUSTMPC);
    int matching = 0;
    double ours = 0;
    double theirs = 0;
    for (SessionResult session : sessions) {
      double expected = reference.get(session.traceName());
      double actual = session.qoe(Qoe.LIN);
      // The reference is printed to four decimals, so allow its rounding on top of the 0.001.
      if (Math.abs(actual - expected) <= 0.001 + 0.00005) {
        matching++;
      }
      ours += actual;
      theirs += expected;
    }
    assertThat(matching).isGreaterThanOrEqualTo(120);
    assertThat(Math.abs(ours - theirs) / Math.abs(theirs)).isLessThan(0.005);
  }

  @Test
  void streamKitBeatsTheStudysNeuralNetworkAndRobustMpc() {
    double streamkit = TraceSet.summarise(traces.play(Simulator.study(), video, Algorithm.STREAMKIT), Qoe.LIN).meanQoe();
    double robustMpc = TraceSet.summarise(traces.play(Simulator.study(), video, Algorithm.ROBUSTMPC), Qoe.LIN).meanQoe();
    assertThat(streamkit).isGreaterThanOrEqualTo(27.79).isGreaterThan(robustMpc);
  }

  @Test
  void streamKitBeatsRobustMpcOnRescaledAndShiftedCopiesOfTheTraces() {
    // Traces the rule was not designed on: each trace at 0.7× and 1.4× its rate, started a third of the way in.
    for (double scale : new double[] {0.7, 1.4}) {
      List<NetworkTrace> copies = new ArrayList<>();
      for (NetworkTrace t : traces.traces()) {
        int n = t.size();
        double[] times = new double[n];
        double[] rates = new double[n];
        int offset = (n - 1) / 3;
        for (int i = 0; i < n; i++) {
          times[i] = t.timeSeconds(i);
          rates[i] = scale * t.megabitsPerSecond(i == 0 ? 0 : 1 + (i - 1 + offset) % (n - 1));
        }
        copies.add(NetworkTrace.of(t.name(), times, rates));
      }
      TraceSet unseen = TraceSet.of(copies);
      double streamkit = TraceSet.summarise(unseen.play(Simulator.study(), video, Algorithm.STREAMKIT), Qoe.LIN).meanQoe();
      double robustMpc = TraceSet.summarise(unseen.play(Simulator.study(), video, Algorithm.ROBUSTMPC), Qoe.LIN).meanQoe();
      assertThat(streamkit).as("scale " + scale).isGreaterThan(robustMpc);
    }
  }
}
