package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code streamkit serve} on its embedded H2 database, as a container runtime or {@code kill} sends it:
 * the process ends cleanly with status 143 (128 + SIGTERM, as the JVM reports a stop by that signal), prints no
 * stack trace, and the last progress heartbeat it answered 202 is in the database afterwards.
 */
class GracefulStopTest {

  private static final String SECRET = "graceful-stop-signing-secret-0123456789";

  @TempDir Path dir;

  @Test
  void sigtermStoresTheLastAnsweredHeartbeatAndPrintsNoStackTrace() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    UUID title;
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      title = store.catalog().create("Stop test", "").id();
      for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
        store.catalog().transition(title, next);
      }
    }
    int port = ChildCli.freePort();
    String token = PlaybackTokenSigner.hs256(PlaybackTokenSigner.secretFromText(SECRET)).sign(PlaybackClaims
        .builder().viewer("alice").title(title.toString()).expiresAt(Instant.now().plusSeconds(600)).build());
    HttpClient http = HttpClient.newHttpClient();
    AtomicInteger lastAnswered = new AtomicInteger();

    try (ChildCli serve = ChildCli.start(ChildCli.command(List.of("-Xmx256m"), "serve", "--data", data.toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--signing-key", SECRET,
        "--admin-key", "graceful-stop-admin-key", "--no-rate-limits"))) {
      awaitHealthy(http, port, serve);
      // A player's heartbeats keep coming while the server stops, so the last ones answered are younger than the
      // writer's flush interval: only the final flush of the stop can store them. They come back to back, far faster
      // than a player's, hence no rate limits.
      Thread player = new Thread(() -> {
        for (int position = 1; ; position++) {
          try {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/progress/" + title)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(BodyPublishers.ofString("{\"positionSeconds\":"
                    + position + ",\"durationSeconds\":6000,\"clientTime\":\"" + Instant.now() + "\"}"))
                .build(), BodyHandlers.discarding());
            if (answer.statusCode() != 202) {
              return;
            }
            lastAnswered.set(position);
          } catch (IOException | InterruptedException stopped) {
            return;
          }
        }
      }, "player-heartbeats");
      player.start();
      while (lastAnswered.get() < 20) {
        Thread.sleep(10);
      }

      Integer exit = serve.terminate(Duration.ofSeconds(60));
      player.join(TimeUnit.SECONDS.toMillis(30));

      String output = String.join("\n", serve.all());
      assertThat(exit).as(output).isEqualTo(143);
      assertThat(serve.err()).as(output).noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
    }
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      Duration stored = store.progress().get("alice", title).map(WatchProgress::position).orElseThrow();
      assertThat(stored).isGreaterThanOrEqualTo(Duration.ofSeconds(lastAnswered.get()));
    }
  }

  private static void awaitHealthy(HttpClient http, int port, ChildCli serve) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
            BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("serve did not become healthy:\n" + String.join("\n", serve.all()));
  }
}
