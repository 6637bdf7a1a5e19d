package io.streamkit.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job that one of the servers sharing a database runs once per period: every server asks every quarter period,
 * first at start, whether the period's run is still unclaimed, and the one whose claim (a conditional update in the
 * database) succeeds runs it. A server that dies mid-way leaves the next period to another. {@code ask} makes the
 * claim and runs the job; it is called on one daemon thread of its own and must not throw.
 */
final class ClaimedSchedule implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClaimedSchedule.class);

  private final String name;
  private final ScheduledExecutorService schedule;

  private ClaimedSchedule(String name) {
    this.name = name;
    this.schedule = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts asking every quarter of {@code period} on a thread called {@code name}. */
  static ClaimedSchedule start(String name, Duration period, Runnable ask) {
    ClaimedSchedule claimed = new ClaimedSchedule(name);
    long askEveryMillis = Math.max(1, period.toMillis() / 4);
    claimed.schedule.scheduleWithFixedDelay(ask, 0, askEveryMillis, TimeUnit.MILLISECONDS);
    return claimed;
  }

  /** Stops asking; a run under way finishes (its transaction) before this returns, or is left after a minute. */
  @Override
  public void close() {
    schedule.shutdown();
    try {
      if (!schedule.awaitTermination(1, TimeUnit.MINUTES)) {
        LOG.warn("{} still runs after a minute; leaving it to end with the process", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
