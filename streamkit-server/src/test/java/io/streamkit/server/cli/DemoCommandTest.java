package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamkit demo} as a newcomer runs it: a generated sample ends up published, playable at the printed URLs. */
class DemoCommandTest {

  private static final Pattern ADMIN = Pattern.compile("Admin: +(http://\\S+)/admin\\?key=(\\S+)");
  private static final Pattern PLAYER = Pattern.compile("Player: +http://\\S+/play/([0-9a-f-]{36})\\?token=(\\S+)");

  @TempDir Path dir;

  @Test
  void demoPublishesAGeneratedSampleAndPrintsWorkingUrls() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), StreamkitCli.class.getName(), "demo", "--data",
        dir.resolve("data").toString(), "--port", Integer.toString(port)).redirectErrorStream(true).start();
    // A demo that never prints its URLs must not hang the build: its output ends when it is killed.
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(120));
        demo.destroyForcibly();
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
      }
    });
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      List<String> lines = new ArrayList<>();
      Matcher admin = null;
      Matcher player = null;
      BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null && player == null; line = out.readLine()) {
        lines.add(line);
        Matcher a = ADMIN.matcher(line);
        Matcher p = PLAYER.matcher(line);
        admin = a.find() ? a : admin;
        player = p.find() ? p : null;
      }
      assertThat(admin).as(String.join("\n", lines)).isNotNull();
      assertThat(player).as(String.join("\n", lines)).isNotNull();
      HttpClient http = HttpClient.newHttpClient();
      String base = admin.group(1);
      HttpResponse<String> master = http.send(HttpRequest.newBuilder(URI.create(
          base + "/titles/" + player.group(1) + "/master.m3u8?token=" + player.group(2))).build(),
          BodyHandlers.ofString());
      HttpResponse<String> titles = http.send(HttpRequest.newBuilder(URI.create(base + "/api/titles"))
          .header("Authorization", "Bearer " + admin.group(2)).build(), BodyHandlers.ofString());

      assertThat(master.statusCode()).isEqualTo(200);
      assertThat(master.body()).contains("#EXT-X-STREAM-INF");
      assertThat(titles.body()).contains(player.group(1)).contains("\"status\":\"PUBLISHED\"");
    } finally {
      watchdog.interrupt();
      demo.destroy();
      demo.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
