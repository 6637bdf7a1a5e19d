package io.streamkit.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A value given to StreamKit breaks a documented limit. The message names the field, the rule and the offending
 * value, e.g. {@code position must be between 0 and the duration PT1M, got PT2M}.
 *
 * <p>The static {@code require...} methods are the single place where StreamKit's value types check their inputs, so
 * every type reports a broken rule in the same words. Each returns the value it accepted (some normalised, as
 * documented), so a check reads as an assignment.
 */
public class InvalidValueException extends IllegalArgumentException {

  /** The name of the rejected field or parameter; see {@link #field()}. */
  private final String field;
  private final transient Object value;

  /**
   * A value that breaks a rule, with the message {@code <field> <rule>, got <value>}.
   *
   * @param field the field or parameter as the caller names it, e.g. {@code viewerId}
   * @param value the rejected value; text is shown in quotes, {@code null} as {@code nothing}
   * @param rule the broken rule, worded to follow the field name, e.g. {@code must be between 1 and 500}
   */
  public InvalidValueException(String field, Object value, String rule) {
    super(field + " " + rule + ", got " + describe(value));
    this.field = field;
    this.value = value;
  }

  /** {@return the name of the field or parameter that was rejected} */
  public String field() {
    return field;
  }

  /** {@return the rejected value as given; {@code null} after the exception was serialised, as it is transient} */
  public Object value() {
    return value;
  }

  /**
   * Refuses {@code null}.
   *
   * @param <T> the type of the value
   * @param field the name the message gives the value
   * @param value the value to check
   * @return {@code value}
   * @throws InvalidValueException {@code <field> is required} if {@code value} is {@code null}
   */
  public static <T> T requireNonNull(String field, T value) {
    if (value == null) {
      throw new InvalidValueException(field, null, "is required");
    }
    return value;
  }

  /**
   * Free text for people (names, descriptions): not blank, at most {@code maxLength} characters. Unlike
   * {@link #requireSingleLineText} it neither trims nor looks at the characters.
   *
   * @param field the name the message gives the value
   * @param value the text to check
   * @param maxLength the most characters ({@code char}s) allowed
   * @return {@code value}, unchanged
   * @throws InvalidValueException if the text is {@code null}, blank or too long
   */
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
   * One line of text for people (a title name, a reject reason), as it should be stored: surrounding whitespace
   * removed, then 1 to {@code maxLength} characters, no control characters at all (Unicode category Cc, which
   * includes line breaks and tabs) and no unpaired surrogates. PostgreSQL refuses U+0000 in text and cannot encode an
   * unpaired surrogate; other control characters break logs and one-line displays.
   *
   * @param field the name the message gives the value
   * @param value the text to check
   * @param maxLength the most characters ({@code char}s) allowed after trimming
   * @return the trimmed text
   * @throws InvalidValueException naming the field and, for a bad character, its code point and its position
   *     (counted from 1 in the text as given); the message is one line whatever the text holds
   */
  public static String requireSingleLineText(String field, String value, int maxLength) {
    requireNonNull(field, value);
    String trimmed = value.strip();
    requireCleanCharacters(field, value, trimmed, value.indexOf(trimmed), false);
    if (trimmed.isEmpty()) {
      throw new InvalidValueException(field, escaped(value), "must not be blank");
    }
    return requireMaxLength(field, trimmed, maxLength);
  }

  /**
   * Paragraphs of text for people (a title description), as they should be stored: line breaks normalised to
   * {@code \n} (CR LF and a lone CR, as HTML forms and some editors send them, become LF), surrounding whitespace
   * removed, then at most {@code maxLength} characters; empty is allowed. Line breaks and tabs are the only control
   * characters (Unicode category Cc) allowed; unpaired surrogates are refused as in {@link #requireSingleLineText}.
   *
   * @param field the name the message gives the value
   * @param value the text to check
   * @param maxLength the most characters ({@code char}s) allowed after normalising and trimming
   * @return the normalised text, possibly empty
   * @throws InvalidValueException naming the field and, for a bad character, its code point and its position
   *     (counted from 1 in the text as given); the message is one line whatever the text holds
   */
  public static String requireMultiLineText(String field, String value, int maxLength) {
    requireNonNull(field, value);
    requireCleanCharacters(field, value, value, 0, true);
    return requireMaxLength(field, value.replace("\r\n", "\n").replace('\r', '\n').strip(), maxLength);
  }

