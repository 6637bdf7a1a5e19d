package io.streamkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamkitPlatformTest {

  private static final byte[] SECRET = "platform-test-secret-of-32-bytes!!".getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;

  @Test
  void settingsAreCheckedWhereTheyAreGivenNamingTheLimit() {
    StreamkitPlatform.Builder b = StreamkitPlatform.builder();
    assertThatThrownBy(() -> b.workers(65)).hasMessageContaining("between 0 and 64");
    assertThatThrownBy(() -> b.adminKey("short")).hasMessageContaining("at least 16 characters");
    assertThatThrownBy(() -> b.jdbcUrl("jdbc:mysql://db/x")).hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> b.preset("warp-speed")).hasMessageContaining("warp-speed");
    assertThatThrownBy(() -> b.nodeId(" ")).hasMessageContaining("node id must be 1 to");
    assertThatThrownBy(() -> b.maxUploadBytes(0)).hasMessageContaining("max upload bytes must be between 1");
    assertThatThrownBy(() -> b.maxSourceDuration(Duration.ofHours(-1)))
        .hasMessageContaining("maxSourceDuration must be positive, got PT-1H");
    assertThatThrownBy(() -> b.publicBaseUrl("video.example.com")).hasMessageContaining("https://host");
    assertThatThrownBy(() -> StreamkitPlatform.builder().hs256Secret(SECRET).build())
        .hasMessageContaining("data directory");
    assertThatThrownBy(() -> StreamkitPlatform.builder().dataDirectory(data).build())
        .hasMessageContaining("hs256Secret(...)");
    assertThatThrownBy(() -> StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .jdbcUrl("jdbc:h2:mem:a").dataSource(new org.h2.jdbcx.JdbcDataSource()).build())
        .hasMessageContaining("together");
  }

  @Test
  void aPlatformThatCannotStartStopsWhatItHadStartedAndCanBeStartedAgain() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      StreamkitPlatform.Builder settings = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
          .origin(o -> o.host("127.0.0.1").port(taken.getLocalPort()));
      assertThatThrownBy(() -> settings.build().start()).hasMessageContaining("cannot listen");
    }
    // The embedded database the failed start opened was closed again: a second platform can open it.
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .origin(o -> o.host("127.0.0.1").port(0)).build().start()) {
      assertThat(platform.store().catalog().create("after a failed start", "").name())
          .isEqualTo("after a failed start");
    }
  }
}
