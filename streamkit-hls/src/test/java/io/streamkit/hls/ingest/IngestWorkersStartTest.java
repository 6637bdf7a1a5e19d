package io.streamkit.hls.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node cleans up as it starts, on a data directory other nodes may share. */
class IngestWorkersStartTest {

  @TempDir Path data;

  @Test
  void startDiscardsDeadStagingButKeepsWhatAnotherNodeIsWritingAndRequeuesItsOwnJobs() throws Exception {
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build()) {
      IngestJobQueue queue = IngestJobQueue.in(store);
      Title elsewhere = store.catalog().create("Being transcoded by node-b", "");
      Title dead = store.catalog().create("Was being transcoded here", "");
      queue.enqueue(elsewhere.id(), data.resolve("missing-b.mp4").toString());
      queue.claim("node-b", Duration.ofMinutes(5)).orElseThrow();
      queue.enqueue(dead.id(), data.resolve("missing-a.mp4").toString());
      queue.claim("node-a", Duration.ofMinutes(5)).orElseThrow();
      Path titles = Files.createDirectories(data.resolve("titles"));
      Path live = Files.createDirectories(titles.resolve("." + elsewhere.id() + ".staging-1a2b3c4d"));
      Path stale = Files.createDirectories(titles.resolve("." + dead.id() + ".staging-5e6f7a8b"));
      Files.writeString(stale.resolve("seg_00000.m4s"), "partial");

      try (IngestWorkers workers = IngestWorkers.builder().store(store).queue(queue).dataDirectory(data)
          .node("node-a").pollInterval(Duration.ofMillis(50)).build().start()) {
        assertThat(live).exists();
        assertThat(stale).doesNotExist();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (queue.forTitle(dead.id()).get(0).state() != IngestJob.State.FAILED) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(50);
        }
      }
      IngestJob rerun = queue.forTitle(dead.id()).get(0);
      assertThat(rerun.attempts()).as("released at start and claimed again").isEqualTo(2);
      Title failed = store.catalog().get(dead.id()).orElseThrow();
      assertThat(failed.status()).isEqualTo(TitleStatus.FAILED);
      // API clients read this message: it names the upload, the log names the server's path.
      assertThat(failed.errorMessage()).contains("uploaded file").doesNotContain(data.toString())
          .doesNotContain("\n");
      assertThat(queue.forTitle(elsewhere.id()).get(0).owner()).isEqualTo("node-b");
      assertThat(live).exists();
    }
  }
}