  private static void requireCleanCharacters(String field, String value, String checked, int offset,
      boolean multiLine) {
    for (int i = 0; i < checked.length(); ) {
      int codePoint = checked.codePointAt(i);
      int type = Character.getType(codePoint);
      boolean lineBreakOrTab = codePoint == '\n' || codePoint == '\r' || codePoint == '\t';
      if ((type == Character.CONTROL && !(multiLine && lineBreakOrTab)) || type == Character.SURROGATE) {
        String found = String.format(Locale.ROOT, "U+%04X at character %d", codePoint, offset + i + 1);
        throw new InvalidValueException(field, escaped(value), type == Character.SURROGATE
            ? "must be valid Unicode text (found the unpaired surrogate " + found + "); remove it, or send UTF-8"
            : "must not contain control characters" + (multiLine ? " other than line breaks and tabs" : "")
                + " (found " + found + "); remove it");
      }
      i += Character.charCount(codePoint);
    }
  }

  private static String requireMaxLength(String field, String text, int maxLength) {
    if (text.length() > maxLength) {
      throw new InvalidValueException(field, escaped(text),
          "must be at most " + maxLength + " characters, has " + text.length() + " after trimming");
    }
    return text;
  }

  /** The value abbreviated, control characters and unpaired surrogates escaped, so that a message stays one line. */
  static String escaped(String value) {
    String shown = abbreviate(value);
    StringBuilder out = new StringBuilder(shown.length());
    shown.codePoints().forEach(codePoint -> {
      if (Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.SURROGATE) {
        out.append(String.format(Locale.ROOT, "\\u%04X", codePoint));
      } else {
        out.appendCodePoint(codePoint);
      }
    });
    return out.toString();
  }

  /**
   * An identifier chosen by an application (session ids, rendition names; viewer ids follow the stricter
   * {@link ViewerId}): 1 to {@code maxLength} characters, no whitespace or control characters, so it can travel in
   * URLs, logs and SQL untouched.
   *
   * @param field the name the message gives the value
   * @param value the identifier to check
   * @param maxLength the most characters ({@code char}s) allowed
   * @return {@code value}, unchanged
   * @throws InvalidValueException if the identifier is {@code null}, empty, too long, or holds whitespace or a
   *     control character
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

  /**
   * Refuses a whole number outside {@code [min, max]}.
   *
   * @param field the name the message gives the value
   * @param value the number to check
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @return {@code value}
   * @throws InvalidValueException if {@code value} is below {@code min} or above {@code max}
   */
  public static long requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidValueException(field, value, "must be between " + min + " and " + max);
    }
    return value;
  }

  /**
   * Refuses a number outside {@code (minExclusive, maxInclusive]}, NaN and the infinities.
   *
   * @param field the name the message gives the value
   * @param value the number to check
   * @param minExclusive the bound {@code value} must lie above
   * @param maxInclusive the largest value allowed
   * @return {@code value}
   * @throws InvalidValueException if {@code value} is not finite or lies outside the range
   */
  public static double requireRange(String field, double value, double minExclusive, double maxInclusive) {
    if (!Double.isFinite(value) || value <= minExclusive || value > maxInclusive) {
      throw new InvalidValueException(
          field, value, "must be a finite number above " + minExclusive + " and at most " + maxInclusive);
    }
    return value;
  }

  /**
   * Refuses a duration outside {@code [min, max]}.
   *
   * @param field the name the message gives the value
   * @param value the duration to check
   * @param min the shortest duration allowed
   * @param max the longest duration allowed
   * @return {@code value}
   * @throws InvalidValueException if {@code value} is {@code null}, shorter than {@code min} or longer than
   *     {@code max}
   */
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
