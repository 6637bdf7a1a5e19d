package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.PageRequest;
import io.streamkit.core.title.CatalogQuery;
import io.streamkit.core.title.CatalogSearchResult;
import io.streamkit.core.title.TitleStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog categorised before migration V15, which copies each title's categories into its row for search, is
 * filtered and counted by category as before once the store opens and migrates it: on H2, and on PostgreSQL when
 * configured.
 */
class CategoryListMigrationTest {

  private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

  @TempDir
  Path dataDirectory;

  @Test
  void h2SearchesCategoriesStoredBeforeTheMigration() throws Exception {
    String url = "jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve(StreamkitStore.H2_FILE_NAME);
    UUID drama = categorisedBeforeV15(flyway(url, new H2Dialect()), "");

    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dataDirectory).build()) {
      assertSearchedByCategory(store, drama);
    }
  }

  @Test
  void postgresSearchesCategoriesStoredBeforeTheMigration() throws Exception {
    PostgresTestSchema.require("PostgreSQL migration test");
    PostgresTestSchema schema = PostgresTestSchema.create("streamkit_category_list");
    try {
      UUID drama = categorisedBeforeV15(flyway(System.getenv(PostgresTestSchema.URL_VARIABLE), new PostgresDialect())
          .schemas(schema.name()).defaultSchema(schema.name()), schema.name() + ".");

      try (StreamkitStore store = schema.store().build()) {
        assertSearchedByCategory(store, drama);
      }
    } finally {
      schema.drop();
    }
  }

  /** The migrations, shared and the database's own, up to V12, the release before V15. */
  private static FluentConfiguration flyway(String url, SqlDialect dialect) {
    return Flyway.configure().dataSource(url, null, null).locations(StreamkitStore.MIGRATIONS, dialect.migrations())
        .table(StreamkitStore.SCHEMA_HISTORY_TABLE).target("12");
  }

  /**
   * Stores two published titles with categories the way the release before V15 did, only in
   * {@code streamkit_title_categories}; returns the one in {@code drama}.
   */
  private static UUID categorisedBeforeV15(FluentConfiguration configuration, String tablePrefix) throws Exception {
    Flyway flyway = configuration.load();
    flyway.migrate();
    UUID drama = UUID.randomUUID();
    UUID news = UUID.randomUUID();
    try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
        PreparedStatement title = connection.prepareStatement("INSERT INTO " + tablePrefix + "streamkit_titles"
            + " (id, name, description, status, progress_percent, created_at, updated_at)"
            + " VALUES (?, ?, '', ?, 100, ?, ?)");
        PreparedStatement category = connection.prepareStatement("INSERT INTO " + tablePrefix
            + "streamkit_title_categories (title_id, category) VALUES (?, ?)")) {
      for (Map.Entry<UUID, List<String>> stored : Map.of(drama, List.of("drama", "mystery"), news, List.of("news"))
          .entrySet()) {
        title.setObject(1, stored.getKey());
        title.setString(2, stored.getKey().equals(drama) ? "Harbour lights" : "Harbour news");
        title.setString(3, TitleStatus.PUBLISHED.name());
        title.setObject(4, CREATED);
        title.setObject(5, CREATED);
        title.executeUpdate();
        for (String name : stored.getValue()) {
          category.setObject(1, stored.getKey());
          category.setString(2, name);
          category.executeUpdate();
        }
      }
    }
    return drama;
  }

  private static void assertSearchedByCategory(StreamkitStore store, UUID drama) {
    CatalogSearchResult result = store.catalog().search(new CatalogQuery("harbour", "drama", null, List.of(),
        Instant.now(), new PageRequest(0, 20)));

    assertThat(result.titles().items()).singleElement()
        .satisfies(title -> assertThat(title.id()).isEqualTo(drama));
    assertThat(result.categoryCounts()).containsExactly(Map.entry("drama", 1L), Map.entry("mystery", 1L),
        Map.entry("news", 1L));
    assertThat(result.categoryCountsExact()).isTrue();
  }
}
