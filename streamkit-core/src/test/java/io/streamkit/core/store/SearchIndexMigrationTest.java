package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.PageRequest;
import io.streamkit.core.title.CatalogQuery;
import io.streamkit.core.title.CatalogSearchResult;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's migration V17 turns the pending list of the search's GIN indexes off and moves what was pending into
 * them: titles written before it, whose index entries were still pending, are found as before, and every index a
 * search reads now takes new entries at once. PostgreSQL only (H2 has no such indexes); skipped without
 * {@value PostgresTestSchema#URL_VARIABLE}.
 */
class SearchIndexMigrationTest {

  private static final List<String> SEARCH_INDEXES =
      List.of("streamkit_titles_categories", "streamkit_titles_name_search", "streamkit_titles_search");

  @Test
  void titlesPendingBeforeTheMigrationAreFoundAndNewEntriesNoLongerWait() throws Exception {
    PostgresTestSchema.require("PostgreSQL migration test");
    PostgresTestSchema schema = PostgresTestSchema.create("streamkit_search_indexes");
    try {
      Flyway flyway = Flyway.configure().dataSource(System.getenv(PostgresTestSchema.URL_VARIABLE), null, null)
          .locations(StreamkitStore.MIGRATIONS, new PostgresDialect().migrations())
          .table(StreamkitStore.SCHEMA_HISTORY_TABLE).schemas(schema.name()).defaultSchema(schema.name())
          .target("15").load();
      flyway.migrate();
      UUID lighthouse = UUID.randomUUID();
      try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
          PreparedStatement title = connection.prepareStatement("INSERT INTO " + schema.name()
              + ".streamkit_titles (id, name, description, status, progress_percent, created_at, updated_at,"
              + " category_list) VALUES (?, ?, 'A keeper and the sea', ?, 100, ?, ?, 'drama')")) {
        OffsetDateTime created = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);
        title.setObject(1, lighthouse);
        title.setString(2, "Harbour lighthouse");
        title.setString(3, TitleStatus.PUBLISHED.name());
        title.setObject(4, created);
        title.setObject(5, created);
        title.executeUpdate();
      }

      try (StreamkitStore store = schema.store().build()) {
        CatalogSearchResult typed = store.catalog().search(new CatalogQuery("harbour ligh", "drama", null,
            List.of(), Instant.now(), new PageRequest(0, 20)));
        assertThat(typed.titles().items()).extracting(Title::id).containsExactly(lighthouse);
        assertThat(fastUpdateOff(store, schema.name())).containsExactlyElementsOf(SEARCH_INDEXES);
      }
    } finally {
      schema.drop();
    }
  }

  /** The search indexes of {@code schema} whose storage parameters turn the pending list off, by name. */
  private static List<String> fastUpdateOff(StreamkitStore store, String schema) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection connection = store.dataSource().getConnection();
        PreparedStatement indexes = connection.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ANY (?)"
            + " AND 'fastupdate=off' = ANY (c.reloptions) ORDER BY c.relname")) {
      indexes.setString(1, schema);
      indexes.setArray(2, connection.createArrayOf("text", SEARCH_INDEXES.toArray()));
      try (ResultSet rows = indexes.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
    }
    return names;
  }
}
