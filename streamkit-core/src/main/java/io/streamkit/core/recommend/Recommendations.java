package io.streamkit.core.recommend;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What one viewer is recommended, each list best first and free of titles the viewer has started or finished and of
 * titles not published.
 *
 * @param forYou the viewer's personal top list: titles most similar to everything the viewer watched (item-based
 *     top-N), filled up with popular titles when the viewer's history suggests fewer
 * @param becauseYouWatched one row for each of the viewer's most recently watched titles that has similar titles
 * @param popular titles popular now (plays decayed by age), for a row of their own and for viewers with no history
 * @param computedAt when the similarities and popularity behind these lists were computed, or {@code null} before
 *     the first computation (every list is then empty)
 */
public record Recommendations(List<UUID> forYou, List<BecauseYouWatched> becauseYouWatched, List<UUID> popular,
    Instant computedAt) {

  /**
   * Copies the lists, so the record is immutable.
   *
   * @param forYou the personal top list
   * @param becauseYouWatched the rows
   * @param popular the popular titles
   * @param computedAt when the lists' tables were computed, or {@code null}
   */
  public Recommendations {
    forYou = List.copyOf(forYou);
    becauseYouWatched = List.copyOf(becauseYouWatched);
    popular = List.copyOf(popular);
  }

  /**
   * A "because you watched" row.
   *
   * @param watched the title the viewer watched
   * @param titles titles watched by the viewers who watched it, most similar first
   */
  public record BecauseYouWatched(UUID watched, List<UUID> titles) {

    /**
     * Copies the list, so the record is immutable.
     *
     * @param watched the title the viewer watched
     * @param titles the similar titles
     */
    public BecauseYouWatched {
      titles = List.copyOf(titles);
    }
  }
}
