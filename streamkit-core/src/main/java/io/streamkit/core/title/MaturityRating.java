package io.streamkit.core.title;

import io.streamkit.core.InvalidValueException;
import java.util.Arrays;
import java.util.List;

/**
 * How mature a title's content is, on one ordered scale: the MPA film ratings {@code G < PG < PG-13 < R < NC-17}
 * (Motion Picture Association, "Classification and Rating Rules"), each with the youngest age it suits. A profile
 * limited to a rating sees titles rated at or below it; a title without a rating counts as above every limit, so a
 * kids profile never sees what nobody has rated.
 */
public enum MaturityRating {
  /** General audiences, all ages. */
  G("G", 0),
  /** Parental guidance suggested; some material may not suit children. */
  PG("PG", 8),
  /** Parents strongly cautioned; some material may be inappropriate under 13. */
  PG_13("PG-13", 13),
  /** Restricted; under 17 requires an accompanying adult. */
  R("R", 17),
  /** Adults only, 18 and over. */
  NC_17("NC-17", 18);

  private final String label;
  private final int minimumAge;

  MaturityRating(String label, int minimumAge) {
    this.label = label;
    this.minimumAge = minimumAge;
  }

  /** {@return the rating as written on the wire and in documents, e.g. {@code PG-13}} */
  public String label() {
    return label;
  }

  /** {@return the youngest age the rating suits, e.g. 13 for {@code PG-13}} */
  public int minimumAge() {
    return minimumAge;
  }

  /**
   * {@return whether a title of this rating may be shown under {@code limit}: it is rated at or below it}
   *
   * @param limit the most mature rating allowed
   */
  public boolean allowedUnder(MaturityRating limit) {
    return compareTo(limit) <= 0;
  }

  /**
   * The rating a label names, ignoring case: {@code G}, {@code PG}, {@code PG-13}, {@code R} or {@code NC-17}.
   *
   * @param field the name of the input, for the error message
   * @param label the label
   * @return the rating
   * @throws InvalidValueException naming {@code field} and the accepted labels
   */
  public static MaturityRating fromLabel(String field, String label) {
    for (MaturityRating rating : values()) {
      if (rating.label.equalsIgnoreCase(label)) {
        return rating;
      }
    }
    throw new InvalidValueException(field, label, "must be one of " + labels() + " (ordered least to most mature)");
  }

  /** {@return every label, least mature first} */
  public static List<String> labels() {
    return Arrays.stream(values()).map(MaturityRating::label).toList();
  }
}
