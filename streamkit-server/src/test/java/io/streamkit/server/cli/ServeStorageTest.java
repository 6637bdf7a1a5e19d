package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.storage.TitleVersions;
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
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamkit serve --storage} as an operator runs it: configured by options or by {@code STREAMKIT_*}
 * variables, credentials from {@code AWS_*} variables, and one line on stderr for anything wrong.
 */
class ServeStorageTest {

  private static final String SECRET = "storage-cli-secret-of-at-least-32-bytes";
  private static final byte[] SEGMENT = new byte[188 * 20];

  @TempDir static Path temp;
  private static S3ProxyServer s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(temp.resolve("s3"), "media");
    Path title = Files.createDirectories(temp.resolve("title/v0"));
    Files.writeString(title.getParent().resolve("master.m3u8"),
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180\nv0/index.m3u8\n");
    Files.writeString(title.resolve("index.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg_0.ts\n#EXT-X-ENDLIST\n");
    for (int i = 0; i < SEGMENT.length; i++) {
      SEGMENT[i] = (byte) (i * 31);
    }
    Files.write(title.resolve("seg_0.ts"), SEGMENT);
    try (S3Storage storage = s3.storage("s3://media/prod").build()) {
      new TitleVersions(storage).publish("titles/t1", title.getParent());
    }
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  /** The variables an operator sets in a container: the S3 ones and the AWS credentials. */
  private static Map<String, String> environment(String location) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
    env.put("STREAMKIT_STORAGE", location);
    env.put("STREAMKIT_S3_ENDPOINT", s3.endpoint().toString());
    env.put("STREAMKIT_S3_REGION", "us-east-1");
    env.put("STREAMKIT_S3_PATH_STYLE", "true");
    return env;
  }

  @Test
  void environmentVariablesAloneServeAStoredTitle() throws Exception {
    Path data = Files.createDirectories(temp.resolve("data"));
    int port = ChildCli.freePort();
    Map<String, String> env = environment("s3://media/prod");
    env.put("STREAMKIT_CACHE_DIR", temp.resolve("cache").toString());
    env.put("STREAMKIT_CACHE_MAX_BYTES", "67108864");
    try (ChildCli serve = ChildCli.start(ChildCli.command(List.of("-Xmx256m"), "serve", "--data", data.toString(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--signing-key", SECRET), env)) {
      String started = serve.awaitLine(l -> l.startsWith("StreamKit serving"), Duration.ofSeconds(60));

      assertThat(started).as(String.join("\n", serve.all())).isNotNull()
          .startsWith("StreamKit serving s3://media/prod at http://127.0.0.1:" + port)
          .contains("1 ingest worker");
      String token = PlaybackTokenSigner.hs256(SECRET.getBytes(StandardCharsets.UTF_8)).sign(PlaybackClaims.builder()
          .title("t1").expiresAt(Instant.now().plusSeconds(600)).build());
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<byte[]> segment = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/titles/t1/v0/seg_0.ts?token=" + token)).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(segment.statusCode()).isEqualTo(200);
      assertThat(segment.body()).isEqualTo(SEGMENT);
      assertThat(temp.resolve("cache/.streamkit-cache")).exists();
      assertThat(serve.terminate(Duration.ofSeconds(60))).isEqualTo(143);
      assertThat(serve.err()).noneMatch(l -> l.contains("Exception") || l.startsWith("\tat "));
    }
  }

  @Test
  void aMissingBucketStopsServeWithOneLine() throws Exception {
    assertOneLineFailure(environment("s3://no-such-bucket"), "serve: the title storage cannot be used: cannot list"
        + " s3://no-such-bucket/titles/streamkit-origin-start-check: NoSuchBucket (HTTP 404); check the endpoint,"
        + " bucket and credentials");
  }

  @Test
  void anUnreachableEndpointStopsServeWithOneLineWithinSeconds() throws Exception {
    Map<String, String> env = environment("s3://media");
    env.put("STREAMKIT_S3_ENDPOINT", "http://127.0.0.1:" + ChildCli.freePort());
    long started = System.nanoTime();
    assertOneLineFailure(env, "serve: the title storage cannot be used: cannot list s3://media/titles/");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(45));
  }

  @Test
  void wrongOptionsAreRefusedBeforeAnythingStarts() {
    Path data = temp;
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--storage", "http://media"), "--storage: storage location 'http://media' is not s3://BUCKET[/PREFIX]");
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--storage", "s3://Media_Bucket"), "is not an S3 bucket name");
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--storage", "s3://media", "--s3-endpoint", "ftp://host"), "--s3-endpoint 'ftp://host' is not an http://");
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--storage", "s3://media", "--workers", "-1"), "--workers must be between 0 and");
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--storage", "s3://media", "--cache-max-bytes", "10"), "--cache-max-bytes must be between 1048576");
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--cache-max-bytes", "1073741824"), "--cache-max-bytes needs --storage s3://BUCKET[/PREFIX]");
    assertError(TokenAndServeCommandTest.run("serve", "--data", data.toString(), "--signing-key", SECRET,
        "--cache-dir", "/somewhere", "--s3-path-style"), "--s3-path-style, --cache-dir need --storage s3://BUCKET[/PREFIX]");
  }

  private static void assertOneLineFailure(Map<String, String> env, String line) throws Exception {
    Path data = Files.createTempDirectory(temp, "data");
    try (ChildCli serve = ChildCli.start(ChildCli.command(List.of("-Xmx256m"), "serve", "--data", data.toString(),
        "--host", "127.0.0.1", "--port", "0", "--signing-key", SECRET), env)) {
      assertThat(serve.awaitExit(Duration.ofSeconds(60))).as(String.join("\n", serve.all())).isEqualTo(1);
      assertThat(serve.err()).hasSize(1);
      assertThat(serve.err().get(0)).startsWith(line);
      assertThat(serve.out()).isEmpty();
    }
  }

  private static void assertError(TokenAndServeCommandTest.Run r, String message) {
    assertThat(r.exitCode()).as(r.out()).isNotZero();
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
  }
}
