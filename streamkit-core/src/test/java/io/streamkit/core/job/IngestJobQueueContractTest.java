package io.streamkit.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.store.StreamkitStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the ingest queue guarantees on every database StreamKit supports. */
abstract class IngestJobQueueContractTest {

  private static final Duration LEASE = Duration.ofSeconds(30);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private StreamkitStore store;
  private IngestJobQueue queue;

  /** A builder for a store on an empty database or schema; called again for a second pool on the same one. */
  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  /** A builder for another pool on the database {@link #emptyStore()} made. */
  protected abstract StreamkitStore.Builder sameStore();

  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = emptyStore().build();
    queue = IngestJobQueue.in(store, clock);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    dropStore();
  }

  private UUID newTitle() {
    return store.catalog().create("Title", "").id();
  }

  @Test
  void aQueuedJobIsClaimedOnceAndThenCompleted() {
    UUID title = newTitle();
    IngestJob queued = queue.enqueue(title, "/data/uploads/a.mp4");

    IngestJob claimed = queue.claim("node-a", LEASE).orElseThrow();

    assertThat(claimed.id()).isEqualTo(queued.id());
    assertThat(claimed.state()).isEqualTo(IngestJob.State.RUNNING);
    assertThat(claimed.owner()).isEqualTo("node-a");
    assertThat(claimed.attempts()).isEqualTo(1);
    assertThat(claimed.sourcePath()).isEqualTo("/data/uploads/a.mp4");
    assertThat(queue.claim("node-b", LEASE)).isEmpty();
    assertThat(queue.complete(claimed.id(), "node-a")).isTrue();
    assertThat(queue.get(claimed.id()).orElseThrow().state()).isEqualTo(IngestJob.State.DONE);
    assertThat(queue.claim("node-b", LEASE)).isEmpty();
  }

  @Test
  void arrivalListenersHearOfEachJobQueuedThroughThisQueueObjectOnceItIsClaimable() {
    UUID title = newTitle();
    List<Optional<IngestJob>> heard = new ArrayList<>();
    Runnable listener = () -> heard.add(IngestJobQueue.in(store, clock).claim("node-a", LEASE));
    queue.addArrivalListener(listener);
    queue.addArrivalListener(() -> {
      throw new IllegalStateException("a broken listener");
    });

    IngestJob queued = queue.enqueue(title, "/data/uploads/a.mp4");
    IngestJobQueue.in(store, clock).enqueue(title, "/data/uploads/elsewhere.mp4");
    queue.removeArrivalListener(listener);
    queue.enqueue(title, "/data/uploads/c.mp4");

    assertThat(heard).as("called once, after the row was committed, despite the other listener")
        .singleElement().satisfies(job -> assertThat(job.orElseThrow().id()).isEqualTo(queued.id()));
    assertThat(queue.forTitle(title)).hasSize(3);
  }

  @Test
  void jobsQueuedWithinOneTickOfTheClockAreListedAndClaimedInTheOrderTheyWereQueued() {
    UUID title = newTitle();
    List<UUID> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(queue.enqueue(title, "/data/uploads/" + i + ".mp4").id());
    }

    assertThat(queue.forTitle(title)).extracting(IngestJob::id).containsExactlyElementsOf(queued);
    List<UUID> claimed = new ArrayList<>();
    for (int i = 0; i < queued.size(); i++) {
      claimed.add(queue.claim("node-a", LEASE).orElseThrow().id());
    }
    assertThat(claimed).containsExactlyElementsOf(queued);
  }

  @Test
  void theLadderAnUploadNamedTravelsWithItsJobAndNoneMeansTheWorkersDefault() {
    IngestJob named = queue.enqueue(newTitle(), "named.mp4", "small");
    clock.advance(Duration.ofSeconds(1));
    IngestJob unnamed = queue.enqueue(newTitle(), "unnamed.mp4");

    assertThat(queue.claim("n", LEASE).orElseThrow().ladderIfNamed()).contains("small");
    assertThat(queue.claim("n", LEASE).orElseThrow().ladderIfNamed()).isEmpty();
    assertThat(queue.get(named.id()).orElseThrow().ladder()).isEqualTo("small");
    assertThat(queue.get(unnamed.id()).orElseThrow().ladder()).isNull();
  }

  @Test
  void aLadderNameLongerThanTheColumnIsRefusedAndNothingIsQueued() {
    UUID title = newTitle();

    assertThatThrownBy(() -> queue.enqueue(title, "a.mp4", "x".repeat(IngestJobQueue.MAX_LADDER_LENGTH + 1)))
        .isInstanceOf(io.streamkit.core.InvalidValueException.class).hasMessageContaining("ladder");
    assertThat(queue.forTitle(title)).isEmpty();
  }

  @Test
  void jobsAreClaimedOldestFirst() {
    IngestJob first = queue.enqueue(newTitle(), "first");
    clock.advance(Duration.ofSeconds(1));
    IngestJob second = queue.enqueue(newTitle(), "second");

    assertThat(queue.claim("n", LEASE).orElseThrow().id()).isEqualTo(first.id());
    assertThat(queue.claim("n", LEASE).orElseThrow().id()).isEqualTo(second.id());
  }

  @Test
  void anExpiredLeaseLetsAnotherNodeTakeTheJobAndTheFirstLearnsItLostIt() {
    IngestJob job = queue.enqueue(newTitle(), "src");
    queue.claim("node-a", LEASE).orElseThrow();
    clock.advance(LEASE.minusSeconds(1));
    assertThat(queue.heartbeat(job.id(), "node-a", LEASE)).isTrue();
    clock.advance(LEASE.minusSeconds(1));
    assertThat(queue.claim("node-b", LEASE)).as("lease renewed by the heartbeat").isEmpty();

    clock.advance(Duration.ofSeconds(2));
    IngestJob taken = queue.claim("node-b", LEASE).orElseThrow();

    assertThat(taken.owner()).isEqualTo("node-b");
    assertThat(taken.attempts()).isEqualTo(2);
    assertThat(queue.heartbeat(job.id(), "node-a", LEASE)).isFalse();
    assertThat(queue.complete(job.id(), "node-a")).isFalse();
    assertThat(queue.complete(job.id(), "node-b")).isTrue();
  }

  @Test
  void aNodeRestartingReleasesWhatItHeldWhenItDied() {
    IngestJob job = queue.enqueue(newTitle(), "src");
    queue.claim("node-a", LEASE).orElseThrow();
    IngestJob other = queue.enqueue(newTitle(), "other");
    queue.claim("node-b", LEASE).orElseThrow();

    assertThat(queue.releaseHeldBy("node-a")).isEqualTo(1);

    IngestJob again = queue.claim("node-a", LEASE).orElseThrow();
    assertThat(again.id()).isEqualTo(job.id());
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(queue.get(other.id()).orElseThrow().owner()).isEqualTo("node-b");
  }

  @Test
  void aJobHandedBackAtShutdownIsQueuedAgainWithoutCountingTheAttempt() {
    IngestJob job = queue.enqueue(newTitle(), "src");
    queue.claim("node-a", LEASE).orElseThrow();

    assertThat(queue.release(job.id(), "node-b")).as("only the holder hands a job back").isFalse();
    assertThat(queue.release(job.id(), "node-a")).isTrue();
    assertThat(queue.release(job.id(), "node-a")).as("already queued").isFalse();

    IngestJob again = queue.claim("node-b", LEASE).orElseThrow();
    assertThat(again.id()).isEqualTo(job.id());
    assertThat(again.attempts()).isEqualTo(1);
    assertThat(queue.heartbeat(job.id(), "node-a", LEASE)).isFalse();
  }

  @Test
  void cancellingRemovesQueuedAndRunningJobsAndStopsTheWorkerAtItsHeartbeat() {
    UUID running = newTitle();
    UUID waiting = newTitle();
    IngestJob job = queue.enqueue(running, "a");
    queue.enqueue(waiting, "b");
    queue.claim("node-a", LEASE).orElseThrow();

    assertThat(queue.cancel(running)).isEqualTo(1);
    assertThat(queue.cancel(waiting)).isEqualTo(1);

    assertThat(queue.heartbeat(job.id(), "node-a", LEASE)).isFalse();
    assertThat(queue.claim("node-b", LEASE)).isEmpty();
    assertThat(queue.forTitle(running)).isEmpty();
  }

  @Test
  void deletingTheTitleRemovesItsJobs() {
    UUID title = newTitle();
    queue.enqueue(title, "a");

    store.catalog().delete(title);

    assertThat(queue.forTitle(title)).isEmpty();
    assertThat(queue.claim("n", LEASE)).isEmpty();
  }

  @Test
  void failureKeepsTheReason() {
    IngestJob job = queue.enqueue(newTitle(), "a");
    queue.claim("n", LEASE);

    assertThat(queue.fail(job.id(), "n", "transcode: a has no video stream")).isTrue();

    IngestJob failed = queue.get(job.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(IngestJob.State.FAILED);
    assertThat(failed.errorMessageIfFailed()).hasValue("transcode: a has no video stream");
    assertThat(queue.claim("n", LEASE)).isEmpty();
  }

  @Test
  void twoNodesWithTheirOwnPoolsClaimEveryJobExactlyOnce() throws Exception {
    int jobs = 200;
    Set<UUID> queued = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < jobs; i++) {
      queued.add(queue.enqueue(newTitle(), "src-" + i).id());
    }
    ConcurrentLinkedQueue<UUID> claimed = new ConcurrentLinkedQueue<>();
    try (StreamkitStore second = sameStore().build()) {
      List<IngestJobQueue> nodes = List.of(queue, IngestJobQueue.in(second, clock));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        IngestJobQueue node = nodes.get(w % 2);
        String name = "node-" + (w % 2);
        workers.add(pool.submit(() -> {
          start.await();
          for (Optional<IngestJob> job = node.claim(name, LEASE); job.isPresent(); job = node.claim(name, LEASE)) {
            claimed.add(job.get().id());
            assertThat(node.complete(job.get().id(), name)).isTrue();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
    assertThat(claimed).hasSize(jobs).doesNotHaveDuplicates();
    assertThat(Set.copyOf(claimed)).isEqualTo(queued);
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
