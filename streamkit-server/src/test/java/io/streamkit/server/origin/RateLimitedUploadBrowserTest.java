package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.PageRequest;
import io.streamkit.core.title.Title;
import io.streamkit.server.StreamkitPlatform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The admin page's resumable upload under a tight management API rate limit: every 429 is waited out for its
 * {@code Retry-After}, so the upload arrives whole instead of failing at the first refusal.
 */
class RateLimitedUploadBrowserTest {

  static final String ADMIN_KEY = "rate-limited-admin-key-0123456789";
  static final byte[] SECRET = "rate-limited-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
  /** Three 8 MiB chunks and a bit: more requests than the limit lets through at once. */
  static final int UPLOAD_BYTES = 20 * 1024 * 1024;

  @TempDir Path temp;

  @Test
  void anUploadOverTheRateLimitSlowsDownAndArrivesWhole() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path source = temp.resolve("Big upload.mp4");
    byte[] bytes = new byte[UPLOAD_BYTES];
    new Random(7).nextBytes(bytes);
    Files.write(source, bytes);
    RateLimits tight = RateLimits.builder().managementApi(3, Duration.ofSeconds(3)).build();
    try (StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(temp.resolve("data"))
            .hs256Secret(SECRET).adminKey(ADMIN_KEY).workers(0)
            .origin(o -> o.host("127.0.0.1").port(0).rateLimits(tight)).build().start();
        HeadlessChromium chromium = HeadlessChromium.start()) {
      chromium.driver.get("http://127.0.0.1:" + platform.port() + "/admin?key=" + ADMIN_KEY);
      chromium.driver.findElement(By.id("file")).sendKeys(source.toAbsolutePath().toString());
      chromium.driver.findElement(By.id("upload")).click();

      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      List<Title> titles = List.of();
      while (titles.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(250);
        titles = platform.store().catalog().list(new PageRequest(0, 10)).items();
      }
      assertThat(titles).as("the upload arrived; page says: "
          + chromium.driver.findElement(By.id("message")).getText() + " / "
          + chromium.driver.findElement(By.id("upload-status")).getText())
          .singleElement().extracting(Title::name).isEqualTo("Big upload");
      var refused = platform.origin().meterRegistry().find(OriginMetrics.REJECTIONS)
          .tag("reason", "rate_limited_management_api").counter();
      assertThat(refused == null ? 0 : refused.count()).as("the limit did refuse requests on the way").isPositive();
      try (var uploads = Files.walk(temp.resolve("data"))) {
        assertThat(uploads.filter(Files::isRegularFile).anyMatch(p -> sizeOf(p) == UPLOAD_BYTES))
            .as("a stored source of exactly the uploaded size").isTrue();
      }
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
