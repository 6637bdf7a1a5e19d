package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamkit transcode --out s3://...} in a child JVM, as a user runs it, against a real S3 server. */
class TranscodeToS3Test {

  @TempDir static Path dir;
  static S3ProxyServer server;
  static Path source;

  @BeforeAll
  static void startServerAndMakeASource() throws Exception {
    server = S3ProxyServer.start(dir, "media");
    source = dir.resolve("clip.mp4");
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
        source.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static ChildCli transcode(String out, Map<String, String> credentials, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("transcode", source.toString(), "--out", out,
        "--s3-endpoint", server.endpoint().toString(), "--s3-path-style", "--s3-region", "us-east-1",
        "--ladder", "small", "--preset", "ultrafast", "--segment-seconds", "2"));
    args.addAll(List.of(more));
    ChildCli run = ChildCli.start(ChildCli.command(List.of(), args.toArray(String[]::new)), credentials);
    assertThat(run.awaitExit(Duration.ofSeconds(120))).as("the command ends").isNotNull();
    return run;
  }

  private static Map<String, String> credentials() {
    return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
  }

  @Test
  void aTitleGoesStraightToS3AndThenRefusesToBeOverwritten() throws Exception {
    try (ChildCli run = transcode("s3://media/prod/titles/42", credentials())) {
      assertThat(run.awaitExit(Duration.ZERO)).as(String.join("\n", run.all())).isZero();
      assertThat(run.out()).hasSize(2);
      assertThat(run.out().get(0))
          .matches("s3://media/prod/titles/42/v[0-9]{17}-[0-9a-f]{8}/master\\.m3u8: 1 rendition \\(320x180@.*");
      assertThat(run.out().get(1))
          .matches("DASH manifest: s3://media/prod/titles/42/v[0-9]{17}-[0-9a-f]{8}/manifest\\.mpd");
    }
    try (S3Storage media = server.storage("s3://media").build()) {
      String version = new TitleVersions(media).current("prod/titles/42").orElseThrow();
      try (InputStream master = media.read(TitleVersions.key("prod/titles/42", version, "master.m3u8"))) {
        assertThat(new String(master.readAllBytes(), StandardCharsets.UTF_8)).contains("180p/index.m3u8");
      }
      assertThat(media.list("prod/titles/42/" + version).stream().map(StoredObject::key))
          .contains("prod/titles/42/" + version + "/180p/init.mp4", "prod/titles/42/" + version + "/manifest.mpd")
          .anyMatch(key -> key.endsWith(".m4s"));
    }

    try (ChildCli again = transcode("s3://media/prod/titles/42", credentials())) {
      assertThat(again.awaitExit(Duration.ZERO)).isEqualTo(1);
      assertThat(again.err()).singleElement().asString().startsWith("transcode: ")
          .contains("s3://media/prod/titles/42 already holds a published title");
    }
  }

  @Test
  void anEncryptedTitleInTheBucketIsNoiseWithoutItsKeysWhichNeverGoIntoTheBucket() throws Exception {
    Path keyFile = dir.resolve("keys").resolve("streamkit.keys");
    try (ChildCli run = transcode("s3://media/secret/titles/7", credentials(), "--encrypt", "aes-128",
        "--key-rotation-segments", "1", "--key-file", keyFile.toString())) {
      assertThat(run.awaitExit(Duration.ZERO)).as(String.join("\n", run.all())).isZero();
      assertThat(run.out()).last().asString().contains("content keys of title '7' in " + keyFile);
    }
    List<String[]> keys = Files.readAllLines(keyFile).stream().map(line -> line.split(" ")).toList();
    assertThat(keys).hasSizeGreaterThanOrEqualTo(2).allSatisfy(k -> assertThat(k[0]).isEqualTo("7"));

    Path init = dir.resolve("init.mp4");
    Path segment = dir.resolve("seg.m4s");
    try (S3Storage media = server.storage("s3://media").build()) {
      String version = new TitleVersions(media).current("secret/titles/7").orElseThrow();
      assertThat(media.list("secret").stream().map(StoredObject::key))
          .as("no key object in the bucket").noneMatch(key -> key.contains("/keys/"));
      try (InputStream playlist = media.read(TitleVersions.key("secret/titles/7", version, "180p/index.m3u8"))) {
        assertThat(new String(playlist.readAllBytes(), StandardCharsets.UTF_8))
            .contains("#EXT-X-KEY:METHOD=AES-128,URI=\"../keys/" + keys.get(0)[1] + "\"");
      }
      Files.write(init, media.read(TitleVersions.key("secret/titles/7", version, "180p/init.mp4")).readAllBytes());
      Files.write(segment, media.read(TitleVersions.key("secret/titles/7", version, "180p/seg_00000.m4s"))
          .readAllBytes());
    }
    byte[] encrypted = Files.readAllBytes(segment);
    Path withoutKey = dir.resolve("without-key.mp4");
    Files.write(withoutKey, concat(Files.readAllBytes(init), encrypted));
    assertThat(decodedFrames(withoutKey)).as("the stored segment without its key").isZero();

    Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(keys.get(0)[2]), "AES"),
        new IvParameterSpec(new byte[16]));
    Path withKey = dir.resolve("with-key.mp4");
    Files.write(withKey, concat(Files.readAllBytes(init), cipher.doFinal(encrypted)));
    assertThat(decodedFrames(withKey)).as("decrypted with the key file's first key").isPositive();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Video frames ffprobe decodes from the file; 0 when it cannot read it at all. */
  private static int decodedFrames(Path file) throws Exception {
    String ffprobe = Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
    Process p = new ProcessBuilder(ffprobe, "-v", "quiet", "-select_streams", "v:0", "-count_frames",
        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out.matches("[0-9]+") ? Integer.parseInt(out) : 0;
  }

  @Test
  void wrongCredentialsFailInOneLineBeforeAnyWork() throws Exception {
    try (ChildCli run = transcode("s3://media/titles/43", Map.of("AWS_ACCESS_KEY_ID", "someone",
        "AWS_SECRET_ACCESS_KEY", "else"))) {
      assertThat(run.awaitExit(Duration.ZERO)).isEqualTo(1);
      assertThat(run.err()).singleElement().asString().startsWith("transcode: ")
          .contains("s3://media/titles/43").contains("HTTP 403");
    }
    try (S3Storage media = server.storage("s3://media").build()) {
      assertThat(media.list("titles/43")).isEmpty();
    }
  }

  @Test
  void aLocationWithoutAKeyIsAUsageError() throws Exception {
    try (ChildCli run = transcode("s3://media", credentials())) {
      assertThat(run.awaitExit(Duration.ZERO)).isEqualTo(2);
      assertThat(String.join("\n", run.err())).contains("names no key for the title");
    }
  }
}
