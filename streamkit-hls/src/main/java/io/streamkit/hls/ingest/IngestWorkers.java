package io.streamkit.hls.ingest;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.protection.ContentKeyStore;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Catalog;
import io.streamkit.core.title.Rendition;
import io.streamkit.core.title.SourceFacts;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import io.streamkit.hls.MediaInfo;
import io.streamkit.hls.MediaProbe;
import io.streamkit.hls.SegmentEncryption;
import io.streamkit.hls.SegmentFormat;
import io.streamkit.hls.TranscodeException;
import io.streamkit.hls.TranscodeJob;
import io.streamkit.hls.TranscodeResult;
import io.streamkit.hls.Transcoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of ingest workers on this node. Each worker claims a job from the {@link IngestJobQueue}, moves the title to
 * PROCESSING, transcodes the uploaded source into {@code <data>/titles/<id>/} (published atomically by the hls
 * module: a hidden staging directory renamed into place), writes progress percent, source facts and renditions to
 * the catalog and moves the title to READY, or to FAILED with the transcoder's one-line message.
 *
 * <p>Crash safety: on {@link #start()} stale staging directories under {@code <data>/titles/} are deleted and jobs
 * this node held are released back to the queue, so a transcode that was running when the process died runs again
 * from the start; a title directory published by a run that died before the catalog said READY is replaced. While a
 * job runs its lease is renewed every third of the lease; when a renewal fails (the title was deleted, or the lease
 * was lost to another node) the transcode is cancelled and anything it published is removed.
 *
 * <p>With a {@link Builder#storage} (S3, say) nodes share sources and titles without a shared file system: the source
 * is downloaded from {@code sources/<id>} into {@code <data>/work/}, the title is published as a new version under
 * {@code titles/<id>} ({@link TitleVersions}: visible only once complete), and after READY the versions earlier runs
 * left (a node killed mid-upload, a lease lost after publishing) are swept once idle for
 * {@link Builder#orphanGrace}, and the source object is deleted. A storage failure sends the job back to the queue
 * rather than failing the title.
 *
 * <p>Stopping: {@link #close()} cancels the transcodes under way and waits (up to {@link #STOP_TIMEOUT}) until every
 * worker thread has ended, so each transcode has joined its encoder threads and freed its native state before the
 * caller closes the store. Workers are never interrupted, so no database call or file write is cut short. A job whose
 * transcode was stopped this way goes back to the queue without counting as an attempt.
 *
 * <p>Threads: {@link #cancel} and {@link #close()} may be called from any thread; the workers are daemon threads named
 * {@code streamkit-ingest-<n>}.
 *
 * <pre>{@code
 * try (IngestWorkers workers = IngestWorkers.builder().store(store).dataDirectory(data).workers(2).build().start()) {
 *   ...
 * }
 * }</pre>
 */
public final class IngestWorkers implements AutoCloseable {

  /** Worker threads unless {@link Builder#workers} says otherwise: one transcode at a time on this node. */
  public static final int DEFAULT_WORKERS = 1;
  /** Most worker threads {@link Builder#workers} accepts. */
  public static final int MAX_WORKERS = 64;
  /** A source that has killed its worker this many times is failed instead of tried again. */
  public static final int MAX_ATTEMPTS = 3;
  /**
   * How long an idle worker waits before asking the queue again, unless {@link Builder#pollInterval} says. A job
   * queued through the workers' own queue object wakes them at once, so this bounds only how soon they see jobs
   * queued by other nodes, and jobs whose node died once their lease has run out.
   */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  /** How long {@link #close()} waits for transcodes to stop; a cancelled one stops within a frame per rendition. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  /** Subdirectory of the data directory holding published titles, one {@code <id>/} each, as the origin serves them. */
  public static final String TITLES = "titles";
  /** Subdirectory of the data directory holding uploaded sources until their title is READY ({@link #sourceFile}). */
  public static final String UPLOADS = "uploads";
  /** With a storage: the key under which sources wait until their title is READY ({@link #sourceKey}). */
  public static final String SOURCES = "sources";
  /** With a storage: the data directory's subdirectory where sources are downloaded and titles staged. */
  public static final String WORK = "work";
  /** How long a title version no pointer names must have been idle before it is removed, unless set. */
  public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofMinutes(10);
  private static final String STAGING_MARK = ".staging-";

  private static final Logger LOG = LoggerFactory.getLogger(IngestWorkers.class);

  private final Builder config;
  private final Catalog catalog;
  private final Path titles;
  private final ConcurrentHashMap<UUID, TranscodeJob> running = new ConcurrentHashMap<>();
  /** Worker threads and the lease thread; the executor may start the latter from a worker, hence copy-on-write. */
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  /**
   * Released when a job is queued through the queue object (its arrival listener) and by {@link #close()}; idle
   * workers wait on it for up to the poll interval, so they claim the job, or stop, at once.
   */
  private final Semaphore wakeUps = new Semaphore(0);
  private final Runnable arrival = this::wakeOne;
  private ScheduledExecutorService heartbeats;
  private volatile boolean stopping;

  private IngestWorkers(Builder config) {
    this.config = config;
    this.catalog = config.store.catalog();
    this.titles = config.dataDirectory.resolve(TITLES);
  }

  /** {@return a new builder; {@code store}, {@code dataDirectory} and {@code node} must be set} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where an uploaded source is kept until its title is READY: {@code <dataDirectory>/uploads/<titleId>.source}.
   *
   * @param dataDirectory the data directory the workers were built with
   * @param titleId the title the source belongs to
   * @return the source file's path (the file may not exist)
   */
  public static Path sourceFile(Path dataDirectory, UUID titleId) {
    return dataDirectory.resolve(UPLOADS).resolve(titleId + ".source");
  }

  /**
   * With a storage ({@link Builder#storage}): the key an uploaded source is kept under until its title is READY, and
   * the source path its ingest job names.
   *
   * @param titleId the title the source belongs to
   * @return {@code sources/<titleId>}
   */
  public static String sourceKey(UUID titleId) {
    return SOURCES + "/" + titleId;
  }

  /**
   * With a storage: the key a title is published under ({@link TitleVersions}), as the origin serves it.
   *
   * @param titleId the title
   * @return {@code titles/<titleId>}
   */
  public static String titleKey(UUID titleId) {
    return TITLES + "/" + titleId;
  }

  /**
   * Removes a title's published objects and its uploaded source from a storage, as deleting the title does: the
   * title's pointer goes first, so it stops being served at once. Objects already gone are not an error.
   *
   * @param storage the storage the workers were built with
   * @param titleId the title whose objects to remove
   * @throws io.streamkit.core.storage.StorageException if the storage fails
   */
  public static void deleteTitleObjects(MediaStorage storage, UUID titleId) {
    new TitleVersions(storage).delete(titleKey(titleId));
    storage.delete(sourceKey(titleId));
  }

  /**
   * Cleans what a previous process left, releases its jobs and starts the workers. Call once.
   *
   * @return this, for try-with-resources
   * @throws UncheckedIOException if the {@code titles} or {@code uploads} directory cannot be created or listed
   */
  public IngestWorkers start() {
    try {
      if (config.storage == null) {
        Files.createDirectories(titles);
        Files.createDirectories(config.dataDirectory.resolve(UPLOADS));
      } else {
        // Nothing in the work directory outlives its job: what is there was left by a process that died.
        deleteRecursively(workDirectory());
        Files.createDirectories(workDirectory());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + titles + ": " + e.getMessage(), e);
    }
    if (config.storage == null) {
      discardStaging();
    }
    int released = config.queue.releaseHeldBy(config.node);
    if (released > 0) {
      // Only a node that died holds jobs at start (an orderly stop releases them): worth a warning.
      LOG.warn("{} ingest job(s) were running when node {} stopped; queued again", released, config.node);
    }
    config.queue.addArrivalListener(arrival);
    heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = daemon(r, "streamkit-ingest-lease");
      threads.add(thread);
      return thread;
    });
    for (int i = 0; i < config.workers; i++) {
      Thread thread = daemon(this::work, "streamkit-ingest-" + i);
      threads.add(thread);
      thread.start();
    }
    LOG.info("{} ingest worker(s) on node {} transcoding into {}", config.workers, config.node,
        config.storage == null ? titles : config.storage.describe(TITLES));
    return this;
  }

  /**
   * Stops a transcode of this title running on this node, if any, and returns at once; the transcode ends within
   * about a frame per rendition and leaves nothing published. The job itself is removed by the caller (deleting the
   * title does), or another worker would run it again.
   *
   * @param titleId the title whose transcode to stop
   */
  public void cancel(UUID titleId) {
    TranscodeJob job = running.get(titleId);
    if (job != null) {
      job.cancel();
    }
  }

  /**
   * With a storage: how long a title version no pointer names must go without writes before a sweep removes it, as
   * {@link Builder#orphanGrace} set it; other code that sweeps titles uses it too, so every sweep keeps versions as
   * long.
   *
   * @return the grace period
   */
  public Duration orphanGrace() {
    return config.orphanGrace;
  }

  /**
   * Stops the workers: transcodes under way are cancelled and their jobs released for another node or restart. Returns
   * once every worker thread has ended, or after {@link #STOP_TIMEOUT} with a warning naming those still running.
   */
  @Override
  public void close() {
    config.queue.removeArrivalListener(arrival);
    stopping = true;
    wakeUps.release(config.workers);
    running.values().forEach(TranscodeJob::cancel);
    if (heartbeats != null) {
      // Its thread is among those joined below: a renewal in flight still uses the store the caller closes next.
      heartbeats.shutdown();
    }
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive() && deadline - System.nanoTime() > 0) {
        try {
          TimeUnit.NANOSECONDS.timedJoin(thread, deadline - System.nanoTime());
        } catch (InterruptedException e) {
          // Stopping must not be cut short: the caller closes the store next. The interrupt is restored below.
          interrupted = true;
        }
      }
    }
    List<String> stillRunning = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    if (!stillRunning.isEmpty()) {
      LOG.warn("ingest worker(s) {} did not stop within {} s; closing without them, their jobs go back to the queue",
          stillRunning, STOP_TIMEOUT.toSeconds());
    }
    int released = config.queue.releaseHeldBy(config.node);
    if (released > 0) {
      LOG.info("{} ingest job(s) queued again as node {} stops", released, config.node);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void work() {
    boolean ranSinceIdle = false;
    try {
      while (!stopping) {
        try {
          Optional<IngestJob> job = config.queue.claim(config.node, config.lease);
          if (job.isPresent()) {
            ranSinceIdle = true;
            if (run(job.get())) {
              awaitWakeUp();
            }
          } else {
            if (ranSinceIdle) {
              // The queue is empty: what the transcodes freed goes back to the system until the next upload.
              Transcoder.releaseNativeMemory();
              ranSinceIdle = false;
            }
            awaitWakeUp();
          }
        } catch (RuntimeException e) {
          if (stopping) {
            return;
          }
          LOG.error("ingest worker: {}", e.toString(), e);
          awaitWakeUp();
        }
      }
    } catch (InterruptedException e) {
      // Nothing here interrupts the workers; if something else does, this one ends.
    }
  }

  /** Waits for a job queued here or for {@link #close()}, up to the poll interval; a spare wake-up costs one claim. */
  private void awaitWakeUp() throws InterruptedException {
    wakeUps.tryAcquire(config.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The queue's arrival listener: one more idle worker asks the queue now (no more than there are workers). */
  private void wakeOne() {
    if (wakeUps.availablePermits() < config.workers) {
      wakeUps.release();
    }
  }

  /**
   * Runs one claimed job to READY or FAILED.
   *
   * @return whether the job went back to the queue because the storage failed: the worker then waits a poll interval
   *     before claiming again, rather than retrying an outage in a tight loop
   */
  private boolean run(IngestJob job) {
    UUID id = job.titleId();
    Optional<Title> title = catalog.get(id);
    if (title.isEmpty()) {
      return false;
    }
    TitleStatus status = title.get().status();
    if (status != TitleStatus.UPLOADED && status != TitleStatus.PROCESSING && status != TitleStatus.FAILED) {
      config.queue.complete(job.id(), config.node);
      return false;
    }
    Path output = titles.resolve(id.toString());
    try {
      if (status != TitleStatus.PROCESSING) {
        catalog.transition(id, TitleStatus.PROCESSING);
      }
      catalog.reportProgress(id, 0);
      if (job.attempts() > MAX_ATTEMPTS) {
        fail(job, "transcode stopped " + (job.attempts() - 1) + " times before finishing (the server died or lost"
            + " its lease each time); delete the title and upload the source again, or check the server's memory");
        return false;
      }
      Optional<Ladder> ladder = job.ladderIfNamed().map(Ladder::preset).orElse(Optional.of(config.ladder));
      if (ladder.isEmpty()) {
        // Written by a node that knows more ladders than this one.
        fail(job, "the upload asked for ladder '" + job.ladder() + "', which this worker does not know ("
            + String.join(", ", Ladder.PRESET_NAMES) + "); upload the source again with one of those");
        return false;
      }
      if (config.storage == null) {
        // A run that died between publishing and READY left a complete directory; this run replaces it.
        deleteRecursively(output);
      }
      return transcode(job, output, ladder.get());
    } catch (UnknownTitleException e) {
      removePublished(id, output);
      return false;
    }
  }

  /** What a run published for a title that is gone or no longer this node's to finish. */
  private void removePublished(UUID id, Path output) {
    if (config.storage == null) {
      deleteRecursively(output);
    } else {
      new TitleVersions(config.storage).delete(titleKey(id));
    }
  }

  private Path workDirectory() {
    return config.dataDirectory.resolve(WORK);
  }

  /** The source as a local file: the upload itself, or (with a storage) a copy downloaded into the work directory. */
  private Path localSource(IngestJob job) {
    if (config.storage == null) {
      return Path.of(job.sourcePath());
    }
    return workDirectory().resolve(job.titleId() + ".source");
  }

  private void download(IngestJob job, Path target) {
    try (InputStream in = config.storage.read(job.sourcePath())) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StorageException("cannot download " + config.storage.describe(job.sourcePath()) + " to " + target
          + ": " + e.getMessage(), e);
    }
  }

  /** {@return whether the job went back to the queue because the storage failed} */
  private boolean transcode(IngestJob job, Path output, Ladder ladder) {
    UUID id = job.titleId();
    Path source = localSource(job);
    ProgressReport progress = new ProgressReport(catalog, id);
    Transcoder.Builder builder = Transcoder.builder().input(source);
    if (config.storage == null) {
      builder.output(output);
    } else {
      // A run that died after publishing left a version; this one replaces it and the sweep removes it.
      builder.output(config.storage, titleKey(id)).replaceExisting(true).stagingDirectory(workDirectory());
    }
    if (config.contentKeys != null && config.encryption.encrypts()) {
      // Kept before the title is published: a published version always has its keys.
      builder.keys(config.contentKeys, id.toString());
    }
    TranscodeJob transcode = builder
        .format(config.format)
        .segmentSeconds(config.segmentSeconds)
        .ladder(ladder)
        .preset(config.preset)
        .maxSourceDuration(config.maxSourceDuration)
        .encryption(config.encryption)
        .listener(p -> progress.report(p.percent()))
        .build();
    running.put(id, transcode);
    // close() sets stopping before it cancels what is in running: one of the two sees the other.
    if (stopping) {
      transcode.cancel();
    }
    long renewEvery = Math.max(200, config.lease.toMillis() / 3);
    LeaseKeeper lease = new LeaseKeeper(job, transcode);
    ScheduledFuture<?> renewal =
        heartbeats.scheduleWithFixedDelay(lease, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    try {
      if (config.storage != null) {
        download(job, source);
      }
      MediaInfo info = MediaProbe.probe(source);
      TranscodeResult result = transcode.run();
      renewal.cancel(false);
      if (lease.lost || !config.queue.heartbeat(job.id(), config.node, config.lease)) {
        if (config.storage == null) {
          deleteRecursively(output);
        }
        // With a storage the version stays: the node that owns the job now publishes a newer one and sweeps this.
        return false;
      }
      catalog.describeSource(id, Duration.ofMillis(Math.max(1, Math.round(result.durationSeconds() * 1000))),
          sourceFacts(info, source));
      catalog.setRenditions(id, renditions(result));
      catalog.transition(id, TitleStatus.READY);
      config.queue.complete(job.id(), config.node);
      if (config.storage == null) {
        deleteQuietly(source);
      } else {
        sweepAndDropSource(id, job.sourcePath());
      }
      LOG.info("title {} ready: {} renditions, {} s transcoded at {}x", id, result.renditions().size(),
          String.format("%.1f", result.durationSeconds()), String.format("%.2f", result.speed()));
      return false;
    } catch (CancellationException e) {
      if (lease.lost && config.storage == null) {
        deleteRecursively(output);
      } else if (stopping && config.queue.release(job.id(), config.node)) {
        LOG.info("transcode of title {} stopped as node {} stops; its job is queued again", id, config.node);
      }
      // Cancelled for neither reason: the title was deleted, and its job with it.
      return false;
    } catch (TranscodeException e) {
      if (e.getCause() instanceof StorageException storage) {
        LOG.warn("title {}: {}; its job is queued again", id, storage.getMessage());
        config.queue.release(job.id(), config.node);
        return true;
      }
      // The message reaches API clients: name the upload, not where this server keeps it.
      String message = e.getMessage() == null ? null : e.getMessage().replace(source.toString(), "the uploaded file");
      LOG.warn("title {} failed on {}: {}", id, source, e.getMessage());
      fail(job, message);
      return false;
    } catch (StorageException e) {
      if (e.missing()) {
        fail(job, "the uploaded source is no longer in storage; upload it again");
        return false;
      }
      // The storage failing is not the source's fault: the job goes back to the queue for another try.
      LOG.warn("title {}: {}; its job is queued again", id, e.getMessage());
      config.queue.release(job.id(), config.node);
      return true;
    } catch (UnknownTitleException e) {
      removePublished(id, output);
      return false;
    } finally {
      renewal.cancel(false);
      running.remove(id);
      if (config.storage != null) {
        deleteQuietly(source);
      }
    }
  }

  /** After READY: versions left by runs that died are removed, and the source is no longer needed. */
  private void sweepAndDropSource(UUID id, String sourceKey) {
    try {
      int removed = new TitleVersions(config.storage).sweep(titleKey(id), config.orphanGrace, Instant.now());
      if (removed > 0) {
        LOG.info("title {}: removed {} object(s) left by earlier runs", id, removed);
      }
      config.storage.delete(sourceKey);
    } catch (StorageException e) {
      LOG.warn("title {} is ready, but cleaning up after it failed: {}", id, e.getMessage());
    }
  }

  private void fail(IngestJob job, String message) {
    String oneLine = message == null ? "transcode failed" : message.lines().findFirst().orElse("transcode failed");
    LOG.warn("title {} failed: {}", job.titleId(), oneLine);
    catalog.fail(job.titleId(), oneLine);
    config.queue.fail(job.id(), config.node, oneLine);
  }

  private static SourceFacts sourceFacts(MediaInfo info, Path source) {
    MediaInfo.Video video = info.video();
    double fps = video == null || video.frameRateDen() == 0 ? 0 : (double) video.frameRateNum() / video.frameRateDen();
    long bitrate = 0;
    try {
      bitrate = info.durationSeconds() > 0 ? Math.round(Files.size(source) * 8 / info.durationSeconds()) : 0;
    } catch (IOException e) {
      // The bitrate is informative only.
    }
    return new SourceFacts(shorten(info.container()), video == null ? null : shorten(video.codec()),
        info.audio().map(a -> shorten(a.codec())).orElse(null), video == null ? 0 : video.displayWidth(),
        video == null ? 0 : video.displayHeight(), fps, bitrate);
  }

  private static String shorten(String name) {
    return name == null || name.length() <= SourceFacts.MAX_NAME_LENGTH ? name
        : name.substring(0, SourceFacts.MAX_NAME_LENGTH);
  }

  /** The catalog's rows of the title's variants; an audio-only variant's has no size and frame rate 0. */
  private static List<Rendition> renditions(TranscodeResult result) {
    return result.renditions().stream().map(r -> new Rendition(r.name(), r.width(), r.height(), r.peakBandwidth(),
        Math.min(r.averageBandwidth(), r.peakBandwidth()), r.codecs(),
        r.audioOnly() ? 0 : (double) r.frameRate().numerator() / r.frameRate().denominator(), r.playlist())).toList();
  }

  /**
   * Staging directories are hidden siblings of title directories: {@code .<id>.staging-<random>}. One is stale unless
   * another node sharing this directory holds a live lease on that title's job (it is transcoding into it now).
   */
  private void discardStaging() {
    try (Stream<Path> entries = Files.list(titles)) {
      for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith(".")
          && p.getFileName().toString().contains(STAGING_MARK)).toList()) {
        if (!runningElsewhere(entry.getFileName().toString())) {
          LOG.info("discarding staging directory {} left by a transcode that did not finish", entry);
          deleteRecursively(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + titles + ": " + e.getMessage(), e);
    }
  }

  private boolean runningElsewhere(String stagingName) {
    String id = stagingName.substring(1, stagingName.indexOf(STAGING_MARK));
    UUID titleId;
    try {
      titleId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Instant now = Instant.now();
    return config.queue.forTitle(titleId).stream().anyMatch(job -> job.state() == IngestJob.State.RUNNING
        && !config.node.equals(job.owner()) && job.leaseUntil() != null && job.leaseUntil().isAfter(now));
  }

  /**
   * Removes a title's packaged files and its uploaded source from a data directory, as deleting the title does.
   * Files already gone are not an error.
   *
   * @param dataDirectory the data directory the workers were built with
   * @param titleId the title whose files to remove
   * @throws IOException if the uploaded source cannot be deleted
   * @throws UncheckedIOException if the title directory cannot be deleted
   */
  public static void deleteTitleFiles(Path dataDirectory, UUID titleId) throws IOException {
    deleteRecursively(dataDirectory.resolve(TITLES).resolve(titleId.toString()));
    Files.deleteIfExists(sourceFile(dataDirectory, titleId));
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", file, e.getMessage());
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Renews the job's lease; cancels the transcode once the job is no longer this node's. */
  private final class LeaseKeeper implements Runnable {
    private final IngestJob job;
    private final TranscodeJob transcode;
    volatile boolean lost;

    LeaseKeeper(IngestJob job, TranscodeJob transcode) {
      this.job = job;
      this.transcode = transcode;
    }

    @Override
    public void run() {
      try {
        if (!config.queue.heartbeat(job.id(), config.node, config.lease)) {
          lost = true;
          transcode.cancel();
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot renew the lease of ingest job {}: {}", job.id(), e.getMessage());
      }
    }
  }

  /** Writes whole-percent progress to the catalog, only when it changes. */
  private static final class ProgressReport {
    private final Catalog catalog;
    private final UUID id;
    private int last = -1;

    ProgressReport(Catalog catalog, UUID id) {
      this.catalog = catalog;
      this.id = id;
    }

    void report(double percent) {
      int whole = (int) Math.min(99, Math.floor(percent));
      if (whole != last) {
        last = whole;
        try {
          catalog.reportProgress(id, whole);
        } catch (RuntimeException e) {
          LOG.debug("progress of {} not recorded: {}", id, e.getMessage());
        }
      }
    }
  }

  /** Configuration; every setter checks its value at once. Not thread-safe: configure it on one thread. */
  public static final class Builder {
    private StreamkitStore store;
    private IngestJobQueue queue;
    private Path dataDirectory;
    private int workers = DEFAULT_WORKERS;
    private String node;
    private Duration lease = IngestJobQueue.DEFAULT_LEASE;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Ladder ladder = Ladder.apple();
    private int segmentSeconds = Transcoder.DEFAULT_SEGMENT_SECONDS;
    private String preset = Transcoder.DEFAULT_PRESET;
    private Duration maxSourceDuration = Transcoder.DEFAULT_MAX_SOURCE_DURATION;
    private SegmentFormat format = SegmentFormat.FMP4;
    private MediaStorage storage;
    private Duration orphanGrace = DEFAULT_ORPHAN_GRACE;
    private SegmentEncryption encryption = SegmentEncryption.none();
    private ContentKeyStore contentKeys;

    private Builder() {}

    /**
     * Encrypts every title transcoded from now on and keeps its keys in {@code keys} before the title becomes
     * {@code READY}, so an origin answering key URIs from the same store plays it at once.
     *
     * @param encryption e.g. {@link SegmentEncryption#aes128(int)}; {@link SegmentEncryption#none()} turns it off
     * @param keys where the keys go, such as {@code store.contentKeys(masterKeys)}
     * @return this builder
     * @throws NullPointerException if either is null
     */
    public Builder encryption(SegmentEncryption encryption, ContentKeyStore keys) {
      this.encryption = Objects.requireNonNull(encryption, "encryption");
      this.contentKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Keeps sources and titles in a storage instead of the data directory, so nodes share them without a shared
     * file system: a job's source path is a storage key ({@link IngestWorkers#sourceKey}), downloaded into
     * {@code <data>/work/} for the transcode, and titles are published as versions under
     * {@link IngestWorkers#titleKey} ({@link TitleVersions}).
     *
     * @param storage where sources and titles live, such as an S3 bucket; the caller closes it
     * @return this builder
     * @throws NullPointerException if {@code storage} is null
     */
    public Builder storage(MediaStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * With a storage: how long a title version that no pointer names must have gone without writes before the sweep
     * after a publication removes it (what a run that died mid-upload left). A live upload writes continually, so
     * this only needs to exceed the longest pause between two object writes.
     *
     * @param grace 1 s to 7 days; default {@link IngestWorkers#DEFAULT_ORPHAN_GRACE}
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is null or outside that range
     */
    public Builder orphanGrace(Duration grace) {
      if (grace == null || grace.toMillis() < 1000 || grace.toDays() > 7) {
        throw new IllegalArgumentException("orphan grace must be between 1 s and 7 days, got " + grace);
      }
      this.orphanGrace = grace;
      return this;
    }

    /**
     * The catalog the workers report to (required); the queue defaults to the one in the same database. The caller
     * owns the store and closes it after {@link IngestWorkers#close()}.
     *
     * @param store an open store
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder store(StreamkitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The job queue to claim from. Share this object with the code that queues uploads in this process: a job queued
     * through it wakes an idle worker at once, where one queued through another object waits for the next poll.
     *
     * @param queue default: {@code IngestJobQueue.in(store)}, the queue in the store's database
     * @return this builder
     * @throws NullPointerException if {@code queue} is null
     */
    public Builder queue(IngestJobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * The data directory (required): titles are published under {@code <dir>/titles/<id>/} and uploads wait in
     * {@code <dir>/uploads/}; {@link IngestWorkers#start()} creates both. Nodes sharing a database must share this
     * directory, mounted at the same path, unless they share a {@link #storage} instead (then only
     * {@code <dir>/work/} is used, for this node's downloads and staging).
     *
     * @param dataDirectory a directory path, made absolute here
     * @return this builder
     * @throws NullPointerException if {@code dataDirectory} is null
     */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory").toAbsolutePath();
      return this;
    }

    /**
     * How many transcodes run at once on this node. Each one also runs an encoder thread per rendition, so one worker
     * already keeps several cores busy.
     *
     * @param workers 1 to {@value IngestWorkers#MAX_WORKERS}; default {@value IngestWorkers#DEFAULT_WORKERS}
     * @return this builder
     * @throws IllegalArgumentException if {@code workers} is outside that range
     */
    public Builder workers(int workers) {
      if (workers < 1 || workers > MAX_WORKERS) {
        throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + ", got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * This node's identity in the queue (required). It must stay the same across restarts of the same node (so the
     * jobs it held are released at start) and differ between nodes sharing a database.
     *
     * @param node 1 to {@value IngestJobQueue#MAX_NODE_ID_LENGTH} characters, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code node} is null, blank or longer than that
     */
    public Builder node(String node) {
      if (node == null || node.isBlank() || node.length() > IngestJobQueue.MAX_NODE_ID_LENGTH) {
        throw new IllegalArgumentException("node id must be 1 to " + IngestJobQueue.MAX_NODE_ID_LENGTH
            + " characters, got " + (node == null ? "nothing" : node.length() + " characters"));
      }
      this.node = node;
      return this;
    }

    /**
     * How long a claimed job stays this node's without a renewal. While a transcode runs its lease is renewed every
     * third of this (at least 200 ms apart); if this node dies, another node takes the job once the lease has run out.
     *
     * @param lease {@link IngestJobQueue#MIN_LEASE} (1 s) to {@link IngestJobQueue#MAX_LEASE} (1 h); default
     *     {@link IngestJobQueue#DEFAULT_LEASE} (60 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code lease} is null or outside that range
     */
    public Builder lease(Duration lease) {
      if (lease == null || lease.compareTo(IngestJobQueue.MIN_LEASE) < 0
          || lease.compareTo(IngestJobQueue.MAX_LEASE) > 0) {
        throw new IllegalArgumentException("lease must be between " + IngestJobQueue.MIN_LEASE + " and "
            + IngestJobQueue.MAX_LEASE + ", got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * How long an idle worker waits before asking the queue again: how soon it sees a job queued by another node or
     * through another queue object. A job queued through {@link #queue this queue object}, and
     * {@link IngestWorkers#close()}, wake it at once.
     *
     * @param interval 10 ms to 10 min; default {@link IngestWorkers#DEFAULT_POLL_INTERVAL} (2 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is null or outside that range
     */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 10 || interval.toMinutes() > 10) {
        throw new IllegalArgumentException("poll interval must be between 10 ms and 10 min, got " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * The ladder a title is planned from unless its upload named one of the {@link Ladder#preset presets}
     * ({@link IngestJob#ladder()}); see {@link Transcoder.Builder#ladder}.
     *
     * @param ladder default {@link Ladder#apple()}
     * @return this builder
     * @throws NullPointerException if {@code ladder} is null
     */
    public Builder ladder(Ladder ladder) {
      this.ladder = Objects.requireNonNull(ladder, "ladder");
      return this;
    }

    /**
     * The target segment duration of every title; see {@link Transcoder.Builder#segmentSeconds}.
     *
     * @param seconds {@value Transcoder#MIN_SEGMENT_SECONDS} to {@value Transcoder#MAX_SEGMENT_SECONDS}; default
     *     {@value Transcoder#DEFAULT_SEGMENT_SECONDS}
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds} is outside that range
     */
    public Builder segmentSeconds(int seconds) {
      Transcoder.builder().segmentSeconds(seconds);
      this.segmentSeconds = seconds;
      return this;
    }

    /**
     * The x264 speed preset every title is encoded with; see {@link Transcoder.Builder#preset}.
     *
     * @param preset one of {@link Transcoder#PRESETS}; default {@value Transcoder#DEFAULT_PRESET}
     * @return this builder
     * @throws IllegalArgumentException if {@code preset} is not one of {@link Transcoder#PRESETS}
     * @throws NullPointerException if {@code preset} is null
     */
    public Builder preset(String preset) {
      Transcoder.builder().preset(preset);
      this.preset = preset;
      return this;
    }

    /**
     * The longest upload transcoded; a longer one fails with a message saying so. See
     * {@link Transcoder.Builder#maxSourceDuration}.
     *
     * @param maxSourceDuration positive; default {@link Transcoder#DEFAULT_MAX_SOURCE_DURATION} (12 hours)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxSourceDuration} is zero or negative
     * @throws NullPointerException if {@code maxSourceDuration} is null
     */
    public Builder maxSourceDuration(Duration maxSourceDuration) {
      Transcoder.builder().maxSourceDuration(maxSourceDuration);
      this.maxSourceDuration = maxSourceDuration;
      return this;
    }

    /**
     * The segment container of every title.
     *
     * @param format default {@link SegmentFormat#FMP4}
     * @return this builder
     * @throws NullPointerException if {@code format} is null
     */
    public Builder format(SegmentFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Checks that the required settings are there; nothing starts until {@link IngestWorkers#start()}.
     *
     * @return the workers, not yet started
     * @throws IllegalArgumentException if {@code store}, {@code dataDirectory} or {@code node} is not set
     */
    public IngestWorkers build() {
      if (store == null) {
        throw new IllegalArgumentException("ingest workers need a store: call store(...)");
      }
      if (dataDirectory == null) {
        throw new IllegalArgumentException("ingest workers need a data directory: call dataDirectory(...)");
      }
      if (node == null) {
        throw new IllegalArgumentException("ingest workers need a node id that survives restarts: call node(...)");
      }
      if (queue == null) {
        queue = IngestJobQueue.in(store);
      }
      return new IngestWorkers(this);
    }
  }
}
