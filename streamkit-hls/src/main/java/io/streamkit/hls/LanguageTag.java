package io.streamkit.hls;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a container's language tag into the BCP 47 tag (RFC 5646) that RFC 8216 section 4.3.4.1 requires of
 * {@code LANGUAGE}, and names a language for {@code NAME}.
 *
 * <p>Containers store ISO 639-2 codes (MP4 {@code mdhd}, Matroska {@code Language}), terminologic ({@code fra}) or
 * bibliographic ({@code fre}). RFC 5646 section 2.2.1 wants the shortest ISO 639 code: the two-letter ISO 639-1 code
 * where one exists, else the three-letter code, and never a bibliographic code where a terminologic one differs.
 * {@code und} (undetermined, ISO 639-2) says nothing, so it gives no tag. A value that already is a BCP 47 tag
 * ({@code en-GB}, from Matroska's {@code LanguageIETF}) is kept in its canonical case.
 */
final class LanguageTag {

  /** ISO 639-2/B codes that differ from their ISO 639-2/T code, which {@link Locale} knows. */
  private static final Map<String, String> BIBLIOGRAPHIC_TO_TERMINOLOGIC = Map.ofEntries(
      Map.entry("alb", "sqi"), Map.entry("arm", "hye"), Map.entry("baq", "eus"), Map.entry("bur", "mya"),
      Map.entry("chi", "zho"), Map.entry("cze", "ces"), Map.entry("dut", "nld"), Map.entry("fre", "fra"),
      Map.entry("geo", "kat"), Map.entry("ger", "deu"), Map.entry("gre", "ell"), Map.entry("ice", "isl"),
      Map.entry("mac", "mkd"), Map.entry("mao", "mri"), Map.entry("may", "msa"), Map.entry("per", "fas"),
      Map.entry("rum", "ron"), Map.entry("slo", "slk"), Map.entry("tib", "bod"), Map.entry("wel", "cym"));

  private static final Map<String, String> THREE_TO_TWO_LETTERS = new HashMap<>();

  static {
    for (String twoLetters : Locale.getISOLanguages()) {
      THREE_TO_TWO_LETTERS.put(Locale.forLanguageTag(twoLetters).getISO3Language(), twoLetters);
    }
  }

  private static final Pattern ISO_639_2 = Pattern.compile("[a-z]{3}");
  private static final Pattern BCP_47 = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*");

  private LanguageTag() {}

  /** {@return the BCP 47 tag for a container's language value, or empty for none, {@code und} or garbage} */
  static Optional<String> fromContainer(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String code = value.strip().toLowerCase(Locale.ROOT);
    if (code.equals("und") || code.isEmpty()) {
      return Optional.empty();
    }
    if (ISO_639_2.matcher(code).matches()) {
      String terminologic = BIBLIOGRAPHIC_TO_TERMINOLOGIC.getOrDefault(code, code);
      return Optional.of(THREE_TO_TWO_LETTERS.getOrDefault(terminologic, terminologic));
    }
    if (BCP_47.matcher(value.strip()).matches()) {
      String tag = Locale.forLanguageTag(value.strip()).toLanguageTag();
      return tag.equals("und") ? Optional.empty() : Optional.of(tag);
    }
    return Optional.empty();
  }

  /**
   * {@return the ISO 639-2/T code of a BCP 47 tag's language, as MP4 and MPEG-TS store it, e.g. {@code fra} for
   * {@code fr-CA}; empty when the JDK knows none}
   */
  static Optional<String> toIso639Part2(String tag) {
    try {
      String code = Locale.forLanguageTag(tag).getISO3Language();
      return code.length() == 3 ? Optional.of(code) : Optional.empty();
    } catch (MissingResourceException e) {
      return Optional.empty();
    }
  }

  /**
   * {@return the language's name in that language, e.g. {@code English}, {@code Français}, or empty when the JDK
   * does not know it} RFC 8216 section 4.3.4.1: {@code NAME} should be in the language of {@code LANGUAGE}.
   */
  static Optional<String> displayName(String tag) {
    Locale locale = Locale.forLanguageTag(tag);
    String name = locale.getDisplayLanguage(locale);
    if (name.isEmpty() || name.equalsIgnoreCase(locale.getLanguage())) {
      return Optional.empty();
    }
    return Optional.of(name.substring(0, 1).toUpperCase(locale) + name.substring(1));
  }
}
