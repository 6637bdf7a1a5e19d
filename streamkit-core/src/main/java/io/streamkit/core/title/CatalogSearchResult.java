package io.streamkit.core.title;

import io.streamkit.core.Page;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Catalog#search} found.
 *
 * <p>A search ranks a bounded number of matches (the newest ones, and the newest whose name has every searched word);
 * when more titles match, the counts are those of the ranked titles, at least that many match, and the flags say so.
 *
 * @param titles the requested page of matching titles, best match first
 * @param total how many titles match in all, or, when {@code totalExact} is false, how many of them were ranked: at
 *     least this many match, and the pages reach exactly this many
 * @param totalExact whether {@code total} counts every match
 * @param categoryCounts for each category, how many titles match the query without its {@code category} filter (so a
 *     viewer sees what picking another category would give), by count descending then name; only categories that
 *     {@code allowedCategories} permits
 * @param categoryCountsExact whether {@code categoryCounts} count every match, not only the ranked ones
 */
public record CatalogSearchResult(Page<Title> titles, long total, boolean totalExact,
    Map<String, Long> categoryCounts, boolean categoryCountsExact) {

  /**
   * Keeps the facet order as given.
   *
   * @param titles the page of titles
   * @param total the number of matches, or of ranked matches
   * @param totalExact whether {@code total} counts every match
   * @param categoryCounts matches per category, in display order
   * @param categoryCountsExact whether the counts count every match
   */
  public CatalogSearchResult {
    categoryCounts = Collections.unmodifiableMap(new LinkedHashMap<>(categoryCounts));
  }
}
