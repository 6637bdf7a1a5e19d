package io.streamkit.server;

import io.streamkit.core.recommend.Recommender;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the recommendations once per period on one of the servers sharing a database: each server asks every
 * quarter period whether the period's recomputation is still unclaimed ({@link Recommender#claimRecomputation}), and
 * the one whose claim succeeds recomputes. A server that dies mid-way leaves the next period to another. The first
 * ask comes at start, so a fresh server has recommendations as soon as it has history.
 */
final class RecommendationRefresh implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RecommendationRefresh.class);

  private final Recommender recommender;
  private final String node;
  private final Duration period;
  private final ScheduledExecutorService schedule;

  private RecommendationRefresh(Recommender recommender, String node, Duration period) {
    this.recommender = recommender;
    this.node = node;
    this.period = period;
    this.schedule = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "streamkit-recommendations");
      thread.setDaemon(true);
      return thread;
    });
  }

  static RecommendationRefresh start(Recommender recommender, String node, Duration period) {
    RecommendationRefresh refresh = new RecommendationRefresh(recommender, node, period);
    long askEveryMillis = Math.max(1, period.toMillis() / 4);
    refresh.schedule.scheduleWithFixedDelay(refresh::ask, 0, askEveryMillis, TimeUnit.MILLISECONDS);
    return refresh;
  }

  private void ask() {
    try {
      if (recommender.claimRecomputation(node, period)) {
        Recommender.Recomputation run = recommender.recompute();
        LOG.info("recommendations recomputed from {} viewers' progress over {} titles ({} with similar titles)",
            run.viewers(), run.titles(), run.titlesWithNeighbours());
      }
    } catch (RuntimeException e) {
      LOG.warn("recommendations not recomputed this time (the previous ones stay): {}", e.getMessage());
    }
  }

  /** Stops asking; a recomputation under way finishes (it is one transaction) before this returns. */
  @Override
  public void close() {
    schedule.shutdown();
    try {
      if (!schedule.awaitTermination(1, TimeUnit.MINUTES)) {
        LOG.warn("a recommendation recomputation still runs after a minute; leaving it to end with the process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
