package io.streamkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.origin.OriginServer;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishToStorageExampleTest {

  private static final byte[] SECRET = "example-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

  @TempDir Path temp;

  @Test
  void aPublishedTitleIsServedFromTheStorageAndARepublicationReplacesIt() throws Exception {
    Path data = java.nio.file.Files.createDirectories(temp.resolve("data"));
    try (OriginServer packagedOnly = OriginWithTokensExample.start(data, SECRET, 0)) {
      // The sample is packaged in data/titles/sample now; the local origin is not needed.
    }
    String id = OriginWithTokensExample.TITLE;
    try (S3ProxyServer s3 = S3ProxyServer.start(temp.resolve("s3"), "media");
        S3Storage storage = s3.storage("s3://media/streamkit").build()) {
      String first = PublishToStorageExample.publish(storage, id, data.resolve("titles").resolve(id));

      try (OriginServer origin = OriginServer.builder().storage(storage).cacheDirectory(temp.resolve("cache"))
          .host("127.0.0.1").port(0).tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build()).build()
          .start()) {
        String token = OriginWithTokensExample.tokenFor(SECRET, "alice", 360);
        HttpResponse<String> master = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + origin.port() + "/titles/" + id + "/master.m3u8?token=" + token)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(master.statusCode()).isEqualTo(200);
        assertThat(master.body()).contains("/index.m3u8?token=" + token);
      }

      String second = PublishToStorageExample.publish(storage, id, data.resolve("titles").resolve(id));
      assertThat(new TitleVersions(storage).current("titles/" + id)).hasValue(second);
      // The replaced version stays for players that loaded its playlists, until it has been idle for an hour.
      assertThat(storage.list("titles/" + id)).anyMatch(o -> o.key().startsWith("titles/" + id + "/" + first + "/"));
    }
  }
}
