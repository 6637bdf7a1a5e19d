package io.streamkit.core.title;

import static io.streamkit.core.InvalidValueException.requireNonNull;

import io.streamkit.core.InvalidValueException;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Where a viewer is, as far as a title's {@link TitleMetadata#regions() regions} are concerned: the countries known
 * for the viewer (a token's {@code country} claim, which the application that knows its viewers sets, and the
 * country a trusted CDN reported for the request), and whether a title that lists regions is refused to a viewer
 * whose country is not known. Every known country must be listed, so two sources that disagree admit only what both
 * allow, as a profile's limit and a token's {@code max_rating} do.
 *
 * @param countries ISO 3166-1 alpha-2 codes, upper-cased, sorted and without repeats, at most
 *     {@link #MAX_COUNTRIES}; empty when none is known
 * @param required whether a viewer whose country is not known is refused every title that lists regions
 */
public record ViewerRegion(List<String> countries, boolean required) {

  /** The most countries one viewer is known by: a token's claim and a CDN's header. */
  public static final int MAX_COUNTRIES = 2;
  /** A viewer whose country is not known, where none is required: regions are not checked. */
  public static final ViewerRegion UNCHECKED = new ViewerRegion(List.of(), false);

  /**
   * Checks and normalises the countries.
   *
   * @param countries country codes in either case
   * @param required whether an unknown country refuses titles that list regions
   * @throws InvalidValueException for a code that is not two letters, or more than {@link #MAX_COUNTRIES}
   */
  public ViewerRegion {
    TreeSet<String> known = new TreeSet<>();
    for (String country : requireNonNull("countries", countries)) {
      known.add(TitleMetadata.requireCountry("country", country));
    }
    if (known.size() > MAX_COUNTRIES) {
      throw new InvalidValueException("countries", known, "must have at most " + MAX_COUNTRIES
          + " (a token's claim and a CDN's header)");
    }
    countries = List.copyOf(known);
  }

  /** {@return whether some titles may be refused: a country is known, or one is required} */
  public boolean restricts() {
    return required || !countries.isEmpty();
  }

  /**
   * {@return whether a title listing {@code regions} may be seen and played by this viewer: it lists none, or it
   * lists every country known for the viewer, or, with none known, none is required}
   *
   * @param regions a title's regions, as {@link TitleMetadata#regions()} holds them
   */
  public boolean admits(List<String> regions) {
    if (regions.isEmpty()) {
      return true;
    }
    return countries.isEmpty() ? !required : regions.containsAll(countries);
  }

  /**
   * {@return {@link #admits} as an SQL condition on {@code column}, a title's regions as the catalog stores them:
   * comma-separated codes, NULL for everywhere} Its bind parameters are {@link #conditionParameters()}. A country is
   * two letters, so a parameter's only wildcards are its own. Only while {@link #restricts()}.
   *
   * @param column the regions column, qualified as the statement needs
   */
  public String condition(String column) {
    if (countries.isEmpty()) {
      return column + " IS NULL";
    }
    return "(" + column + " IS NULL OR (" + String.join(" AND ",
        Collections.nCopies(countries.size(), "',' || " + column + " || ',' LIKE ?")) + "))";
  }

  /** {@return the bind parameters of {@link #condition}, in order} */
  public List<String> conditionParameters() {
    return countries.stream().map(country -> "%," + country + ",%").toList();
  }
}
