package io.streamkit.hls.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.hls.SampleVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the workers mid-transcode from a thread that is itself interrupted (as a shutdown can be): close() returns
 * only after every thread that used FFmpeg has ended, and the job goes back to the queue as if never claimed.
 */
class IngestWorkersStopTest {

  @TempDir Path data;

  @Test
  void closeFromAnInterruptedThreadWaitsForTheTranscodeAndHandsTheJobBack() throws Exception {
    Path video = data.resolve("long.mp4");
    SampleVideo.write(video, 20);
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build()) {
      IngestJobQueue queue = IngestJobQueue.in(store);
      Title title = store.catalog().create("Long", "");
      Path source = IngestWorkers.sourceFile(data, title.id());
      Files.createDirectories(source.getParent());
      Files.copy(video, source);
      IngestJob job = queue.enqueue(title.id(), source.toString());
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      IngestWorkers workers = IngestWorkers.builder().store(store).queue(queue).dataDirectory(data).node("node-a")
          .ladder(Ladder.small()).preset("veryfast").pollInterval(Duration.ofMillis(50)).build().start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (store.catalog().get(title.id()).orElseThrow().progressPercent() < 10) {
        assertThat(System.nanoTime()).as("transcode reaching 10%").isLessThan(deadline);
        Thread.sleep(50);
      }
      List<Thread> transcoding = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
          .filter(t -> t.getName().startsWith("streamkit-encode-") || t.getName().startsWith("streamkit-ingest-"))
          .toList();
      assertThat(transcoding).extracting(Thread::getName).as("this test's worker and encoder threads")
          .contains("streamkit-ingest-0").anyMatch(name -> name.startsWith("streamkit-encode-"));

      AtomicBoolean interruptedAfter = new AtomicBoolean();
      Thread closer = new Thread(() -> {
        Thread.currentThread().interrupt();
        workers.close();
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      }, "closer");
      closer.start();
      closer.join(Duration.ofSeconds(60).toMillis());

      assertThat(closer.isAlive()).isFalse();
      assertThat(interruptedAfter).as("the closing thread's interrupt is kept").isTrue();
      assertThat(transcoding).as("threads still running after close() returned").noneMatch(Thread::isAlive);
      IngestJob handedBack = queue.get(job.id()).orElseThrow();
      assertThat(handedBack.state()).isEqualTo(IngestJob.State.QUEUED);
      assertThat(handedBack.attempts()).as("a stop is not an attempt that killed the worker").isZero();
      assertThat(store.catalog().get(title.id()).orElseThrow().status()).isEqualTo(TitleStatus.PROCESSING);
      try (Stream<Path> titles = Files.list(data.resolve(IngestWorkers.TITLES))) {
        assertThat(titles).as("nothing published, no staging left").isEmpty();
      }
    }
  }
}
