package io.streamkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPlatformExampleTest {

  @TempDir Path data;

  @Test
  void anUploadIsTranscodedPublishedAndPlayableOnTheApplicationsPoolAndRegistry() throws Exception {
    EmbeddedPlatformExample.Published published = EmbeddedPlatformExample.run(data);
    assertThat(published.playerUrl()).contains("/play/" + published.titleId() + "?token=");
    assertThat(published.masterPlaylist()).startsWith("#EXTM3U").contains("#EXT-X-STREAM-INF");
    assertThat(published.originRequests()).as("the origin's meters are in the application's registry")
        .isGreaterThan(0);
    assertThat(data.resolve("application.mv.db")).as("StreamKit's tables in the application's database").exists();
    assertThat(data.resolve("streamkit.mv.db")).as("no second, embedded database").doesNotExist();
  }
}
