package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by the release before status reasons keeps its titles' error messages when the store opens it
 * and migrates the {@code error_message} column to {@code status_reason}: on H2, and on PostgreSQL when configured.
 */
class StatusReasonMigrationTest {

  private static final String ERROR = "input.mov has no video stream (found: audio aac 48 kHz)";

  @TempDir
  Path dataDirectory;

  @Test
  void h2KeepsErrorMessagesAsStatusReasons() throws Exception {
    String url = "jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve(StreamkitStore.H2_FILE_NAME);
    UUID failed = failedTitleAtVersion2(flyway(url), "");

    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dataDirectory).build()) {
      assertKept(store, failed);
    }
  }

  @Test
  void postgresKeepsErrorMessagesAsStatusReasons() throws Exception {
    PostgresTestSchema.require("PostgreSQL migration test");
    PostgresTestSchema schema = PostgresTestSchema.create("streamkit_migration");
    try {
      UUID failed = failedTitleAtVersion2(flyway(System.getenv(PostgresTestSchema.URL_VARIABLE))
          .schemas(schema.name()).defaultSchema(schema.name()), schema.name() + ".");

      try (StreamkitStore store = schema.store().build()) {
        assertKept(store, failed);
      }
    } finally {
      schema.drop();
    }
  }

  private static FluentConfiguration flyway(String url) {
    return Flyway.configure().dataSource(url, null, null).locations(StreamkitStore.MIGRATIONS)
        .table(StreamkitStore.SCHEMA_HISTORY_TABLE).target("2");
  }

  /** Brings the database to the schema before status reasons and stores a failed title the old way. */
  private static UUID failedTitleAtVersion2(FluentConfiguration configuration, String tablePrefix)
      throws Exception {
    Flyway flyway = configuration.load();
    flyway.migrate();
    UUID id = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);
    try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
         PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tablePrefix + "streamkit_titles"
             + " (id, name, description, status, progress_percent, error_message, created_at, updated_at)"
             + " VALUES (?, 'Broken upload', '', 'FAILED', 40, ?, ?, ?)")) {
      insert.setObject(1, id);
      insert.setString(2, ERROR);
      insert.setObject(3, now);
      insert.setObject(4, now);
      insert.executeUpdate();
    }
    return id;
  }

  private static void assertKept(StreamkitStore store, UUID id) {
    Title title = store.catalog().get(id).orElseThrow();
    assertThat(title.status()).isEqualTo(TitleStatus.FAILED);
    assertThat(title.errorMessage()).isEqualTo(ERROR);
    assertThat(title.statusReasonIfAny()).hasValue(ERROR);
    assertThat(store.catalog().transition(id, TitleStatus.PROCESSING).statusReasonIfAny()).isEmpty();
  }
}
