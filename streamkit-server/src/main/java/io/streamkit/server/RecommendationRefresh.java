package io.streamkit.server;

import io.streamkit.core.recommend.Recommender;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the recommendations once per period on one of the servers sharing a database ({@link ClaimedSchedule},
 * claimed by {@link Recommender#claimRecomputation}). The first ask comes at start, so a fresh server has
 * recommendations as soon as it has history.
 */
final class RecommendationRefresh {

  private static final Logger LOG = LoggerFactory.getLogger(RecommendationRefresh.class);

  private RecommendationRefresh() {}

  static ClaimedSchedule start(Recommender recommender, String node, Duration period) {
    return ClaimedSchedule.start("streamkit-recommendations", period, () -> {
      try {
        if (recommender.claimRecomputation(node, period)) {
          Recommender.Recomputation run = recommender.recompute();
          LOG.info("recommendations recomputed from {} viewers' progress over {} titles ({} with similar titles)",
              run.viewers(), run.titles(), run.titlesWithNeighbours());
        }
      } catch (RuntimeException e) {
        LOG.warn("recommendations not recomputed this time (the previous ones stay): {}", e.getMessage());
      }
    });
  }
}
