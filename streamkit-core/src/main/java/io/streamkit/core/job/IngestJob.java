package io.streamkit.core.job;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One queued transcode of an uploaded source into a title.
 *
 * @param id the job's id
 * @param titleId the title the source becomes
 * @param sourcePath where the uploaded source file lies, as the enqueuing process wrote it
 * @param ladder the name of the ladder the upload asked for, or {@code null} for the worker's default
 * @param state where the job is
 * @param attempts how many times a worker has claimed it, less the claims handed back by a node shutting down; more
 *     than one means an earlier run died or lost its lease
 * @param owner the worker node holding it while {@link State#RUNNING}, otherwise {@code null}
 * @param leaseUntil when the owner's hold ends unless renewed, otherwise {@code null}
 * @param errorMessage why the job failed, otherwise {@code null}
 * @param createdAt when it was queued
 */
public record IngestJob(UUID id, UUID titleId, String sourcePath, String ladder, State state, int attempts,
    String owner, Instant leaseUntil, String errorMessage, Instant createdAt) {

  /** A job's life: queued, claimed by one worker, then done or failed. Deleting the title removes the job. */
  public enum State {
    /** Waiting for a worker, as enqueued or handed back. */
    QUEUED,
    /** Claimed by {@code owner} until {@code leaseUntil}; claimable again once the lease has expired. */
    RUNNING,
    /** The transcode finished. Final. */
    DONE,
    /** The transcode failed for good; {@code errorMessage} says why. Final. */
    FAILED
  }

  /** {@return the ladder the upload asked for, when it named one} */
  public Optional<String> ladderIfNamed() {
    return Optional.ofNullable(ladder);
  }

  /** {@return why the job failed, when it did} */
  public Optional<String> errorMessageIfFailed() {
    return Optional.ofNullable(errorMessage);
  }
}
