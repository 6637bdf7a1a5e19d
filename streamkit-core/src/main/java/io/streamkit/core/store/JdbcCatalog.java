package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.Catalog;
import io.streamkit.core.title.CatalogQuery;
import io.streamkit.core.title.CatalogSearchResult;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Rendition;
import io.streamkit.core.title.SourceFacts;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Titles in {@code streamkit_titles}, renditions in {@code streamkit_renditions}. A change reads the row with
 * {@code SELECT ... FOR UPDATE}, applies the domain rule from {@link Title} and writes it back in one transaction, so
 * two processes moving the same title serialise and the second sees the first one's status.
 */
final class JdbcCatalog implements Catalog {

  private static final String COLUMNS = "id, name, description, status, duration_ms, source_container,"
      + " source_video_codec, source_audio_codec, source_width, source_height, source_frame_rate, source_bitrate,"
      + " progress_percent, status_reason, created_at, updated_at, release_year, maturity_rank, available_from,"
      + " available_until, regions";
  private static final String PLACEHOLDERS = SqlDialect.repeat("?", COLUMNS.split(",").length);
  /** The most categories a search answers counts for, the most frequent first. */
  static final int MAX_FACETS = 100;
  /**
   * How many of the newest matches a search ranks and counts (and as many name matches beside them); see
   * {@link #search}.
   */
  static final int RANKED_CANDIDATES = 1_000;

  private final JdbcRunner jdbc;
  private final SqlDialect dialect;
  private final Clock clock;

  JdbcCatalog(JdbcRunner jdbc, SqlDialect dialect, Clock clock) {
    this.jdbc = jdbc;
    this.dialect = dialect;
    this.clock = clock;
  }

  @Override
  public Title create(String name, String description) {
    Title title = Title.uploaded(UUID.randomUUID(), name, description, clock.instant());
    jdbc.execute("INSERT INTO streamkit_titles (" + COLUMNS + ") VALUES (" + PLACEHOLDERS + ")",
        statement -> bindTitle(statement, title));
    return title;
  }

  @Override
  public Optional<Title> get(UUID id) {
    InvalidValueException.requireNonNull("titleId", id);
    return jdbc.inTransaction(tx -> tx
        .queryOne("SELECT " + COLUMNS + " FROM streamkit_titles WHERE id = ?", s -> s.setObject(1, id),
            JdbcCatalog::mapTitle)
        .map(title -> complete(tx, List.of(title)).get(0)));
  }

  @Override
  public Page<Title> list(PageRequest page) {
    return listWhere("", JdbcRunner.NO_PARAMETERS, page);
  }

  @Override
  public Page<Title> list(TitleStatus status, PageRequest page) {
    InvalidValueException.requireNonNull("status", status);
    return listWhere("WHERE status = ? ", s -> s.setString(1, status.name()), page);
  }

  private Page<Title> listWhere(String where, JdbcRunner.StatementSetter filter, PageRequest page) {
    InvalidValueException.requireNonNull("page", page);
    return jdbc.inTransaction(tx -> {
      int next = where.isEmpty() ? 1 : 2;
      List<Title> titles = tx.query("SELECT " + COLUMNS + " FROM streamkit_titles " + where
              + "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
          s -> {
            filter.set(s);
            s.setInt(next, page.limit() + 1);
            s.setLong(next + 1, page.offset());
          }, JdbcCatalog::mapTitle);
      boolean hasNext = titles.size() > page.limit();
      List<Title> items = hasNext ? titles.subList(0, page.limit()) : titles;
      return new Page<>(complete(tx, items), page, hasNext);
    });
  }

  /** The titles with their renditions and categories, which live in tables of their own. */
  private static List<Title> complete(JdbcRunner tx, List<Title> titles) {
    List<UUID> ids = titles.stream().map(Title::id).toList();
    Map<UUID, List<Rendition>> renditions = renditionsOf(tx, ids);
    Map<UUID, List<String>> categories = categoriesOf(tx, ids);
    return titles.stream()
        .map(t -> withCategories(t, categories.getOrDefault(t.id(), List.of()))
            .withRenditions(renditions.getOrDefault(t.id(), List.of()), t.updatedAt()))
        .toList();
  }

