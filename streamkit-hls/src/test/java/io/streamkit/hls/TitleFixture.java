package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Generates sources with the bundled ffmpeg, transcodes them quickly, and checks the result. */
final class TitleFixture {

  /** Short segments give several per short clip; 4 s is also not a multiple of the 2 s keyframe interval's phase. */
  static final int SEGMENT_SECONDS = 3;

  private TitleFixture() {}

  /** {@code ffmpeg -f lavfi -i testsrc2=...} plus the given arguments, writing {@code dir/name}. */
  static Path generate(Path dir, String name, String... args) {
    Path file = dir.resolve(name);
    List<String> all = new ArrayList<>(List.of(args));
    all.add(file.toString());
    FfmpegTool.ffmpeg(all.toArray(String[]::new));
    return file;
  }

  /** A test-pattern video (and 440 Hz tone when {@code audio}), {@code seconds} long. */
  static Path pattern(Path dir, String name, String size, String rate, double seconds, boolean audio,
      String... encodeArgs) {
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + rate));
    if (audio) {
      args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
    }
    args.addAll(List.of("-t", Double.toString(seconds)));
    args.addAll(List.of(encodeArgs));
    return generate(dir, name, args.toArray(String[]::new));
  }

  static TranscodeResult transcode(Path source, Path out, SegmentFormat format, Ladder ladder) {
    return Transcoder.builder().input(source).output(out).format(format).ladder(ladder).preset("ultrafast")
        .segmentSeconds(SEGMENT_SECONDS).build().run();
  }

  /** Transcodes with the small ladder and asserts that every HLS-RULES.md check holds. */
  static TranscodeResult transcodeConforming(Path source, Path out, SegmentFormat format, int displayWidth,
      int displayHeight, boolean audio) {
    return transcodeConforming(source, out, format, Ladder.small(), displayWidth, displayHeight, audio);
  }

  static TranscodeResult transcodeConforming(Path source, Path out, SegmentFormat format, Ladder ladder,
      int displayWidth, int displayHeight, boolean audio) {
    TranscodeResult result = transcode(source, out, format, ladder);
    assertThat(HlsConformance.check(out, new HlsConformance.Source(displayWidth, displayHeight, audio, SEGMENT_SECONDS)))
        .as("HLS-RULES.md violations for %s", source.getFileName()).isEmpty();
    if (format == SegmentFormat.FMP4) {
      assertThat(DashConformance.check(out)).as("DASH manifest violations for %s", source.getFileName()).isEmpty();
    }
    assertNoStaging(out.getParent());
    return result;
  }

  static void assertNoStaging(Path parent) {
    try (Stream<Path> entries = Files.list(parent)) {
      assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".staging-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A rendition's init segment (fMP4) and media segments in playlist order, as one file a player would read. */
  static Path joined(Path rendition, Path file) throws IOException {
    try (OutputStream joined = Files.newOutputStream(file); Stream<Path> entries = Files.list(rendition)) {
      Path init = rendition.resolve(HlsSegmenter.INIT_SEGMENT);
      if (Files.exists(init)) {
        Files.copy(init, joined);
      }
      for (Path segment : entries.filter(p -> p.getFileName().toString().startsWith("seg_")).sorted().toList()) {
        Files.copy(segment, joined);
      }
    }
    return file;
  }
}
