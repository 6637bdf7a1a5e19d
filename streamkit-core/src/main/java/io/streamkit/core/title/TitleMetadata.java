package io.streamkit.core.title;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireRange;

import io.streamkit.core.InvalidValueException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What viewers browse a title by, beside its name and description: categories, release year, maturity rating,
 * availability window and regions. Immutable; every part is optional, and {@link #NONE} has none of them. Changes go
 * through {@link Catalog#editMetadata}.
 *
 * @param categories lower-case slugs ({@code [a-z0-9][a-z0-9-]*}, at most {@link #MAX_CATEGORY_LENGTH} characters),
 *     at most {@link #MAX_CATEGORIES}, sorted and without repeats
 * @param releaseYear the year of first release, {@link #MIN_RELEASE_YEAR} to {@link #MAX_RELEASE_YEAR}, or
 *     {@code null}
 * @param maturityRating how mature the content is, or {@code null} when unrated (unrated titles are above every
 *     profile limit, see {@link MaturityRating})
 * @param availableFrom the first instant viewers may play the title, or {@code null} for no start
 * @param availableUntil the instant from which viewers may no longer play it (exclusive), or {@code null} for no end;
 *     after {@code availableFrom}
 * @param regions ISO 3166-1 alpha-2 country codes in upper case, sorted and without repeats, at most
 *     {@link #MAX_REGIONS}; empty for everywhere. Viewers known to be elsewhere do not see or play the title
 *     ({@link ViewerRegion}); StreamKit does not locate viewers itself: their country comes from the token or a
 *     trusted CDN header
 */
public record TitleMetadata(
    List<String> categories,
    Integer releaseYear,
    MaturityRating maturityRating,
    Instant availableFrom,
    Instant availableUntil,
    List<String> regions) {

  /** No categories, year, rating, window or regions: what a new title has. */
  public static final TitleMetadata NONE = new TitleMetadata(List.of(), null, null, null, null, List.of());
  /** The most categories one title may have. */
  public static final int MAX_CATEGORIES = 20;
  /** The longest category slug, in characters. */
  public static final int MAX_CATEGORY_LENGTH = 64;
  /** The most regions one title may list. */
  public static final int MAX_REGIONS = 250;
  /** The earliest release year accepted: the first films were shown in 1888. */
  public static final int MIN_RELEASE_YEAR = 1888;
  /** The latest release year accepted. */
  public static final int MAX_RELEASE_YEAR = 2200;

  private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern REGION = Pattern.compile("[A-Z]{2}");
  private static final String COUNTRY_RULE = "an ISO 3166-1 alpha-2 country code such as US or DE";

  /**
   * Checks and normalises every part: categories lower-cased, sorted and deduplicated, regions upper-cased, sorted and
   * deduplicated, times truncated to the millisecond.
   *
   * @param categories category slugs, see above
   * @param releaseYear the year of first release, or {@code null}
   * @param maturityRating the rating, or {@code null}
   * @param availableFrom the start of the window, or {@code null}
   * @param availableUntil the end of the window (exclusive), or {@code null}
   * @param regions country codes, see above
   * @throws InvalidValueException naming the first part that breaks its rule
   */
  public TitleMetadata {
    categories = normalised("category", requireNonNull("categories", categories), MAX_CATEGORIES, CATEGORY,
        MAX_CATEGORY_LENGTH, "a lower-case slug of letters a-z, digits and hyphens such as science-fiction", false);
    if (releaseYear != null) {
      requireRange("releaseYear", releaseYear, MIN_RELEASE_YEAR, MAX_RELEASE_YEAR);
    }
    availableFrom = availableFrom == null ? null : availableFrom.truncatedTo(ChronoUnit.MILLIS);
    availableUntil = availableUntil == null ? null : availableUntil.truncatedTo(ChronoUnit.MILLIS);
    if (availableFrom != null && availableUntil != null && !availableUntil.isAfter(availableFrom)) {
      throw new InvalidValueException("availableUntil", availableUntil, "must be after availableFrom "
          + availableFrom + "; the window would be empty");
    }
    regions = normalised("region", requireNonNull("regions", regions), MAX_REGIONS, REGION, 2, COUNTRY_RULE, true);
  }

  /**
   * {@return {@code code} as {@link #regions} holds a country: an ISO 3166-1 alpha-2 code, upper-cased}
   *
   * @param field the name the error gives the value, such as {@code country}
   * @param code the code as given, in either case
   * @throws InvalidValueException for anything but two letters
   */
  public static String requireCountry(String field, String code) {
    return normalised(field, List.of(requireNonNull(field, code)), 1, REGION, 2, COUNTRY_RULE, true).get(0);
  }

  private static List<String> normalised(String field, List<String> values, int maxCount, Pattern rule,
      int maxLength, String what, boolean upperCase) {
    if (values.size() > maxCount) {
      throw new InvalidValueException(field + " list", values.size() + " entries", "must have at most " + maxCount);
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String value : values) {
      requireNonNull(field, value);
      String folded = upperCase ? value.trim().toUpperCase(Locale.ROOT) : value.trim().toLowerCase(Locale.ROOT);
      if (folded.length() > maxLength || !rule.matcher(folded).matches()) {
        throw new InvalidValueException(field, value, "must be " + what);
      }
      sorted.add(folded);
    }
    return List.copyOf(new ArrayList<>(sorted));
  }

  /**
   * {@return whether viewers may play the title at {@code instant}: at or after {@code availableFrom} and before
   * {@code availableUntil}, where set}
   *
   * @param instant the time of the request
   */
  public boolean availableAt(Instant instant) {
    return (availableFrom == null || !instant.isBefore(availableFrom))
        && (availableUntil == null || instant.isBefore(availableUntil));
  }

  /**
   * {@return whether a viewer limited to {@code limit} may see the title: it is rated at or below it; an unrated
   * title is not}
   *
   * @param limit the most mature rating allowed
   */
  public boolean suits(MaturityRating limit) {
    return maturityRating != null && maturityRating.allowedUnder(limit);
  }

  /** {@return the release year, when known} */
  public Optional<Integer> releaseYearIfKnown() {
    return Optional.ofNullable(releaseYear);
  }

  /** {@return the maturity rating, when rated} */
  public Optional<MaturityRating> maturityRatingIfRated() {
    return Optional.ofNullable(maturityRating);
  }

  /**
   * {@return these metadata with other categories}
   *
   * @param categories the new categories, see the record's rules
   */
  public TitleMetadata withCategories(List<String> categories) {
    return new TitleMetadata(categories, releaseYear, maturityRating, availableFrom, availableUntil, regions);
  }

  /**
   * {@return these metadata with another release year}
   *
   * @param releaseYear the year, or {@code null} to clear it
   */
  public TitleMetadata withReleaseYear(Integer releaseYear) {
    return new TitleMetadata(categories, releaseYear, maturityRating, availableFrom, availableUntil, regions);
  }

  /**
   * {@return these metadata with another maturity rating}
   *
   * @param maturityRating the rating, or {@code null} to clear it
   */
  public TitleMetadata withMaturityRating(MaturityRating maturityRating) {
    return new TitleMetadata(categories, releaseYear, maturityRating, availableFrom, availableUntil, regions);
  }

  /**
   * {@return these metadata with another availability window}
   *
   * @param availableFrom the start, or {@code null} for none
   * @param availableUntil the end (exclusive), or {@code null} for none
   */
  public TitleMetadata withAvailability(Instant availableFrom, Instant availableUntil) {
    return new TitleMetadata(categories, releaseYear, maturityRating, availableFrom, availableUntil, regions);
  }

  /**
   * {@return these metadata with other regions}
   *
   * @param regions the new country codes, empty for everywhere
   */
  public TitleMetadata withRegions(List<String> regions) {
    return new TitleMetadata(categories, releaseYear, maturityRating, availableFrom, availableUntil, regions);
  }
}
