package io.streamkit.hls.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.storage.LocalStorage;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.hls.SampleVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers on a storage: the source comes from {@code sources/<id>}, the title goes to {@code titles/<id>} as a
 * version, and what earlier runs left is swept. The storage here is a directory standing in for a bucket, shared by
 * no file path with the worker's data directory; the same runs against S3 in the server's multi-node test.
 */
class StorageIngestTest {

  @TempDir Path dir;

  @Test
  void aSourceInStorageBecomesAPublishedVersionAndLeftoversAreSwept() throws Exception {
    LocalStorage bucket = LocalStorage.in(dir.resolve("bucket"));
    Path video = dir.resolve("clip.mp4");
    SampleVideo.write(video, 2);
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dir.resolve("db")).build()) {
      IngestJobQueue queue = IngestJobQueue.in(store);
      Title title = store.catalog().create("Clip", "");
      UUID id = title.id();
      bucket.put(IngestWorkers.sourceKey(id), video);
      // What a node killed mid-upload left: a version no pointer names, idle since long ago.
      String dead = "titles/" + id + "/v20260101000000000-0123abcd/360p/seg_00000.m4s";
      bucket.put(dead, new byte[] {1, 2, 3});
      Files.setLastModifiedTime(bucket.file(dead), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
      queue.enqueue(id, IngestWorkers.sourceKey(id));

      try (IngestWorkers workers = IngestWorkers.builder().store(store).queue(queue).storage(bucket)
          .dataDirectory(dir.resolve("node")).node("node-a").ladder(Ladder.small()).preset("ultrafast")
          .pollInterval(Duration.ofMillis(50)).orphanGrace(Duration.ofMinutes(1)).build().start()) {
        awaitStatus(store, id, TitleStatus.READY);
      }

      String version = new TitleVersions(bucket).current(IngestWorkers.titleKey(id)).orElseThrow();
      assertThat(bucket.list("titles/" + id)).extracting(StoredObject::key)
          .contains("titles/" + id + "/" + version + "/master.m3u8")
          .allMatch(key -> key.startsWith("titles/" + id + "/" + version + "/") || key.endsWith(TitleVersions.POINTER));
      assertThat(bucket.stat(IngestWorkers.sourceKey(id))).as("the source is dropped once READY").isEmpty();
      assertThat(store.catalog().get(id).orElseThrow().renditions()).isNotEmpty();
      try (var left = Files.list(dir.resolve("node").resolve(IngestWorkers.WORK))) {
        assertThat(left).as("no download or staging copy is left").isEmpty();
      }
      assertThat(dir.resolve("node").resolve(IngestWorkers.TITLES)).as("nothing is published locally")
          .doesNotExist();
    }
  }

  @Test
  void aSourceMissingFromStorageFailsTheTitleWithAMessageForTheUploader() throws Exception {
    LocalStorage bucket = LocalStorage.in(dir.resolve("bucket"));
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dir.resolve("db")).build()) {
      IngestJobQueue queue = IngestJobQueue.in(store);
      Title title = store.catalog().create("Lost", "");
      queue.enqueue(title.id(), IngestWorkers.sourceKey(title.id()));

      try (IngestWorkers workers = IngestWorkers.builder().store(store).queue(queue).storage(bucket)
          .dataDirectory(dir.resolve("node")).node("node-a").pollInterval(Duration.ofMillis(50)).build().start()) {
        awaitStatus(store, title.id(), TitleStatus.FAILED);
      }
      assertThat(store.catalog().get(title.id()).orElseThrow().errorMessage())
          .isEqualTo("the uploaded source is no longer in storage; upload it again");
      assertThat(queue.forTitle(title.id()).get(0).state()).isEqualTo(IngestJob.State.FAILED);
    }
  }

  @Test
  void deletingATitleRemovesItsObjectsAndSource() throws Exception {
    LocalStorage bucket = LocalStorage.in(dir.resolve("bucket"));
    UUID id = UUID.randomUUID();
    bucket.put(IngestWorkers.sourceKey(id), new byte[] {1});
    bucket.put("titles/" + id + "/v20260101000000000-0123abcd/master.m3u8", new byte[] {1});
    bucket.put("titles/" + id + "/" + TitleVersions.POINTER, "v20260101000000000-0123abcd\n".getBytes());

    IngestWorkers.deleteTitleObjects(bucket, id);

    assertThat(bucket.list("titles/" + id)).isEmpty();
    assertThat(bucket.stat(IngestWorkers.sourceKey(id))).isEmpty();
  }

  private static void awaitStatus(StreamkitStore store, UUID id, TitleStatus wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (store.catalog().get(id).orElseThrow().status() != wanted) {
      assertThat(System.nanoTime()).as("title %s reaches %s in time", id, wanted).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
