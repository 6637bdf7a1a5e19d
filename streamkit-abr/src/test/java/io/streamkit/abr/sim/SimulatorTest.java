package io.streamkit.abr.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.rule.AbrRule;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {

  /** Three rungs, ten 4 s chunks of exactly nominal size. */
  private static VideoModel video() {
    int[] kbps = {400, 800, 1600};
    long[][] sizes = new long[3][10];
    for (int q = 0; q < 3; q++) {
      for (int c = 0; c < 10; c++) {
        sizes[q][c] = kbps[q] * 1000L / 8 * 4;
      }
    }
    return VideoModel.of(kbps, sizes, 4);
  }

  private static NetworkTrace constant(double mbps, int seconds) {
    double[] t = new double[seconds + 1];
    double[] b = new double[seconds + 1];
    for (int i = 0; i <= seconds; i++) {
      t[i] = i;
      b[i] = mbps;
    }
    return NetworkTrace.of("constant", t, b);
  }

  private static AbrRule always(int quality) {
    return state -> quality;
  }

  @Test
  void downloadTimeIsPayloadOverLinkRatePlusTheRoundTrip() {
    Simulator simulator = Simulator.builder().chunks(3).build();
    SessionResult r = simulator.run(constant(1.0, 100), video(), () -> always(1));
    // 400 000 bytes at 1 Mbit/s × 0.95 payload = 3.368 s, plus 80 ms.
    double expectedMs = 400_000 / (125_000 * 0.95) * 1000 + 80;
    assertThat(r.downloadMs(0)).isCloseTo(expectedMs, within(1e-6));
    assertThat(r.rebufferSeconds(0)).isCloseTo(expectedMs / 1000, within(1e-9)); // empty buffer at start
    assertThat(r.bufferSeconds(0)).isEqualTo(4.0);
    assertThat(r.rebufferSeconds(1)).isZero(); // 3.45 s download from a 4 s buffer
    assertThat(r.bufferSeconds(1)).isCloseTo(8 - expectedMs / 1000, within(1e-9));
  }

  @Test
  void aChunkWithAudioDownloadsItsVideoAndAudioAndTheRuleSeesBoth() {
    long[] audio = new long[10];
    java.util.Arrays.fill(audio, 64_000);
    VideoModel withAudio = video().withAudio(audio);
    long[] seen = new long[2];
    SessionResult r = Simulator.builder().chunks(2).build().run(constant(1.0, 100), withAudio, () -> state -> {
      seen[0] = state.lastChunkBytes();
      seen[1] = state.chunkBytes(2, 1);
      return 1;
    });
    // 400 000 video + 64 000 audio bytes at 1 Mbit/s × 0.95 payload, plus 80 ms.
    assertThat(r.downloadMs(0)).isCloseTo(464_000 / (125_000 * 0.95) * 1000 + 80, within(1e-6));
    assertThat(seen).containsExactly(464_000, 800_000 + 64_000);
    assertThat(withAudio.bitrateKbps(2)).isEqualTo(1600);
    assertThatThrownBy(() -> video().withAudio(new long[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 audio sizes but 10 chunks");
  }

  @Test
  void aFullBufferMakesThePlayerSleepInHalfSecondSteps() {
    Simulator simulator = Simulator.builder().chunks(10).bufferCapSeconds(10).build();
    SessionResult r = simulator.run(constant(50, 100), video(), () -> always(0));
    for (int c = 0; c < 10; c++) {
      assertThat(r.bufferSeconds(c)).isLessThanOrEqualTo(10.0);
    }
    assertThat(r.bufferSeconds(9)).isGreaterThan(9.0);
    assertThat(r.totalRebufferSeconds()).isLessThan(0.2);
  }

  @Test
  void theTraceWrapsToItsSecondSampleWhenItRunsOut() {
    // 2 s of 1 Mbit/s: the 400 kB chunk needs 3.37 s of link time, so the walk must wrap.
    NetworkTrace shortTrace = NetworkTrace.of("short", new double[] {0, 1, 2}, new double[] {1, 1, 1});
    SessionResult r = Simulator.builder().chunks(1).build().run(shortTrace, video(), () -> always(1));
    assertThat(r.downloadMs(0)).isCloseTo(400_000 / (125_000 * 0.95) * 1000 + 80, within(1e-6));
  }

  @Test
  void qoeSkipsTheFirstChunkAndChargesSwitchesAndStalls() {
    SessionResult r = Simulator.builder().chunks(4).build().run(constant(10, 100), video(), () -> state -> state.nextChunk() == 2 ? 2 : 1);
    // Qualities 1, 1, 2, 1: rewards of chunks 2..4 are 0.8, 1.6 − 0.8, 0.8 − 0.8.
    assertThat(r.qoe(Qoe.LIN)).isCloseTo(0.8 + 0.8 + 0.0, within(1e-9));
    assertThat(r.switches()).isEqualTo(2);
    StringWriter log = new StringWriter();
    r.writeLog(log, Qoe.LIN);
    assertThat(log.toString().lines()).hasSize(4).allMatch(line -> line.split("\t").length == 7);
  }

  @Test
  void aRuleChoosingOutsideTheLadderIsReportedByName() {
    assertThatThrownBy(() -> Simulator.study().run(constant(1, 100), longVideo(), () -> always(7)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chose quality 7");
  }

  private static VideoModel longVideo() {
    long[][] sizes = new long[2][48];
    for (long[] rung : sizes) {
      java.util.Arrays.fill(rung, 100_000);
    }
    return VideoModel.of(new int[] {300, 750}, sizes, 4);
  }

  @Test
  void malformedTraceLinesNameTheFileAndLine(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.log"), "0.0\t1.0\n1.0\tfast\n");
    assertThatThrownBy(() -> NetworkTrace.read(bad)).hasMessageStartingWith(bad + ":2: not a number");
    Path backwards = Files.writeString(dir.resolve("back.log"), "0\t1\n5\t1\n3\t1\n");
    assertThatThrownBy(() -> NetworkTrace.read(backwards)).hasMessageStartingWith(backwards + ":3: time 3 goes backwards");
    Path empty = Files.writeString(dir.resolve("empty.log"), "");
    assertThatThrownBy(() -> NetworkTrace.read(empty)).hasMessageStartingWith(empty + ":1: trace has 0 samples");
    Path dead = Files.writeString(dir.resolve("dead.log"), "0\t0\n1\t0\n");
    assertThatThrownBy(() -> NetworkTrace.read(dead)).hasMessageContaining("nothing could ever download");
    Path columns = Files.writeString(dir.resolve("cols.log"), "0\t1\t2\n");
    assertThatThrownBy(() -> NetworkTrace.read(columns)).hasMessageStartingWith(columns + ":1: expected");
  }

  @Test
  void videoSizeFilesWithDifferentChunkCountsNameTheFileAndLine(@TempDir Path dir) throws Exception {
    for (int q = 0; q < 6; q++) {
      Files.writeString(dir.resolve("video_size_" + q), q == 3 ? "100\n200\n" : "100\n200\n300\n");
    }
    assertThatThrownBy(() -> VideoModel.readStudyLayout(dir))
        .hasMessageStartingWith(dir.resolve("video_size_3") + ":3: has 2 chunks but video_size_0 has 3");
    Files.writeString(dir.resolve("video_size_3"), "100\nabc\n300\n");
    assertThatThrownBy(() -> VideoModel.readStudyLayout(dir))
        .hasMessageStartingWith(dir.resolve("video_size_3") + ":2: expected a chunk size");
  }

  @Test
  void unknownAlgorithmsAndQoeNamesListTheValidOnes() {
    assertThatThrownBy(() -> Algorithm.fromName("pensieve"))
        .hasMessage("unknown algorithm 'pensieve': use one of throughput, bba, bola, dynamic, robustmpc, streamkit");
    assertThatThrownBy(() -> Qoe.fromName("sd")).hasMessage("unknown QoE 'sd': use lin, log or hd");
  }
}