  @Override
  public Title editMetadata(UUID id, String description, UnaryOperator<TitleMetadata> edit) {
    InvalidValueException.requireNonNull("edit", edit);
    return change(id, title -> title.withMetadata(description,
        InvalidValueException.requireNonNull("edited metadata", edit.apply(title.metadata())), clock.instant()));
  }

  /**
   * One statement over a bounded set of candidates, so that a search costs about the same however many titles match:
   * it returns the candidates ranked, each with the categories its row lists; the page, the total and the counts per
   * category come from them, and then the page's titles are read by id.
   *
   * <p>The candidates are the {@link #RANKED_CANDIDATES} newest matches (found newest first through the creation-time
   * index when matches are many, through the text index when they are few) and, for a text of plain words, the
   * {@link #RANKED_CANDIDATES} newest titles whose <em>name</em> has every word, so a title named as searched is
   * ranked however old it is. When there are no more matches than that, the candidates are every match and the
   * counts are exact; otherwise they count the candidates, a lower bound, and say so, as search engines report a
   * bounded hit count (Elasticsearch's {@code track_total_hits}, whose total then has the relation {@code gte}).
   * Ranking and counting every match instead costs in proportion to the matches: over a second at 100 000 titles
   * for a word in most descriptions or a two-letter prefix ({@code benchmarks/README.md}).
   *
   * <p>The counts per category leave the query's own category out, so they are counted over the candidates without
   * it. With a category, the page's candidates are those of them in the category when they are every match; only
   * when more titles match is a second statement needed, for the newest matches in the category.
   */
  @Override
  public CatalogSearchResult search(CatalogQuery query) {
    InvalidValueException.requireNonNull("query", query);
    TextSearch text = TextSearch.words(query.text()).isEmpty() ? null : dialect.textSearch(query.text());
    StringBuilder where = new StringBuilder("t.status = ? AND (t.available_from IS NULL OR t.available_from <= ?)"
        + " AND (t.available_until IS NULL OR t.available_until > ?)");
    List<Object> whereParameters = new ArrayList<>(List.of(TitleStatus.PUBLISHED.name(), query.at(), query.at()));
    if (query.maturityLimit() != null) {
      where.append(" AND t.maturity_rank <= ?");
      whereParameters.add(query.maturityLimit().ordinal());
    }
    if (!query.allowedCategories().isEmpty()) {
      where.append(" AND ").append(dialect.inCategories(query.allowedCategories().size()));
      whereParameters.addAll(query.allowedCategories());
    }
    if (query.region().restricts()) {
      where.append(" AND ").append(query.region().condition("t.regions"));
      whereParameters.addAll(query.region().conditionParameters());
    }
    Candidates everyCategory = new Candidates(text, where.toString(), whereParameters);
    PageRequest page = query.page();
    return jdbc.inTransaction(tx -> {
      dialect.beforeSearch(tx);
      List<Candidate> every = everyCategory.ranked(tx);
      boolean everyMatch = every.size() <= RANKED_CANDIDATES;
      List<Candidate> matching;
      if (query.category() == null) {
        matching = every;
      } else if (everyMatch) {
        matching = every.stream().filter(c -> c.categories().contains(query.category())).toList();
      } else {
        matching = new Candidates(text, where + " AND " + dialect.inCategories(1),
            concat(whereParameters, List.of(query.category()))).ranked(tx);
      }
      List<Candidate> onPage = matching.subList((int) Math.min(page.offset(), matching.size()),
          (int) Math.min(page.offset() + page.limit() + 1, matching.size()));
      boolean hasNext = onPage.size() > page.limit();
      List<Title> items = complete(tx, titlesInOrder(tx, hasNext ? onPage.subList(0, page.limit()) : onPage));
      return new CatalogSearchResult(new Page<>(items, page, hasNext), matching.size(),
          matching.size() <= RANKED_CANDIDATES, categoryCounts(every, query.allowedCategories()), everyMatch);
    });
  }

