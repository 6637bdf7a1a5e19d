package io.streamkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CustomAbrRuleExampleTest {

  @Test
  void theCustomRuleRunsInTheSimulatorBesideTheBuiltInOnes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    double qoe = CustomAbrRuleExample.run(null, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(report.lines()).hasSize(3);
    assertThat(report).contains("buffer-scaled (custom)").contains("bba").contains("streamkit");
    // On generated 0.1–8 Mbit/s random walks a throughput rule earns a clearly positive score.
    assertThat(qoe).isGreaterThan(10);
  }
}
