package io.streamkit.server.origin;

import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real HLS titles made once per test run with the bundled ffmpeg executable, in the layout the transcoder writes:
 * {@code titles/<id>/master.m3u8} with relative URIs to {@code v<n>/index.m3u8} and segments beside them.
 *
 * <ul>
 *   <li>{@value #FMP4}: two fMP4 variants, 640x360 and 320x180, four one-second segments each
 *   <li>{@value #TS}: one MPEG-TS variant, 320x180
 * </ul>
 */
final class TestTitles {

  static final String FMP4 = "fmp4-title";
  static final String TS = "ts-title";

  private static Path dataDirectory;

  private TestTitles() {}

  static synchronized Path dataDirectory() {
    if (dataDirectory == null) {
      try {
        Path dir = Files.createTempDirectory("streamkit-origin-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        Path fmp4 = Files.createDirectories(dir.resolve("titles").resolve(FMP4));
        ffmpeg(fmp4, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "4",
            "-filter_complex", "[0:v]split=2[a][b];[b]scale=320:180[b2]", "-map", "[a]", "-map", "[b2]",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
            "-b:v:0", "800k", "-b:v:1", "300k", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
            "-hls_segment_type", "fmp4", "-hls_segment_filename", "v%v/seg_%05d.m4s",
            "-hls_fmp4_init_filename", "init.mp4", "-master_pl_name", "master.m3u8",
            "-var_stream_map", "v:0 v:1", "v%v/index.m3u8");
        Path ts = Files.createDirectories(dir.resolve("titles").resolve(TS));
        ffmpeg(ts, "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "3",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
            "-b:v", "300k", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
            "-hls_segment_filename", "v%v/seg_%05d.ts", "-master_pl_name", "master.m3u8",
            "-var_stream_map", "v:0", "v%v/index.m3u8");
        dataDirectory = dir;
      } catch (IOException e) {
        throw new IllegalStateException("cannot create test titles: " + e.getMessage(), e);
      }
    }
    return dataDirectory;
  }

  static Path title(String id) {
    return dataDirectory().resolve("titles").resolve(id);
  }

  /**
   * A new catalog title moved on to {@code status} (through PROCESSING and READY), with the files of {@value #FMP4}
   * copied into {@code data}'s {@code titles/<id>/}.
   *
   * @return the title's id
   */
  static String inCatalog(StreamkitStore store, Path data, TitleStatus status) throws IOException {
    UUID id = store.catalog().create("test title", "").id();
    for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
      store.catalog().transition(id, next);
      if (next == status) {
        break;
      }
    }
    Path source = title(FMP4);
    Path target = data.resolve("titles").resolve(id.toString());
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return id.toString();
  }

  /** Runs the bundled ffmpeg in {@code workingDirectory}, e.g. to package a title of a test's own. */
  static void ffmpeg(Path workingDirectory, String... args) throws IOException {
    String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-y"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("ffmpeg failed: " + new String(p.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making test media", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: it is a temporary directory
    }
  }
}