  /**
   * Candidates per category, the most frequent first (then by name), at most {@link #MAX_FACETS}; with allowed
   * categories, only those.
   */
  private static Map<String, Long> categoryCounts(List<Candidate> candidates, List<String> allowed) {
    Map<String, Long> counts = new HashMap<>();
    for (Candidate candidate : candidates) {
      for (String category : candidate.categories()) {
        if (allowed.isEmpty() || allowed.contains(category)) {
          counts.merge(category, 1L, Long::sum);
        }
      }
    }
    Map<String, Long> frequentFirst = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(MAX_FACETS)
        .forEach(count -> frequentFirst.put(count.getKey(), count.getValue()));
    return frequentFirst;
  }

  /** The titles of {@code candidates}, in their order, without renditions and categories. */
  private static List<Title> titlesInOrder(JdbcRunner tx, List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      return List.of();
    }
    Map<UUID, Title> byId = new HashMap<>();
    tx.query("SELECT " + COLUMNS + " FROM streamkit_titles WHERE id IN ("
            + SqlDialect.repeat("?", candidates.size()) + ")",
        s -> {
          for (int i = 0; i < candidates.size(); i++) {
            s.setObject(i + 1, candidates.get(i).id());
          }
        },
        row -> byId.put(row.getObject("id", UUID.class), mapTitle(row)));
    return candidates.stream().map(c -> byId.get(c.id())).filter(Objects::nonNull).toList();
  }

  /** A title a search ranks: its id and its categories, as stored in its row's {@code category_list}. */
  private record Candidate(UUID id, List<String> categories) {
  }

  /**
   * The candidates as a derived table of {@code (id, created_at, category_list, score)}, score 0 without a text: up
   * to {@link #RANKED_CANDIDATES} + 1 newest matches and, for a text of plain words, up to {@link #RANKED_CANDIDATES}
   * newest name matches, with the bind parameters in the order they appear. A title in both sets appears twice, with
   * the same values ({@link #ranked} keeps one). When there are no more matches than {@link #RANKED_CANDIDATES}, the
   * newest are every match and the name matches among them, so the candidates count at most that many exactly when
   * they hold every match. The name matches are found by the name condition alone, which implies the text's: on
   * PostgreSQL, repeating the text condition beside it made the planner AND the full-text index's bitmap of every
   * title with the word, a larger cost than the rows it removed. The score is computed over the candidates, after
   * each set's limit: computed inside a set, PostgreSQL ranks every match a set sorts, thousands for a common word
   * found through the text index, where ranking ({@code ts_rank_cd}) costs more than reading the row. Derived tables,
   * not a {@code WITH} clause: H2 2.3 reuses a common table expression's rows across executions of a prepared
   * statement with other parameters.
   */
  private static final class Candidates {
    final String sql;
    final List<Object> parameters;

    /** The candidates among the titles that meet {@code where}, the filters besides the text. */
    Candidates(TextSearch text, String where, List<Object> whereParameters) {
      String from = " FROM streamkit_titles t" + (text == null ? "" : text.from()) + " WHERE " + where;
      List<Object> fromParameters = text == null ? List.of() : text.fromParameters();
      String columns = "SELECT t.id, t.created_at, t.category_list" + (text == null ? "" : ", " + text.rankColumns());
      String newestFirst = " ORDER BY t.created_at DESC, t.id DESC LIMIT ";
      String newest = "(" + columns + from + (text == null ? "" : " AND " + text.condition()) + newestFirst
          + (RANKED_CANDIDATES + 1) + ")";
      if (text == null) {
        this.sql = "(SELECT id, created_at, category_list, 0 AS score FROM " + newest + " n)";
        this.parameters = concat(fromParameters, whereParameters);
        return;
      }
      List<Object> sets = concat(fromParameters, whereParameters, text.conditionParameters());
      String union = "SELECT * FROM " + newest + " n";
      if (text.nameCondition() != null) {
        union += " UNION ALL SELECT * FROM (" + columns + from + " AND " + text.nameCondition() + newestFirst
            + RANKED_CANDIDATES + ") m";
        sets.addAll(concat(fromParameters, whereParameters, text.nameParameters()));
      }
      this.sql = "(SELECT t.id, t.created_at, t.category_list, " + text.rank() + " AS score FROM (" + union + ") t"
          + text.from() + ")";
      this.parameters = concat(text.rankParameters(), sets, text.fromParameters());
    }

    /** The candidates, best first: the highest score, then the newest, then by id; each title once. */
    List<Candidate> ranked(JdbcRunner tx) {
      Set<UUID> seen = new HashSet<>();
      return tx.query("SELECT id, category_list FROM " + sql + " c ORDER BY score DESC, created_at DESC, id DESC",
          s -> bindAll(s, parameters), row -> {
            String categories = row.getString("category_list");
            return new Candidate(row.getObject("id", UUID.class),
                categories == null ? List.of() : List.of(categories.split(",")));
          }).stream().filter(candidate -> seen.add(candidate.id())).toList();
    }
  }

  @SafeVarargs
  private static List<Object> concat(List<? extends Object>... lists) {
    List<Object> all = new ArrayList<>();
    for (List<? extends Object> list : lists) {
      all.addAll(list);
    }
    return all;
  }

  private static void bindAll(PreparedStatement s, List<Object> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      s.setObject(i + 1, value instanceof Instant instant ? timestamp(instant) : value);
    }
  }

  @Override
  public Title transition(UUID id, TitleStatus target) {
    return transition(id, target, null);
  }

  @Override
  public Title transition(UUID id, TitleStatus target, String reason) {
    return change(id, title -> title.moveTo(target, reason, clock.instant()));
  }

  @Override
  public Title fail(UUID id, String errorMessage) {
    return change(id, title -> title.fail(errorMessage, clock.instant()));
  }

  @Override
  public Title reportProgress(UUID id, int percent) {
    return change(id, title -> title.withProgressPercent(percent, clock.instant()));
  }

  @Override
  public Title describeSource(UUID id, Duration duration, SourceFacts source) {
    return change(id, title -> title.withSource(duration, source, clock.instant()));
  }

  @Override
  public Title setRenditions(UUID id, List<Rendition> renditions) {
    InvalidValueException.requireNonNull("renditions", renditions);
    return jdbc.inTransaction(tx -> {
      Title changed = change(tx, id, title -> title.withRenditions(renditions, clock.instant()));
      tx.execute("DELETE FROM streamkit_renditions WHERE title_id = ?", s -> s.setObject(1, id));
      List<Rendition> ladder = changed.renditions();
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < ladder.size(); i++) {
        indexes.add(i);
      }
      tx.batch("INSERT INTO streamkit_renditions (title_id, name, ladder_index, width, height, peak_bitrate,"
          + " average_bitrate, codecs, frame_rate, playlist_path) VALUES (?,?,?,?,?,?,?,?,?,?)", indexes, (s, i) -> {
            Rendition r = ladder.get(i);
            s.setObject(1, id);
            s.setString(2, r.name());
            s.setInt(3, i);
            s.setInt(4, r.width());
            s.setInt(5, r.height());
            s.setLong(6, r.peakBitrate());
            s.setLong(7, r.averageBitrate());
            s.setString(8, r.codecs());
            s.setDouble(9, r.frameRate());
            s.setString(10, r.playlistPath());
          });
      return changed;
    });
  }

  @Override
  public void delete(UUID id) {
    InvalidValueException.requireNonNull("titleId", id);
    if (jdbc.execute("DELETE FROM streamkit_titles WHERE id = ?", s -> s.setObject(1, id)) == 0) {
      throw new UnknownTitleException(id);
    }
  }

  private Title change(UUID id, UnaryOperator<Title> rule) {
    InvalidValueException.requireNonNull("titleId", id);
    return jdbc.inTransaction(tx -> {
      Title changed = change(tx, id, rule);
      return changed.withRenditions(renditionsOf(tx, List.of(id)).getOrDefault(id, List.of()), changed.updatedAt());
    });
  }

  /** Applies {@code rule} to the locked row with its categories and writes back what changed; no renditions. */
  private static Title change(JdbcRunner tx, UUID id, UnaryOperator<Title> rule) {
    Title row = tx.queryOne("SELECT " + COLUMNS + " FROM streamkit_titles WHERE id = ? FOR UPDATE",
        s -> s.setObject(1, id), JdbcCatalog::mapTitle).orElseThrow(() -> new UnknownTitleException(id));
    Title current = withCategories(row, categoriesOf(tx, List.of(id)).getOrDefault(id, List.of()));
    Title changed = rule.apply(current);
    int columns = COLUMNS.split(",").length;
    List<String> categories = changed.metadata().categories();
    tx.execute("UPDATE streamkit_titles SET name = ?, description = ?, status = ?, duration_ms = ?,"
        + " source_container = ?, source_video_codec = ?, source_audio_codec = ?, source_width = ?,"
        + " source_height = ?, source_frame_rate = ?, source_bitrate = ?, progress_percent = ?, status_reason = ?,"
        + " created_at = ?, updated_at = ?, release_year = ?, maturity_rank = ?, available_from = ?,"
        + " available_until = ?, regions = ?, category_list = ? WHERE id = ?", s -> {
          bindColumnsAfterId(s, changed, 1);
          s.setString(columns, categories.isEmpty() ? null : String.join(",", categories));
          s.setObject(columns + 1, id);
        });
    if (!categories.equals(current.metadata().categories())) {
      tx.execute("DELETE FROM streamkit_title_categories WHERE title_id = ?", s -> s.setObject(1, id));
      tx.batch("INSERT INTO streamkit_title_categories (title_id, category) VALUES (?,?)", categories, (s, c) -> {
        s.setObject(1, id);
        s.setString(2, c);
      });
    }
    return changed;
  }

  private static Map<UUID, List<String>> categoriesOf(JdbcRunner tx, List<UUID> titleIds) {
    if (titleIds.isEmpty()) {
      return Map.of();
    }
    Map<UUID, List<String>> byTitle = new HashMap<>();
    tx.query("SELECT title_id, category FROM streamkit_title_categories WHERE title_id IN ("
            + SqlDialect.repeat("?", titleIds.size()) + ")",
        s -> {
          for (int i = 0; i < titleIds.size(); i++) {
            s.setObject(i + 1, titleIds.get(i));
          }
        },
        row -> byTitle.computeIfAbsent(row.getObject("title_id", UUID.class), k -> new ArrayList<>())
            .add(row.getString("category")));
    return byTitle;
  }

  /** The title with its categories, read from their own table; every other part is as stored. */
  private static Title withCategories(Title t, List<String> categories) {
    return new Title(t.id(), t.name(), t.description(), t.status(), t.duration(), t.source(), t.progressPercent(),
        t.statusReason(), t.renditions(), t.createdAt(), t.updatedAt(), t.metadata().withCategories(categories));
  }

  private static Map<UUID, List<Rendition>> renditionsOf(JdbcRunner tx, List<UUID> titleIds) {
    if (titleIds.isEmpty()) {
      return Map.of();
    }
    String placeholders = SqlDialect.repeat("?", titleIds.size());
    Map<UUID, List<Rendition>> byTitle = new HashMap<>();
    tx.query("SELECT title_id, name, width, height, peak_bitrate, average_bitrate, codecs, frame_rate, playlist_path"
            + " FROM streamkit_renditions WHERE title_id IN (" + placeholders + ") ORDER BY title_id, ladder_index",
        s -> {
          for (int i = 0; i < titleIds.size(); i++) {
            s.setObject(i + 1, titleIds.get(i));
          }
        },
        row -> {
          byTitle.computeIfAbsent(row.getObject("title_id", UUID.class), k -> new ArrayList<>()).add(new Rendition(
              row.getString("name"), row.getInt("width"), row.getInt("height"), row.getLong("peak_bitrate"),
              row.getLong("average_bitrate"), row.getString("codecs"), row.getDouble("frame_rate"),
              row.getString("playlist_path")));
          return null;
        });
    byTitle.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return byTitle;
  }

  private static void bindTitle(PreparedStatement s, Title title) throws SQLException {
    s.setObject(1, title.id());
    bindColumnsAfterId(s, title, 2);
  }

  private static void bindColumnsAfterId(PreparedStatement s, Title t, int first) throws SQLException {
    int i = first;
    s.setString(i++, t.name());
    s.setString(i++, t.description());
    s.setString(i++, t.status().name());
    setLong(s, i++, t.duration() == null ? null : t.duration().toMillis());
    SourceFacts source = t.source();
    s.setString(i++, source == null ? null : source.container());
    s.setString(i++, source == null ? null : source.videoCodec());
    s.setString(i++, source == null ? null : source.audioCodec());
    setInt(s, i++, source == null ? null : source.width());
    setInt(s, i++, source == null ? null : source.height());
    if (source == null) {
      s.setNull(i++, Types.DOUBLE);
    } else {
      s.setDouble(i++, source.frameRate());
    }
    setLong(s, i++, source == null ? null : source.bitrate());
    s.setInt(i++, t.progressPercent());
    s.setString(i++, t.statusReason());
    s.setObject(i++, timestamp(t.createdAt()));
    s.setObject(i++, timestamp(t.updatedAt()));
    TitleMetadata m = t.metadata();
    setInt(s, i++, m.releaseYear());
    setInt(s, i++, m.maturityRating() == null ? null : m.maturityRating().ordinal());
    s.setObject(i++, m.availableFrom() == null ? null : timestamp(m.availableFrom()), Types.TIMESTAMP_WITH_TIMEZONE);
    s.setObject(i++, m.availableUntil() == null ? null : timestamp(m.availableUntil()),
        Types.TIMESTAMP_WITH_TIMEZONE);
    s.setString(i, m.regions().isEmpty() ? null : String.join(",", m.regions()));
  }

  private static Title mapTitle(ResultSet row) throws SQLException {
    long durationMs = row.getLong("duration_ms");
    Duration duration = row.wasNull() ? null : Duration.ofMillis(durationMs);
    String container = row.getString("source_container");
    SourceFacts source = container == null ? null : new SourceFacts(container, row.getString("source_video_codec"),
        row.getString("source_audio_codec"), row.getInt("source_width"), row.getInt("source_height"),
        row.getDouble("source_frame_rate"), row.getLong("source_bitrate"));
    return new Title(row.getObject("id", UUID.class), row.getString("name"), row.getString("description"),
        TitleStatus.valueOf(row.getString("status")), duration, source, row.getInt("progress_percent"),
        row.getString("status_reason"), List.of(), instant(row, "created_at"), instant(row, "updated_at"),
        metadata(row));
  }

  /** The metadata columns of a title row; its categories come from their own table ({@link #categoriesOf}). */
  private static TitleMetadata metadata(ResultSet row) throws SQLException {
    int year = row.getInt("release_year");
    Integer releaseYear = row.wasNull() ? null : year;
    int rank = row.getInt("maturity_rank");
    MaturityRating rating = row.wasNull() ? null : MaturityRating.values()[rank];
    OffsetDateTime from = row.getObject("available_from", OffsetDateTime.class);
    OffsetDateTime until = row.getObject("available_until", OffsetDateTime.class);
    String regions = row.getString("regions");
    return new TitleMetadata(List.of(), releaseYear, rating, from == null ? null : from.toInstant(),
        until == null ? null : until.toInstant(), regions == null ? List.of() : List.of(regions.split(",")));
  }

  static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet row, String column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, value);
    }
  }

  private static void setInt(PreparedStatement s, int index, Integer value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.INTEGER);
    } else {
      s.setInt(index, value);
    }
  }
}
