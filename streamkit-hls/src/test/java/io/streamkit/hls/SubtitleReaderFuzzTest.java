package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A subtitle file as a user uploads it. The input's first line picks the name ({@code .vtt} when it says so, else
 * {@code .srt}), the rest is the file's bytes.
 *
 * <p>What must hold for any file: reading it either gives at least one cue or fails with a {@link TranscodeException}
 * of one line that names the file and a line of it. Every cue starts at or after 0 and ends at or after its start, its
 * text is not blank and holds neither an empty line nor {@code -->} (either would end or split the cue in the WebVTT
 * segments it is written to), and the WebVTT block written from it reads back as the same cue.
 */
class SubtitleReaderFuzzTest {

  @FuzzTest
  void read(byte[] input) {
    int newline = 0;
    while (newline < input.length && input[newline] != '\n') {
      newline++;
    }
    String first = new String(input, 0, newline, StandardCharsets.ISO_8859_1);
    String name = first.contains("vtt") ? "subs.vtt" : "subs.srt";
    byte[] file = Arrays.copyOfRange(input, Math.min(newline + 1, input.length), input.length);
    List<SubtitleCue> cues;
    try {
      cues = SubtitleReader.parse(name, file);
    } catch (TranscodeException e) {
      assertThat(e.getMessage()).startsWith(name + " line ").doesNotContain("\n").doesNotContain("\r");
      int line = Integer.parseInt(e.getMessage().substring(name.length() + 6).split(":", 2)[0]);
      assertThat(line).isBetween(1, countLines(file) + 1);
      return;
    }
    assertThat(cues).isNotEmpty();
    for (SubtitleCue cue : cues) {
      assertThat(cue.startMillis()).isNotNegative();
      assertThat(cue.endMillis()).isGreaterThanOrEqualTo(cue.startMillis());
      assertThat(cue.text()).isNotBlank().doesNotContain("-->");
      assertThat(cue.text().split("\n", -1)).noneMatch(String::isBlank);
      assertThat(cue.settings()).doesNotContain("\n");
      List<SubtitleCue> again = SubtitleReader.parse("again.vtt",
          ("WEBVTT\n\n" + cue.webVttBlock()).getBytes(StandardCharsets.UTF_8));
      assertThat(again).hasSize(1);
      assertThat(again.get(0)).usingRecursiveComparison().ignoringFields("line").isEqualTo(cue);
    }
  }

  private static int countLines(byte[] file) {
    int lines = 1;
    for (byte b : file) {
      if (b == '\n' || b == '\r') {
        lines++;
      }
    }
    return lines;
  }
}
