package io.streamkit.hls.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.storage.ForwardingStorage;
import io.streamkit.core.storage.LocalStorage;
import io.streamkit.core.storage.OpenedObject;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When idle workers ask the queue: at once for a job queued here, at their poll for anything else. */
class IngestWorkersWakeTest {

  @TempDir Path dir;

  @Test
  void aJobQueuedThroughTheWorkersQueueStartsAtOnceThoughTheyPollEveryTenMinutes() throws Exception {
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dir.resolve("db")).build()) {
      IngestJobQueue queue = IngestJobQueue.in(store);
      try (IngestWorkers workers = IngestWorkers.builder().store(store).queue(queue).dataDirectory(dir)
          .node("node-a").pollInterval(Duration.ofMinutes(10)).build().start()) {
        awaitIdle("streamkit-ingest-0");
        Title title = store.catalog().create("Queued while the worker sleeps", "");
        // No such file: the job fails as soon as a worker runs it, which is all this test needs to see.
        queue.enqueue(title.id(), dir.resolve("missing.mp4").toString());

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (store.catalog().get(title.id()).orElseThrow().status() != TitleStatus.FAILED) {
          assertThat(System.nanoTime()).as("the worker still sleeps out its ten-minute poll").isLessThan(deadline);
          Thread.sleep(20);
        }
      }
    }
  }

  @Test
  void aStorageOutageIsRetriedAtThePollIntervalNotInATightLoop() throws Exception {
    LocalStorage bucket = LocalStorage.in(dir.resolve("bucket"));
    List<Long> reads = new CopyOnWriteArrayList<>();
    ForwardingStorage failing = new ForwardingStorage(bucket) {
      @Override
      public OpenedObject open(String key) {
        reads.add(System.nanoTime());
        return storage.open(key);
      }
    };
    Duration poll = Duration.ofMillis(300);
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dir.resolve("db")).build()) {
      IngestJobQueue queue = IngestJobQueue.in(store);
      Title title = store.catalog().create("Source on a failing disk", "");
      // A directory where the source object should be: reading it fails for real, and not as a missing object.
      Files.createDirectories(bucket.file(IngestWorkers.sourceKey(title.id())).resolve("not-a-file"));
      queue.enqueue(title.id(), IngestWorkers.sourceKey(title.id()));

      try (IngestWorkers workers = IngestWorkers.builder().store(store).queue(queue).storage(failing)
          .dataDirectory(dir.resolve("node")).node("node-a").pollInterval(poll).build().start()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (reads.size() < 4) {
          assertThat(System.nanoTime()).as("retries of the download").isLessThan(deadline);
          Thread.sleep(20);
        }
      }
      // From the second try on no wake-up is pending, so each retry waits out the whole interval.
      assertThat(Duration.ofNanos(reads.get(3) - reads.get(1))).isGreaterThanOrEqualTo(poll.multipliedBy(2));
      assertThat(store.catalog().get(title.id()).orElseThrow().status())
          .as("a storage failure is not the source's fault").isNotEqualTo(TitleStatus.FAILED);
    }
  }

  /** Waits until the worker thread has asked the queue, found nothing and gone to sleep. */
  private static void awaitIdle(String name) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals(name) && t.getState() == Thread.State.TIMED_WAITING)) {
      assertThat(System.nanoTime()).as(name + " waiting").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
