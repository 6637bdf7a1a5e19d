package io.streamkit.core.title;

import io.streamkit.core.Page;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Catalog#search} found.
 *
 * @param titles the requested page of matching titles, best match first
 * @param total how many titles match in all
 * @param categoryCounts for each category, how many titles match the query without its {@code category} filter (so a
 *     viewer sees what picking another category would give), by count descending then name; only categories that
 *     {@code allowedCategories} permits
 */
public record CatalogSearchResult(Page<Title> titles, long total, Map<String, Long> categoryCounts) {

  /**
   * Keeps the facet order as given.
   *
   * @param titles the page of titles
   * @param total the number of matches
   * @param categoryCounts matches per category, in display order
   */
  public CatalogSearchResult {
    categoryCounts = Collections.unmodifiableMap(new LinkedHashMap<>(categoryCounts));
  }
}
