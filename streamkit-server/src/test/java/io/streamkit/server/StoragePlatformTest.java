package io.streamkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.title.Title;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform on S3: origin from storage under the catalog's moderation, the management API on the same bucket. */
class StoragePlatformTest {

  private static final byte[] SECRET = "storage-platform-secret-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  private static final String ADMIN_KEY = "storage-platform-admin-key";

  @TempDir Path temp;

  @Test
  void aStoragePlatformServesStoredTitlesUnderTheCatalogsModeration() throws Exception {
    Path title = Files.createDirectories(temp.resolve("title/v0"));
    Files.writeString(title.getParent().resolve("master.m3u8"),
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180\nv0/index.m3u8\n");
    Files.writeString(title.resolve("index.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg_0.ts\n#EXT-X-ENDLIST\n");
    Files.write(title.resolve("seg_0.ts"), new byte[188 * 10]);
    try (S3ProxyServer s3 = S3ProxyServer.start(temp.resolve("s3"), "media");
        S3Storage storage = s3.storage("s3://media").build();
        StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(temp.resolve("data"))
            .hs256Secret(SECRET).adminKey(ADMIN_KEY).storage(storage)
            .origin(o -> o.host("127.0.0.1").port(0)).build().start()) {
      Title inReview = platform.store().catalog().create("in review", "");
      TitleVersions versions = new TitleVersions(storage);
      versions.publish("titles/open", title.getParent());
      versions.publish("titles/" + inReview.id(), title.getParent());

      assertThat(get(platform, "/titles/open/v0/seg_0.ts?token=" + token("open")).statusCode()).isEqualTo(200);
      // The catalog still decides: a title it knows that is not PUBLISHED stays closed to viewers.
      assertThat(get(platform, "/titles/" + inReview.id() + "/v0/seg_0.ts?token=" + token(inReview.id().toString()))
          .statusCode()).isEqualTo(403);
      // The management API runs on the same storage; nothing is published into the data directory.
      assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + platform.port() + "/api/titles")).header("Authorization", "Bearer " + ADMIN_KEY).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(temp.resolve("data/titles")).doesNotExist();
    }
  }

  private static String token(String title) {
    return PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().title(title)
        .expiresAt(Instant.now().plusSeconds(600)).build());
  }

  private static HttpResponse<byte[]> get(StreamkitPlatform platform, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.port()
        + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
