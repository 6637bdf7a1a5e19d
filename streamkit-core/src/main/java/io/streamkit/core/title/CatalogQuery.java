package io.streamkit.core.title;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireSingleLineText;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.PageRequest;
import java.time.Instant;
import java.util.List;

/**
 * A viewer's search of the catalog ({@link Catalog#search}): only {@link TitleStatus#PUBLISHED} titles inside their
 * availability window at {@code at} ever match.
 *
 * @param text what the viewer typed, trimmed, at most {@link #MAX_TEXT_LENGTH} characters; empty lists every playable
 *     title, newest first. The last word counts as a prefix, so results follow typing
 * @param category only titles in this category (a slug, see {@link TitleMetadata}), or {@code null} for any
 * @param maturityLimit only titles rated at or below it (unrated titles never), or {@code null} for no limit
 * @param allowedCategories only titles in at least one of these categories; empty for no restriction
 * @param region only titles the viewer's region admits ({@link ViewerRegion#admits}); {@link ViewerRegion#UNCHECKED}
 *     for every title
 * @param at the time the availability windows are judged at
 * @param page which slice of the ranked results to return
 */
public record CatalogQuery(String text, String category, MaturityRating maturityLimit,
    List<String> allowedCategories, ViewerRegion region, Instant at, PageRequest page) {

  /** The longest search text, in characters. */
  public static final int MAX_TEXT_LENGTH = 200;

  /**
   * Checks and normalises the query: text trimmed, category lower-cased.
   *
   * @param text the search text, possibly empty
   * @param category a category slug or {@code null}
   * @param maturityLimit the most mature rating allowed, or {@code null}
   * @param allowedCategories category slugs, possibly empty
   * @param region the viewer's region
   * @param at the time of the search
   * @param page the slice to return
   * @throws InvalidValueException naming the first part that breaks its rule
   */
  public CatalogQuery {
    requireNonNull("q", text);
    text = text.isBlank() ? "" : requireSingleLineText("q", text, MAX_TEXT_LENGTH);
    if (category != null) {
      category = TitleMetadata.NONE.withCategories(List.of(category)).categories().get(0);
    }
    allowedCategories = TitleMetadata.NONE.withCategories(requireNonNull("allowedCategories", allowedCategories))
        .categories();
    requireNonNull("region", region);
    requireNonNull("at", at);
    requireNonNull("page", page);
  }

  /**
   * A query that does not check regions ({@link ViewerRegion#UNCHECKED}).
   *
   * @param text the search text, possibly empty
   * @param category a category slug or {@code null}
   * @param maturityLimit the most mature rating allowed, or {@code null}
   * @param allowedCategories category slugs, possibly empty
   * @param at the time of the search
   * @param page the slice to return
   * @throws InvalidValueException naming the first part that breaks its rule
   */
  public CatalogQuery(String text, String category, MaturityRating maturityLimit, List<String> allowedCategories,
      Instant at, PageRequest page) {
    this(text, category, maturityLimit, allowedCategories, ViewerRegion.UNCHECKED, at, page);
  }

  /**
   * {@return a query for {@code text} at {@code at} with no category, rating, category or region restriction}
   *
   * @param text the search text, possibly empty
   * @param at the time of the search
   * @param page the slice to return
   */
  public static CatalogQuery of(String text, Instant at, PageRequest page) {
    return new CatalogQuery(text, null, null, List.of(), at, page);
  }
}
