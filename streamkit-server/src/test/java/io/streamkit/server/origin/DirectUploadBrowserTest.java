package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.PageRequest;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.server.StreamkitPlatform;
import io.streamkit.server.TestVideos;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page on a server that keeps media in S3 (s3proxy): the browser sends the file straight to the bucket
 * through pre-signed part URLs, and the title is transcoded from there.
 */
class DirectUploadBrowserTest {

  static final String ADMIN_KEY = "direct-upload-admin-key-0123456789";
  static final byte[] SECRET = "direct-upload-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);

  @TempDir Path temp;

  @Test
  void theAdminPageUploadsStraightToTheBucket() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = TestVideos.make(temp.resolve("Direct clip.mp4"), 3, 320, 180);
    try (S3ProxyServer s3 = S3ProxyServer.start(temp.resolve("s3"), "media");
        S3Storage bucket = s3.storage("s3://media").build();
        StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(temp.resolve("data"))
            .hs256Secret(SECRET).adminKey(ADMIN_KEY).storage(bucket).ladder(Ladder.small()).preset("ultrafast")
            .origin(o -> o.host("127.0.0.1").port(0)).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver.get("http://127.0.0.1:" + platform.port() + "/admin?key=" + ADMIN_KEY);
      chromium.driver.findElement(By.id("file")).sendKeys(source.toAbsolutePath().toString());
      chromium.driver.findElement(By.id("upload")).click();

      new WebDriverWait(chromium.driver, Duration.ofSeconds(60))
          .withMessage(() -> "the upload did not finish: " + chromium.driver.findElement(By.id("message")).getText())
          .until(d -> d.findElement(By.id("upload-status")).getText().contains("straight to storage"));

      Title title = awaitReady(platform);
      assertThat(title.name()).isEqualTo("Direct clip");
      assertThat(new TitleVersions(bucket).current("titles/" + title.id())).isPresent();
      Path tus = temp.resolve("data").resolve("uploads").resolve("tus");
      assertThat(!Files.exists(tus) || isEmpty(tus)).as("no byte went through the origin's upload directory").isTrue();
    }
  }

  private static Title awaitReady(StreamkitPlatform platform) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      List<Title> titles = platform.store().catalog().list(new PageRequest(0, 10)).items();
      if (titles.size() == 1 && titles.get(0).status() == TitleStatus.READY) {
        return titles.get(0);
      }
      assertThat(titles).as("one title, not failed").allMatch(t -> t.status() != TitleStatus.FAILED);
      assertThat(System.nanoTime()).as("the title becomes READY in time").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static boolean isEmpty(Path directory) throws java.io.IOException {
    try (var entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    }
  }
}
