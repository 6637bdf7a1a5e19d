package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs queued before migration V19, which numbers jobs in the order they are queued, keep their order by queue time
 * when the store opens and migrates the database, and a job queued afterwards at the same instant as one of them comes
 * after it: on H2, and on PostgreSQL when configured.
 */
class IngestJobOrderMigrationTest {

  private static final Instant FIRST = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant SECOND = FIRST.plusSeconds(1);

  @TempDir
  Path dataDirectory;

  @Test
  void h2KeepsQueuedJobsInOrder() throws Exception {
    String url = "jdbc:h2:file:" + dataDirectory.toAbsolutePath().resolve(StreamkitStore.H2_FILE_NAME);
    StoredJobs before = jobsBeforeV19(flyway(url, new H2Dialect()), "");

    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(dataDirectory).build()) {
      assertQueueOrder(store, before);
    }
  }

  @Test
  void postgresKeepsQueuedJobsInOrder() throws Exception {
    PostgresTestSchema.require("PostgreSQL migration test");
    PostgresTestSchema schema = PostgresTestSchema.create("streamkit_job_order");
    try {
      StoredJobs before = jobsBeforeV19(flyway(System.getenv(PostgresTestSchema.URL_VARIABLE),
          new PostgresDialect()).schemas(schema.name()).defaultSchema(schema.name()), schema.name() + ".");

      try (StreamkitStore store = schema.store().build()) {
        assertQueueOrder(store, before);
      }
    } finally {
      schema.drop();
    }
  }

  /** The jobs of one title as the release before V19 stored them: one queued at FIRST, two at SECOND. */
  private record StoredJobs(UUID title, UUID first, List<UUID> atSecond) {}

  /** The migrations, shared and the database's own, up to V18, the release before V19. */
  private static FluentConfiguration flyway(String url, SqlDialect dialect) {
    return Flyway.configure().dataSource(url, null, null).locations(StreamkitStore.MIGRATIONS, dialect.migrations())
        .table(StreamkitStore.SCHEMA_HISTORY_TABLE).target("18");
  }

  private static StoredJobs jobsBeforeV19(FluentConfiguration configuration, String tablePrefix) throws Exception {
    Flyway flyway = configuration.load();
    flyway.migrate();
    UUID title = UUID.randomUUID();
    List<UUID> jobs = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
        PreparedStatement titles = connection.prepareStatement("INSERT INTO " + tablePrefix + "streamkit_titles"
            + " (id, name, description, status, progress_percent, created_at, updated_at)"
            + " VALUES (?, 'Queued', '', 'PROCESSING', 0, ?, ?)");
        PreparedStatement job = connection.prepareStatement("INSERT INTO " + tablePrefix + "streamkit_ingest_jobs"
            + " (id, title_id, source_path, ladder, state, attempts, created_at, updated_at)"
            + " VALUES (?, ?, ?, NULL, 'QUEUED', 0, ?, ?)")) {
      titles.setObject(1, title);
      titles.setObject(2, FIRST.atOffset(ZoneOffset.UTC));
      titles.setObject(3, FIRST.atOffset(ZoneOffset.UTC));
      titles.executeUpdate();
      // Inserted out of queue-time order: the row queued first goes in last.
      for (int i : new int[] {1, 2, 0}) {
        job.setObject(1, jobs.get(i));
        job.setObject(2, title);
        job.setString(3, "/data/uploads/" + i + ".mp4");
        job.setObject(4, (i == 0 ? FIRST : SECOND).atOffset(ZoneOffset.UTC));
        job.setObject(5, (i == 0 ? FIRST : SECOND).atOffset(ZoneOffset.UTC));
        job.executeUpdate();
      }
    }
    return new StoredJobs(title, jobs.get(0), jobs.subList(1, 3));
  }

  private static void assertQueueOrder(StreamkitStore store, StoredJobs before) {
    IngestJobQueue queue = IngestJobQueue.in(store, Clock.fixed(SECOND, ZoneOffset.UTC));
    UUID later = queue.enqueue(before.title(), "/data/uploads/later.mp4").id();

    List<UUID> listed = queue.forTitle(before.title()).stream().map(IngestJob::id).toList();
    assertThat(listed).as("oldest first, the job queued after the migration at the same instant last").hasSize(4)
        .startsWith(before.first()).endsWith(later);
    assertThat(listed.subList(1, 3)).containsExactlyInAnyOrderElementsOf(before.atSecond());
    List<UUID> claimed = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      claimed.add(queue.claim("node-a", Duration.ofSeconds(30)).orElseThrow().id());
    }
    assertThat(claimed).as("claimed in the order listed").containsExactlyElementsOf(listed);
  }
}
