package io.streamkit.hls;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real footage installed by Debian packages (see .ci/run). Skipped with a message when a package is not installed on
 * a developer machine; never skipped in CI ({@code CI=true}), where a missing file fails the test.
 */
class DebianSampleTranscodeTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource({
      "/usr/share/wordpress/wp-content/themes/twentytwentytwo/assets/videos/birds.mp4, wordpress-theme-twentytwentytwo,"
          + " 1280, 720, true, FMP4",
      "/usr/share/forensics-samples/original-files/movie2/movie-hello.mp4, forensics-samples-files, 1280, 720, true,"
          + " TS",
      "/usr/share/forensics-samples/original-files/movie2/movie-hello.ogg, forensics-samples-files, 720, 480, true,"
          + " FMP4",
      "/usr/share/games/renpy/demo/game/oa4_launch.webm, renpy-demo, 640, 360, true, FMP4",
      "/usr/share/help/C/gnome-help/figures/display-dual-monitors.webm, gnome-user-docs, 1024, 768, false, FMP4"})
  void realSampleBecomesAConformingTitle(Path sample, String debianPackage, int width, int height, boolean audio,
      SegmentFormat format) {
    if (!"true".equals(System.getenv("CI"))) {
      assumeThat(Files.isReadable(sample))
          .as("sample %s missing: install the Debian package %s to run this test", sample, debianPackage).isTrue();
    }
    TitleFixture.transcodeConforming(sample, dir.resolve("title"), format, width, height, audio);
  }
}
