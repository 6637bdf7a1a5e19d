package io.streamkit.server;

import io.streamkit.core.analytics.AnalyticsRollups;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds new playback events into the analytics rollups once per period on one of the servers sharing a database
 * ({@link ClaimedSchedule}, claimed by {@link AnalyticsRollups#claimFold}). The fold itself locks its watermark, so
 * even two folds at once count each event once.
 */
final class AnalyticsFold {

  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsFold.class);

  private AnalyticsFold() {}

  static ClaimedSchedule start(AnalyticsRollups rollups, String node, Duration period) {
    return ClaimedSchedule.start("streamkit-analytics-fold", period, () -> {
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
    });
  }
}
