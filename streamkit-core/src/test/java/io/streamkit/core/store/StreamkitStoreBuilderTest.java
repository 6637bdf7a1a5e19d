package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.streamkit.core.InvalidValueException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamkitStoreBuilderTest {

  @TempDir
  Path directory;

  @Test
  void settingsAreCheckedAtOnceNamingTheLimit() {
    StreamkitStore.Builder builder = StreamkitStore.builder();
    assertThatThrownBy(() -> builder.poolSize(0)).hasMessage("poolSize must be between 1 and 200, got 0");
    assertThatThrownBy(() -> builder.connectionTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("connectionTimeout must be between PT0.25S and PT5M");
    assertThatThrownBy(() -> builder.schema("Drop Table"))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("schema").hasMessageContaining("'Drop Table'");
    assertThatThrownBy(() -> builder.jdbcUrl("jdbc:mysql://localhost/db"))
        .hasMessageContaining("jdbc:mysql://localhost/db").hasMessageContaining("jdbc:postgresql:");
  }

  @Test
  void contradictoryOrMissingLocationsAreRefused() {
    assertThatThrownBy(() -> StreamkitStore.builder().build())
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("dataDirectory or jdbcUrl is required");
    assertThatThrownBy(() -> StreamkitStore.builder().dataDirectory(directory)
        .jdbcUrl("jdbc:postgresql://127.0.0.1/x").build())
        .hasMessageContaining("cannot be used together with dataDirectory");
  }

  @Test
  void embeddedDefaultKeepsItsDatabaseInTheDataDirectoryAcrossRestarts() {
    Path data = directory.resolve("streamkit-data");
    UUID id;
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      assertThat(store.databaseName()).isEqualTo("H2");
      id = store.catalog().create("Persisted", "").id();
    }
    assertThat(Files.exists(data.resolve(StreamkitStore.H2_FILE_NAME + ".mv.db"))).isTrue();
    try (StreamkitStore reopened = StreamkitStore.builder().dataDirectory(data).build()) {
      assertThat(reopened.catalog().get(id)).map(t -> t.name()).contains("Persisted");
    }
  }

  @Test
  void anApplicationsOwnDataSourceIsUsedAndLeftOpen() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("app") + ";DB_CLOSE_ON_EXIT=FALSE");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE app_users (id INT PRIMARY KEY)");
        s.execute("INSERT INTO app_users VALUES (1)");
      }
      UUID id;
      try (StreamkitStore store = StreamkitStore.builder().dataSource(pool).build()) {
        assertThat(store.databaseName()).isEqualTo("H2");
        id = store.catalog().create("On the application's pool", "").id();
      }
      assertThat(pool.isClosed()).as("the application owns its pool").isFalse();
      try (StreamkitStore again = StreamkitStore.builder().dataSource(pool).build();
          Connection c = pool.getConnection(); Statement s = c.createStatement();
          ResultSet users = s.executeQuery("SELECT COUNT(*) FROM app_users")) {
        assertThat(again.catalog().get(id)).isPresent();
        users.next();
        assertThat(users.getInt(1)).as("the application's own table is untouched").isEqualTo(1);
      }
    }
    assertThatThrownBy(() -> StreamkitStore.builder().dataSource(new HikariDataSource()).jdbcUrl("jdbc:h2:mem:x")
        .build()).isInstanceOf(InvalidValueException.class).hasMessageContaining("configure the data source itself");
  }

  @Test
  void unreachableDatabaseFailsWithTheCauseTheMaskedUrlAndWhatToCheck() {
    assertThatThrownBy(() -> StreamkitStore.builder()
        .jdbcUrl("jdbc:postgresql://127.0.0.1:1/nothing?user=app&password=s3cret")
        .connectionTimeout(Duration.ofMillis(500)).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nothing?user=app&password=***")
        .hasMessageContaining("Connection to 127.0.0.1:1 refused")
        .hasMessageContaining("check that it runs")
        .hasMessageNotContaining("s3cret");
  }
}
