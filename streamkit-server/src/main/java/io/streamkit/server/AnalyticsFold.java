package io.streamkit.server;

import io.streamkit.core.analytics.AnalyticsRollups;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds new playback events into the analytics rollups once per period on one of the servers sharing a database, the
 * way {@link RecommendationRefresh} recomputes recommendations: each server asks every quarter period whether the
 * period's fold is unclaimed ({@link AnalyticsRollups#claimFold}), and the one whose claim succeeds folds. The fold
 * itself locks its watermark, so even two folds at once count each event once.
 */
final class AnalyticsFold implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsFold.class);

  private final AnalyticsRollups rollups;
  private final String node;
  private final Duration period;
  private final ScheduledExecutorService schedule;

  private AnalyticsFold(AnalyticsRollups rollups, String node, Duration period) {
    this.rollups = rollups;
    this.node = node;
    this.period = period;
    this.schedule = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "streamkit-analytics-fold");
      thread.setDaemon(true);
      return thread;
    });
  }

  static AnalyticsFold start(AnalyticsRollups rollups, String node, Duration period) {
    AnalyticsFold fold = new AnalyticsFold(rollups, node, period);
    long askEveryMillis = Math.max(1, period.toMillis() / 4);
    fold.schedule.scheduleWithFixedDelay(fold::ask, 0, askEveryMillis, TimeUnit.MILLISECONDS);
    return fold;
  }

  private void ask() {
    try {
      if (rollups.claimFold(node, period)) {
        AnalyticsRollups.Fold run = rollups.fold();
        if (run.events() > 0) {
          LOG.info("analytics rollups: folded {} events in {} transactions", run.events(), run.transactions());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("analytics rollups not folded this time (the next fold takes the events): {}", e.getMessage());
    }
  }

  /** Stops asking; a fold under way finishes its transaction before this returns. */
  @Override
  public void close() {
    schedule.shutdown();
    try {
      if (!schedule.awaitTermination(1, TimeUnit.MINUTES)) {
        LOG.warn("an analytics fold still runs after a minute; leaving it to end with the process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
