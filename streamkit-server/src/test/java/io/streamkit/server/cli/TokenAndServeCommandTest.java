package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenAndServeCommandTest {

  private static final String SECRET = "cli-test-secret-that-is-long-enough-123";
  private static final String ADMIN_KEY = "cli-test-admin-key-that-is-long-enough";

  record Run(int exitCode, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = StreamkitCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void tokenPrintsTheMasterUrlOnItsLastLineWithAVerifiableToken() {
    Run r = run("token", "--signing-key", SECRET, "--title", "big-buck-bunny", "--viewer", "alice", "--ttl", "120",
        "--max-height", "720", "--base-url", "http://localhost:8080/");

    assertThat(r.exitCode()).isZero();
    assertThat(r.lastLine()).startsWith("http://localhost:8080/titles/big-buck-bunny/master.m3u8?token=");
    String token = r.lastLine().substring(r.lastLine().indexOf("token=") + 6);
    PlaybackClaims claims = PlaybackTokenVerifier.builder().hs256(SECRET.getBytes(StandardCharsets.UTF_8)).build()
        .verify(token);
    assertThat(claims.viewer()).isEqualTo("alice");
    assertThat(claims.maxHeight()).hasValue(720);
    assertThat(Duration.between(java.time.Instant.now(), claims.expiresAt()).getSeconds()).isBetween(100L, 120L);
  }

  @Test
  void es256TokensAreMintedWithThePrivateKeyAndVerifiedWithThePublicOne(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    var pair = generator.generateKeyPair();
    Path signing = pem(dir.resolve("signing.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
    Path verifying = pem(dir.resolve("verify.pem"), "PUBLIC KEY", pair.getPublic().getEncoded());

    Run r = run("token", "--signing-key", signing.toString(), "--title", "t1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(SigningKeys.verifier(java.util.List.of(verifying.toString())).verify(r.lastLine()).titleId())
        .isEqualTo("t1");
    Run refused = run("serve", "--data", dir.toString(), "--signing-key", signing.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("holds a private key").contains("-pubout");
  }

  @Test
  void serveMakesAMissingDataDirectoryOnlyWithTheManagementApi(@TempDir Path dir) throws Exception {
    // With --admin-key, uploads and recordings fill it; without, titles must already be there: a typo is refused.
    assertThat(ServeCommand.dataDirectory(dir.resolve("streamkit-data"), true)).isDirectory();
    assertThat(dir.resolve("streamkit-data")).isEmptyDirectory();
    assertThatThrownBy(() -> ServeCommand.dataDirectory(dir.resolve("stremkit-data"), false))
        .hasMessageEndingWith("is not a directory; create it and put titles in "
            + dir.resolve("stremkit-data").resolve("titles") + "/<id>/, or pass --admin-key to upload them");
    assertThat(dir.resolve("stremkit-data")).doesNotExist();
  }

  @Test
  void badValuesGetOneActionableLine(@TempDir Path dir) {
    assertError(run("token", "--signing-key", "too-short", "--title", "t"), "at least 32 bytes, got 9");
    assertError(run("token", "--signing-key", SECRET, "--title", "../etc"), "title id '../etc' is not valid");
    assertError(run("token", "--signing-key", SECRET, "--title", "t", "--ttl", "0"), "--ttl must be between 1");
    assertError(run("token", "--signing-key", SECRET, "--title", "t", "--base-url", "localhost:8080"),
        "must be an http(s) URL");
    assertError(run("token", "--signing-key", SECRET, "--title", "t", "--max-height", "99999"), "8640");
    assertError(run("token", "--signing-key", dir.resolve("missing.pem").toString(), "--title", "t"),
        "does not exist");
    assertError(run("serve", "--data", dir.resolve("nope").toString(), "--signing-key", SECRET), "is not a directory");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--db", "mysql://x"),
        "not a supported JDBC URL");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--admin-key", "short"),
        "admin key must be at least 16 characters");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--tls-cert", "x.pem"),
        "needs both --tls-cert and --tls-key");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--rate-limit-keys", "12/fortnight"),
        "--rate-limit-keys '12/fortnight' is not a rate: give requests per period, e.g. 600/min");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--rate-limit-viewer-api", "0/min"),
        "--rate-limit-viewer-api 0/min: rate limit of viewer API requests must allow between 1 and");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--no-rate-limits",
        "--rate-limit-keys", "5/s"), "cannot use --no-rate-limits with --rate-limit-keys");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--encrypt", "rot13"),
        "--encrypt rot13 is not a method; use aes-128 or cbcs");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--encrypt", "aes-128"),
        "--encrypt aes-128 needs a master key to wrap the content keys: add --master-key-file FILE");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--master-key-file",
        dir.resolve("master.key").toString()), "--master-key-file " + dir.resolve("master.key") + " does not exist");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--max-source-hours", "-1"),
        "--max-source-hours must be between 1 second (0.0003) and 1000 hours, got -1.0");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--max-streams-per-viewer", "-1"),
        "--max-streams-per-viewer must be between 0");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--rtmp-port", "1935"),
        "--rtmp-port needs --admin-key");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--admin-key", ADMIN_KEY,
        "--rtmp-port", "70000"), "--rtmp-port must be between 0 and 65535, got 70000");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--admin-key", ADMIN_KEY,
        "--port", "18080", "--rtmp-port", "18080"), "--rtmp-port 18080 is also the HTTP --port");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--admin-key", ADMIN_KEY,
        "--oidc-issuer", "https://login.example.com/realms/video"), "--oidc-issuer needs --oidc-audience");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--admin-key", ADMIN_KEY,
        "--oidc-issuer", "login.example.com", "--oidc-audience", "streamkit"), "OIDC issuer must be an http(s) URL");
    assertError(run("serve", "--data", dir.toString(), "--signing-key", SECRET, "--admin-key", ADMIN_KEY,
        "--oidc-audience", "streamkit"), "--oidc-audience and --oidc-jwks-url need --oidc-issuer too");
    assertError(run("token", "--signing-key", SECRET, "--title", "t", "--max-streams", "5000"),
        "max streams must be between 1 and 1000");
  }

  @Test
  void serveServesWhatTokenMintsAndLimitsFailedTokenChecks(@TempDir Path dir) throws Exception {
    Path title = Files.createDirectories(dir.resolve("titles/t1/v0"));
    Files.writeString(title.getParent().resolve("master.m3u8"),
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180\nv0/index.m3u8\n");
    Files.writeString(title.resolve("index.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg_0.ts\n#EXT-X-ENDLIST\n");
    Files.write(title.resolve("seg_0.ts"), new byte[188 * 10]);
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String[] serve = {"serve", "--port", Integer.toString(port), "--host", "127.0.0.1", "--data", dir.toString(),
        "--signing-key", SECRET, "--rate-limit-failed-tokens", "2/min"};
    Thread server = new Thread(() -> run(serve), "serve-under-test");
    server.setDaemon(true);
    server.start();

    Run minted = run("token", "--signing-key", SECRET, "--title", "t1", "--base-url", "http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> master = null;
    for (int i = 0; i < 100 && master == null; i++) {
      try {
        master = http.send(HttpRequest.newBuilder(URI.create(minted.lastLine())).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException notYet) {
        Thread.sleep(100);
      }
    }
    assertThat(master).isNotNull();
    assertThat(master.statusCode()).isEqualTo(200);
    assertThat(master.body()).contains("v0/index.m3u8?token=");

    URI guessed = URI.create("http://127.0.0.1:" + port + "/titles/t1/master.m3u8?token=guess");
    for (int i = 0; i < 2; i++) {
      assertThat(http.send(HttpRequest.newBuilder(guessed).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(403);
    }
    HttpResponse<String> locked = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/titles/t1/master.m3u8?token=another-guess")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(locked.statusCode()).as("two failed token checks lock this client out for a while").isEqualTo(429);
    assertThat(locked.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(minted.lastLine())).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode())
        .as("the token the origin verified before still plays from the locked-out address").isEqualTo(200);
  }

  private static void assertError(Run r, String message) {
    assertThat(r.exitCode()).as(r.out()).isNotZero();
    assertThat(r.err()).contains(message);
    assertThat(r.err()).doesNotContain("\tat ");
  }

  private static Path pem(Path file, String type, byte[] der) throws Exception {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
