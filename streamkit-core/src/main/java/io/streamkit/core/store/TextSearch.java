package io.streamkit.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search text as SQL over {@code streamkit_titles t}: a clause joined after it ({@code from}, may be empty), the
 * condition a title must meet, the rank expression that orders matches and the columns of {@code t} it reads
 * ({@code rankColumns}, so it can rank rows selected first with only those), and a narrower condition that holds
 * when the title's <em>name</em> has every searched word ({@code nameCondition}, {@code null} when the text is not
 * plain words), each with its bind parameters in order. The name condition implies the condition, so a query need not repeat the
 * condition beside it. A dialect makes it ({@link SqlDialect#textSearch}).
 */
record TextSearch(String from, List<Object> fromParameters, String condition, List<Object> conditionParameters,
    String rank, List<Object> rankParameters, String rankColumns, String nameCondition, List<Object> nameParameters) {

  private static final Pattern PLAIN_WORDS = Pattern.compile("[\\p{L}\\p{N}\\s.,:;!?'&/]*");

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  /** The words of {@code text}, letters and digits only, lower-cased, in order. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    Matcher matcher = WORD.matcher(text);
    while (matcher.find()) {
      words.add(matcher.group().toLowerCase(Locale.ROOT));
    }
    return words;
  }

  /**
   * The words of {@code text} when it is plain words, which every one must match; {@code null} when it uses the
   * search syntax (quotes, {@code -word}, {@code or}), whose meaning a plain list of words would change.
   */
  static List<String> plainWords(String text) {
    if (!PLAIN_WORDS.matcher(text).matches()) {
      return null;
    }
    List<String> words = words(text);
    return words.contains("or") ? null : words;
  }

  /**
   * The word being typed at the end of {@code text}, to match as a prefix: the last word when the text ends in it
   * and it is not negated ({@code -word}) or quoted, as typed; {@code null} otherwise.
   */
  static String typedPrefix(String text) {
    Matcher matcher = Pattern.compile("([\\p{L}\\p{N}]+)$").matcher(text);
    if (!matcher.find()) {
      return null;
    }
    int start = matcher.start(1);
    if (start > 0 && (text.charAt(start - 1) == '-' || text.charAt(start - 1) == '"')) {
      return null;
    }
    return matcher.group(1);
  }
}
