package io.streamkit.core.store;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.Catalog;
import io.streamkit.core.title.Rendition;
import io.streamkit.core.title.SourceFacts;
import io.streamkit.core.title.Title;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      + " progress_percent, status_reason, created_at, updated_at";

  private final JdbcRunner jdbc;
  private final Clock clock;

  JdbcCatalog(JdbcRunner jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public Title create(String name, String description) {
    Title title = Title.uploaded(UUID.randomUUID(), name, description, clock.instant());
    jdbc.execute("INSERT INTO streamkit_titles (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        statement -> bindTitle(statement, title));
    return title;
  }

  @Override
  public Optional<Title> get(UUID id) {
    InvalidValueException.requireNonNull("titleId", id);
    return jdbc.inTransaction(tx -> tx
        .queryOne("SELECT " + COLUMNS + " FROM streamkit_titles WHERE id = ?", s -> s.setObject(1, id),
            JdbcCatalog::mapTitle)
        .map(title -> title.withRenditions(renditionsOf(tx, List.of(id)).getOrDefault(id, List.of()),
            title.updatedAt())));
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
      Map<UUID, List<Rendition>> renditions = renditionsOf(tx, items.stream().map(Title::id).toList());
      List<Title> complete = items.stream()
          .map(t -> t.withRenditions(renditions.getOrDefault(t.id(), List.of()), t.updatedAt()))
          .toList();
      return new Page<>(complete, page, hasNext);
    });
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

  private static Title change(JdbcRunner tx, UUID id, UnaryOperator<Title> rule) {
    Title current = tx.queryOne("SELECT " + COLUMNS + " FROM streamkit_titles WHERE id = ? FOR UPDATE",
        s -> s.setObject(1, id), JdbcCatalog::mapTitle).orElseThrow(() -> new UnknownTitleException(id));
    Title changed = rule.apply(current);
    tx.execute("UPDATE streamkit_titles SET name = ?, description = ?, status = ?, duration_ms = ?,"
        + " source_container = ?, source_video_codec = ?, source_audio_codec = ?, source_width = ?,"
        + " source_height = ?, source_frame_rate = ?, source_bitrate = ?, progress_percent = ?, status_reason = ?,"
        + " created_at = ?, updated_at = ? WHERE id = ?", s -> {
          bindColumnsAfterId(s, changed, 1);
          s.setObject(16, id);
        });
    return changed;
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
    s.setObject(i, timestamp(t.updatedAt()));
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
        row.getString("status_reason"), List.of(), instant(row, "created_at"), instant(row, "updated_at"));
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
