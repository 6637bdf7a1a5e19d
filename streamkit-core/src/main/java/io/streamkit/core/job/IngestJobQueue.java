package io.streamkit.core.job;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.store.StoreException;
import io.streamkit.core.store.StreamkitStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable queue of ingest jobs in StreamKit's database, shared safely by any number of worker processes.
 *
 * <p>Design: the row is the lock. A worker claims the oldest claimable row (by queue time, then by the order rows
 * were inserted in, for jobs queued within one tick of the clock) inside one transaction with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED} (PostgreSQL since 9.5, H2 since 2.0): concurrent claimers skip rows another
 * transaction has locked instead of waiting for them, so two workers never take the same job and never block each
 * other (the approach of db-scheduler and Que; no cluster protocol beyond the database's row locks). The claim stamps
 * the row RUNNING with the worker's node id and a lease; the worker renews the lease by {@link #heartbeat} while it
 * works. A job becomes claimable again when its lease has expired (its worker died or hung) or, at start-up, when the
 * node that held it says so through {@link #releaseHeldBy} (it was running here when this process died), or at once
 * when a node shutting down hands it back through {@link #release}. Cancelling deletes the row, which the running
 * worker learns from its next heartbeat.
 *
 * <p>Waking: workers poll the queue while idle, which is how they find jobs queued by other processes. Workers of
 * this process need not wait for their next poll: a job queued through this queue object tells its
 * {@link #addArrivalListener arrival listeners} at once (db-scheduler's immediate execution), so a node that shares
 * one queue object between the code that queues and its workers starts an upload without delay and may poll seldom.
 *
 * <p>Lease times come from this process's clock; nodes sharing a queue should run NTP-synchronised clocks, and the
 * lease should be long against their skew.
 *
 * <p>Thread-safe: every call is its own transaction. Database failures surface as {@link StoreException}; a
 * {@code node} is 1 to {@link #MAX_NODE_ID_LENGTH} characters of text, not blank, and a {@code lease} lies between
 * {@link #MIN_LEASE} and {@link #MAX_LEASE}, or the call throws {@link InvalidValueException}.
 */
public final class IngestJobQueue {

  /** A lease of 60 s; renew it well before it ends (StreamKit's ingest workers renew every third of the lease). */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  /** The shortest lease accepted. */
  public static final Duration MIN_LEASE = Duration.ofSeconds(1);
  /** The longest lease accepted: a worker that dies holds its job at most this long. */
  public static final Duration MAX_LEASE = Duration.ofHours(1);
  /** The longest node id, in characters. */
  public static final int MAX_NODE_ID_LENGTH = 128;
  /** The longest source path, in characters. */
  public static final int MAX_SOURCE_PATH_LENGTH = 4000;
  /** The longest ladder name, in characters (the column's width). */
  public static final int MAX_LADDER_LENGTH = 16;
  /** Error messages longer than this many characters are cut to it by {@link #fail}. */
  public static final int MAX_ERROR_MESSAGE_LENGTH = 2000;

  private static final String COLUMNS =
      "id, title_id, source_path, ladder, state, attempts, owner, lease_until, error_message, created_at";

  private static final Logger LOG = LoggerFactory.getLogger(IngestJobQueue.class);

  private final DataSource dataSource;
  private final Clock clock;
  private final List<Runnable> arrivalListeners = new CopyOnWriteArrayList<>();

  private IngestJobQueue(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /**
   * {@return the queue in {@code store}'s database, on the system UTC clock} The store's schema migrations create its
   * table.
   *
   * @param store the store whose database holds the queue; it stays the caller's to close
   * @throws InvalidValueException if {@code store} is {@code null}
   */
  public static IngestJobQueue in(StreamkitStore store) {
    return in(store, Clock.systemUTC());
  }

  /**
   * {@return the queue in {@code store}'s database, with lease and creation times from {@code clock}}
   *
   * @param store the store whose database holds the queue; it stays the caller's to close
   * @param clock the clock for lease deadlines and timestamps; tests pass a fixed or moving one
   * @throws InvalidValueException if an argument is {@code null}
   */
  public static IngestJobQueue in(StreamkitStore store, Clock clock) {
    return new IngestJobQueue(InvalidValueException.requireNonNull("store", store).dataSource(),
        InvalidValueException.requireNonNull("clock", clock));
  }

  /**
   * Queues the transcode of {@code sourcePath} into title {@code titleId} with the worker's default ladder.
   *
   * @param titleId the title the source becomes; it must be in the catalog
   * @param sourcePath where the uploaded file lies, readable by every worker node, 1 to
   *     {@link #MAX_SOURCE_PATH_LENGTH} characters
   * @return the job as stored, {@link IngestJob.State#QUEUED}
   * @throws InvalidValueException for a {@code null} title id or a blank or too long path
   * @throws StoreException if the title is not in the catalog (a foreign-key violation) or the database fails
   */
  public IngestJob enqueue(UUID titleId, String sourcePath) {
    return enqueue(titleId, sourcePath, null);
  }

  /**
   * Queues the transcode of {@code sourcePath} into title {@code titleId} with the ladder of that name.
   *
   * @param titleId the title the source becomes; it must be in the catalog
   * @param sourcePath where the uploaded file lies, readable by every worker node, 1 to
   *     {@link #MAX_SOURCE_PATH_LENGTH} characters
   * @param ladder the name of a ladder the workers know, 1 to {@link #MAX_LADDER_LENGTH} characters, checked by the
   *     caller; {@code null} for the worker's default
   * @return the job as stored, {@link IngestJob.State#QUEUED}
   * @throws InvalidValueException for a {@code null} title id, a blank or too long path, or a blank or too long
   *     ladder name
   * @throws StoreException if the title is not in the catalog (a foreign-key violation) or the database fails
   */
  public IngestJob enqueue(UUID titleId, String sourcePath, String ladder) {
    InvalidValueException.requireNonNull("titleId", titleId);
    InvalidValueException.requireText("sourcePath", sourcePath, MAX_SOURCE_PATH_LENGTH);
    if (ladder != null) {
      InvalidValueException.requireText("ladder", ladder, MAX_LADDER_LENGTH);
    }
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    update("INSERT INTO streamkit_ingest_jobs (id, title_id, source_path, ladder, state, attempts, created_at,"
        + " updated_at) VALUES (?, ?, ?, ?, 'QUEUED', 0, ?, ?)", id, titleId, sourcePath, ladder, now, now);
    for (Runnable listener : arrivalListeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        // The job is queued whatever a listener does; the workers will find it at their next poll.
        LOG.warn("ingest job arrival listener failed: {}", e.toString(), e);
      }
    }
    return new IngestJob(id, titleId, sourcePath, ladder, IngestJob.State.QUEUED, 0, null, null, null, now);
  }

  /**
   * Runs {@code listener} after every job queued through this queue object ({@link #enqueue}, once its row is
   * committed), on the thread that queued it, so this process's idle workers can claim the job at once instead of at
   * their next poll. Jobs queued through another queue object or by another process do not call it. The listener
   * should return quickly; an exception it throws is logged, and the job stays queued.
   *
   * @param listener what to run, e.g. waking idle workers
   * @throws InvalidValueException if {@code listener} is {@code null}
   */
  public void addArrivalListener(Runnable listener) {
    arrivalListeners.add(InvalidValueException.requireNonNull("listener", listener));
  }

  /**
   * Stops calling a listener {@link #addArrivalListener} added; nothing happens if it was not there.
   *
   * @param listener the listener, as added
   */
  public void removeArrivalListener(Runnable listener) {
    arrivalListeners.remove(listener);
  }

  /**
   * Takes the oldest job that is queued or whose lease has expired, holding it for {@code node} for {@code lease}
   * and counting one more attempt. Never blocks on a job another worker is claiming at the same moment.
   *
   * @param node the id of the claiming worker node, stable across its restarts (see {@link #releaseHeldBy})
   * @param lease how long the claim holds unless renewed by {@link #heartbeat}, e.g. {@link #DEFAULT_LEASE}
   * @return the claimed job, {@link IngestJob.State#RUNNING}; empty when nothing is claimable
   */
  public Optional<IngestJob> claim(String node, Duration lease) {
    checkNode(node);
    checkLease(lease);
    Instant now = clock.instant();
    Instant until = now.plus(lease);
    return inTransaction(connection -> {
      UUID id;
      try (PreparedStatement select = connection.prepareStatement("SELECT id FROM streamkit_ingest_jobs"
          + " WHERE state = 'QUEUED' OR (state = 'RUNNING' AND lease_until < ?)"
          + " ORDER BY created_at, queued_order FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")) {
        select.setObject(1, timestamp(now));
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          id = row.getObject(1, UUID.class);
        }
      }
      try (PreparedStatement claim = connection.prepareStatement("UPDATE streamkit_ingest_jobs SET state = 'RUNNING',"
          + " attempts = attempts + 1, owner = ?, lease_until = ?, updated_at = ? WHERE id = ?")) {
        bind(claim, node, until, now, id);
        claim.executeUpdate();
      }
      return Optional.of(read(connection, id).orElseThrow());
    });
  }

  /**
   * Renews {@code node}'s lease on a running job, to {@code lease} from now.
   *
   * @param jobId the job being worked on
   * @param node the worker node that claimed it
   * @param lease the new hold, from now
   * @return {@code false} if the job is no longer this node's to run: it was cancelled (its title deleted) or its
   *     lease expired and another worker took it; the caller should stop
   */
  public boolean heartbeat(UUID jobId, String node, Duration lease) {
    checkNode(node);
    checkLease(lease);
    Instant now = clock.instant();
    return update("UPDATE streamkit_ingest_jobs SET lease_until = ?, updated_at = ?"
        + " WHERE id = ? AND state = 'RUNNING' AND owner = ?", now.plus(lease), now, jobId, node) == 1;
  }

  /**
   * Marks a job this node ran as done.
   *
   * @param jobId the job
   * @param node the worker node that claimed it
   * @return {@code false} if the job was no longer this node's (see {@link #heartbeat}); nothing changed then
   */
  public boolean complete(UUID jobId, String node) {
    checkNode(node);
    return update("UPDATE streamkit_ingest_jobs SET state = 'DONE', owner = NULL, lease_until = NULL, updated_at = ?"
        + " WHERE id = ? AND state = 'RUNNING' AND owner = ?", clock.instant(), jobId, node) == 1;
  }

  /**
   * Marks a job this node ran as failed for good; it is not retried.
   *
   * @param jobId the job
   * @param node the worker node that claimed it
   * @param errorMessage the reason a user will read, cut to {@link #MAX_ERROR_MESSAGE_LENGTH} characters
   * @return {@code false} if the job was no longer this node's (see {@link #heartbeat}); nothing changed then
   * @throws InvalidValueException if {@code errorMessage} is {@code null}
   */
  public boolean fail(UUID jobId, String node, String errorMessage) {
    checkNode(node);
    InvalidValueException.requireNonNull("errorMessage", errorMessage);
    String message = errorMessage.length() > MAX_ERROR_MESSAGE_LENGTH
        ? errorMessage.substring(0, MAX_ERROR_MESSAGE_LENGTH) : errorMessage;
    return update("UPDATE streamkit_ingest_jobs SET state = 'FAILED', owner = NULL, lease_until = NULL,"
        + " error_message = ?, updated_at = ? WHERE id = ? AND state = 'RUNNING' AND owner = ?",
        message, clock.instant(), jobId, node) == 1;
  }

  /**
   * Puts every job {@code node} holds back in the queue. A node calls this as it starts, before its workers claim:
   * whatever it held then was running when its previous process died. The attempts stay counted.
   *
   * @param node this node's id, as its previous process claimed with
   * @return how many jobs were released
   */
  public int releaseHeldBy(String node) {
    checkNode(node);
    return update("UPDATE streamkit_ingest_jobs SET state = 'QUEUED', owner = NULL, lease_until = NULL,"
        + " updated_at = ? WHERE state = 'RUNNING' AND owner = ?", clock.instant(), node);
  }

  /**
   * Puts a job this node holds back in the queue without counting the attempt: its worker stopped because the node
   * is shutting down, which says nothing about the source.
   *
   * @param jobId the job
   * @param node the worker node that claimed it
   * @return {@code false} if the job was no longer this node's; nothing changed then
   */
  public boolean release(UUID jobId, String node) {
    checkNode(node);
    return update("UPDATE streamkit_ingest_jobs SET state = 'QUEUED', attempts = attempts - 1, owner = NULL,"
        + " lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'RUNNING' AND owner = ?",
        clock.instant(), jobId, node) == 1;
  }

  /**
   * Removes the title's jobs, whatever their state; a running worker learns it at its next heartbeat.
   *
   * @param titleId the title whose jobs go
   * @return how many jobs were removed
   * @throws InvalidValueException if {@code titleId} is {@code null}
   */
  public int cancel(UUID titleId) {
    return update("DELETE FROM streamkit_ingest_jobs WHERE title_id = ?",
        InvalidValueException.requireNonNull("titleId", titleId));
  }

  /**
   * {@return the job as stored now, or empty if there is no such job (never queued, or cancelled)}
   *
   * @param jobId the job's id
   */
  public Optional<IngestJob> get(UUID jobId) {
    return inTransaction(connection -> read(connection, jobId));
  }

  /**
   * {@return the title's jobs in every state, oldest first (those queued within one tick of the clock in the order
   * they were queued); empty for a title without jobs}
   *
   * @param titleId the title's catalog id
   */
  public List<IngestJob> forTitle(UUID titleId) {
    return inTransaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
          + " FROM streamkit_ingest_jobs WHERE title_id = ? ORDER BY created_at, queued_order")) {
        select.setObject(1, titleId);
        List<IngestJob> jobs = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            jobs.add(map(row));
          }
        }
        return jobs;
      }
    });
  }

  private static Optional<IngestJob> read(Connection connection, UUID id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
        + " FROM streamkit_ingest_jobs WHERE id = ?")) {
      select.setObject(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(map(row)) : Optional.empty();
      }
    }
  }

  private static IngestJob map(ResultSet row) throws SQLException {
    OffsetDateTime lease = row.getObject(8, OffsetDateTime.class);
    return new IngestJob(row.getObject(1, UUID.class), row.getObject(2, UUID.class), row.getString(3),
        row.getString(4), IngestJob.State.valueOf(row.getString(5)), row.getInt(6), row.getString(7),
        lease == null ? null : lease.toInstant(), row.getString(9),
        row.getObject(10, OffsetDateTime.class).toInstant());
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static void checkNode(String node) {
    InvalidValueException.requireText("node", node, MAX_NODE_ID_LENGTH);
  }

  private static void checkLease(Duration lease) {
    InvalidValueException.requireRange("lease", lease, MIN_LEASE, MAX_LEASE);
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("ingest queue: " + e.getMessage(), e);
    }
  }

  private int update(String sql, Object... values) {
    return inTransaction(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        bind(statement, values);
        return statement.executeUpdate();
      }
    });
  }

  private static void bind(PreparedStatement statement, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value instanceof Instant instant) {
        statement.setObject(i + 1, timestamp(instant));
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }
}
