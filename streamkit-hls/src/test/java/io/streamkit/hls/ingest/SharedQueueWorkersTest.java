package io.streamkit.hls.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.PostgresTestSchema;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.hls.SampleVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker nodes, each with its own connection pool and queue instance, share one PostgreSQL queue (at
 * {@code STREAMKIT_TEST_PG_URL}; skipped without it except in CI): every job runs exactly once.
 */
class SharedQueueWorkersTest {

  private static final int JOBS = 6;

  @TempDir Path data;

  private PostgresTestSchema schema;

  @BeforeEach
  void requirePostgres() {
    PostgresTestSchema.require("shared-queue worker tests");
    schema = PostgresTestSchema.create("streamkit_workers");
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (schema != null) {
      schema.drop();
    }
  }

  private StreamkitStore open() {
    return schema.store().poolSize(4).build();
  }

  @Test
  void twoNodesOnOnePostgresRunEachJobExactlyOnce() throws Exception {
    Path video = data.resolve("clip.mp4");
    SampleVideo.write(video, 2);
    try (StreamkitStore storeA = open(); StreamkitStore storeB = open()) {
      IngestJobQueue queueA = IngestJobQueue.in(storeA);
      List<UUID> titles = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        Title title = storeA.catalog().create("Clip " + i, "");
        Path source = IngestWorkers.sourceFile(data, title.id());
        Files.createDirectories(source.getParent());
        Files.copy(video, source);
        queueA.enqueue(title.id(), source.toString());
        titles.add(title.id());
      }
      try (IngestWorkers a = workers(storeA, queueA, "node-a"); IngestWorkers b = workers(storeB,
          IngestJobQueue.in(storeB), "node-b")) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!titles.stream().allMatch(id -> storeA.catalog().get(id).orElseThrow().status() == TitleStatus.READY)) {
          assertThat(System.nanoTime()).as("all titles READY in time").isLessThan(deadline);
          Thread.sleep(100);
        }
      }
      Set<String> owners = new HashSet<>();
      for (UUID id : titles) {
        List<IngestJob> jobs = queueA.forTitle(id);
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).state()).isEqualTo(IngestJob.State.DONE);
        assertThat(jobs.get(0).attempts()).as("claimed exactly once").isEqualTo(1);
        assertThat(storeA.catalog().get(id).orElseThrow().renditions()).hasSize(1);
        assertThat(data.resolve("titles").resolve(id.toString()).resolve("master.m3u8")).exists();
      }
      try (var entries = Files.list(data.resolve("titles"))) {
        assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
      }
    }
  }

  private IngestWorkers workers(StreamkitStore store, IngestJobQueue queue, String node) {
    return IngestWorkers.builder().store(store).queue(queue).dataDirectory(data).node(node).workers(2)
        .ladder(new Ladder("tiny", List.of(Rung.of(108, 150)))).preset("ultrafast")
        .segmentSeconds(2).pollInterval(Duration.ofMillis(50)).build().start();
  }
}
