package io.streamkit.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A value given to StreamKit breaks a documented limit. The message names the field, the rule and the offending
 * value, e.g. {@code position must be between 0 and the duration PT1M, got PT2M}.
 *
 * <p>The static {@code require...} methods are the single place where StreamKit's value types check their inputs, so
 * every type reports a broken rule in the same words.
 */
public class InvalidValueException extends IllegalArgumentException {

  private final String field;
  private final transient Object value;

  public InvalidValueException(String field, Object value, String rule) {
    super(field + " " + rule + ", got " + describe(value));
    this.field = field;
    this.value = value;
  }

  /** The name of the field or parameter that was rejected. */
  public String field() {
    return field;
  }

  /** The rejected value, as given. */
  public Object value() {
    return value;
  }

  public static <T> T requireNonNull(String field, T value) {
    if (value == null) {
      throw new InvalidValueException(field, null, "is required");
    }
    return value;
  }

  /** Free text for people (names, descriptions): not blank, at most {@code maxLength} characters. */
  public static String requireText(String field, String value, int maxLength) {
    requireNonNull(field, value);
    if (value.isBlank()) {
      throw new InvalidValueException(field, value, "must not be blank");
    }
    if (value.length() > maxLength) {
      throw new InvalidValueException(field, abbreviate(value), "must be at most " + maxLength + " characters");
    }
    return value;
  }

  /**
   * An identifier chosen by an application (viewer ids, session ids, rendition names): 1 to {@code maxLength}
   * characters, no whitespace or control characters, so it can travel in URLs, logs and SQL untouched.
   */
  public static String requireIdentifier(String field, String value, int maxLength) {
    requireNonNull(field, value);
    if (value.isEmpty() || value.length() > maxLength) {
      throw new InvalidValueException(field, abbreviate(value), "must be 1 to " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new InvalidValueException(field, value, "must not contain whitespace or control characters");
      }
    }
    return value;
  }

  public static long requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidValueException(field, value, "must be between " + min + " and " + max);
    }
    return value;
  }

  public static double requireRange(String field, double value, double minExclusive, double maxInclusive) {
    if (!Double.isFinite(value) || value <= minExclusive || value > maxInclusive) {
      throw new InvalidValueException(
          field, value, "must be a finite number above " + minExclusive + " and at most " + maxInclusive);
    }
    return value;
  }

  public static Duration requireRange(String field, Duration value, Duration min, Duration max) {
    requireNonNull(field, value);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidValueException(field, value, "must be between " + min + " and " + max);
    }
    return value;
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof CharSequence) {
      return "'" + value + "'";
    }
    return Objects.toString(value);
  }
}
