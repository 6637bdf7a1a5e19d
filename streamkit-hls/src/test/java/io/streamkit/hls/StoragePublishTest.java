package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.storage.LocalStorage;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transcode published into a storage: a new version, visible whole or not at all, staged locally. */
class StoragePublishTest {

  @TempDir Path dir;

  @Test
  void aTitlePublishedToStorageIsTheSameTitleUnderItsCurrentVersion() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 4, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    LocalStorage storage = LocalStorage.in(dir.resolve("bucket"));
    Path staging = dir.resolve("staging");

    TranscodeResult result = Transcoder.builder().input(source).output(storage, "titles/42").ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(TitleFixture.SEGMENT_SECONDS).stagingDirectory(staging).build().run();

    String version = new TitleVersions(storage).current("titles/42").orElseThrow();
    assertThat(result.location()).isEqualTo(storage.describe("titles/42/" + version));
    assertThat(result.masterPlaylist()).endsWith("titles/42/" + version + "/master.m3u8");
    Path published = storage.root().resolve("titles/42/" + version);
    assertThat(HlsConformance.check(published, new HlsConformance.Source(320, 180, true,
        TitleFixture.SEGMENT_SECONDS))).as("HLS-RULES.md violations").isEmpty();
    List<String> keys = storage.list("titles/42").stream().map(StoredObject::key).toList();
    assertThat(keys).contains("titles/42/" + version + "/master.m3u8", "titles/42/" + TitleVersions.POINTER)
        .allMatch(key -> key.startsWith("titles/42/" + version + "/") || key.endsWith(TitleVersions.POINTER));
    try (var left = Files.list(staging)) {
      assertThat(left).as("the local staging copy is removed").isEmpty();
    }
  }

  @Test
  void aPublishedTitleIsNotReplacedUnlessAsked() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    LocalStorage storage = LocalStorage.in(dir.resolve("bucket"));
    TitleVersions versions = new TitleVersions(storage);
    Transcoder.builder().input(source).output(storage, "titles/7").ladder(Ladder.small()).preset("ultrafast")
        .stagingDirectory(dir.resolve("staging")).build().run();
    String first = versions.current("titles/7").orElseThrow();

    assertThatThrownBy(() -> Transcoder.builder().input(source).output(storage, "titles/7").ladder(Ladder.small())
        .stagingDirectory(dir.resolve("staging")).build().run())
        .isInstanceOf(TranscodeException.class).hasMessageContaining("already holds a published title");
    assertThat(versions.current("titles/7")).contains(first);

    Transcoder.builder().input(source).output(storage, "titles/7").replaceExisting(true).ladder(Ladder.small())
        .preset("ultrafast").stagingDirectory(dir.resolve("staging")).build().run();
    assertThat(versions.current("titles/7")).get().isNotEqualTo(first);
  }

  @Test
  void aCancelledTranscodePublishesNothing() throws Exception {
    Path source = TitleFixture.pattern(dir, "long.mp4", "640x360", "30", 20, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    LocalStorage storage = LocalStorage.in(dir.resolve("bucket"));
    // Cancelled from the first progress report, which comes with the first decoded frame: mid-way on any machine,
    // however fast it encodes.
    AtomicReference<TranscodeJob> cancelOnFirstReport = new AtomicReference<>();
    TranscodeJob job = Transcoder.builder().input(source).output(storage, "titles/9").ladder(Ladder.small())
        .preset("ultrafast").stagingDirectory(dir.resolve("staging")).listener(p -> {
          if (p.percent() < 100) {
            cancelOnFirstReport.get().cancel();
          }
        }).build();
    cancelOnFirstReport.set(job);

    assertThatThrownBy(job::run).isInstanceOf(CancellationException.class);
    assertThat(storage.list("titles/9")).isEmpty();
    try (var left = Files.list(dir.resolve("staging"))) {
      assertThat(left).isEmpty();
    }
  }
}
