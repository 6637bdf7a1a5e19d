package io.streamkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.server.StreamkitPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressHeartbeatsExampleTest {

  private static final byte[] SECRET = "example-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;

  @Test
  void heartbeatsAreKeptAndTheViewerResumesWhereTheyLeftOff() throws Exception {
    String titleId;
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(SECRET)
        .workers(0).origin(o -> o.host("127.0.0.1").port(0)).build().start()) {
      Title title = platform.store().catalog().create("Heartbeats", "");
      for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
        platform.store().catalog().transition(title.id(), next);
      }
      titleId = title.id().toString();
      String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("alice").title(titleId)
          .expiresAt(Instant.now().plusSeconds(600)).build());
      ProgressHeartbeatsExample player =
          new ProgressHeartbeatsExample("http://127.0.0.1:" + platform.port(), titleId, token);

      for (int second = 0; second <= 60; second += 5) {
        assertThat(player.heartbeat(second, 600)).isEqualTo(202);
      }
      assertThat(player.savedPosition()).isEqualTo(60.0);
      assertThat(player.continueWatching()).hasSize(1);
      assertThat(player.continueWatching().get(0).get("titleId").asText()).isEqualTo(titleId);
      player.heartbeat(75, 600);
    }
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      assertThat(store.progress().get("alice", java.util.UUID.fromString(titleId)))
          .as("the heartbeat answered last, stored when the platform closed")
          .hasValueSatisfying(p -> assertThat(p.position().toSeconds()).isEqualTo(75));
    }
  }
}
