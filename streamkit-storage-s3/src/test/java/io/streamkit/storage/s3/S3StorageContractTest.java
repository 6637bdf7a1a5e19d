package io.streamkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.storage.DirectUploads;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.MediaStorageContract;
import io.streamkit.core.storage.StorageException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on a real S3 server (s3proxy), with a small multipart threshold so large puts go in parts. */
class S3StorageContractTest extends MediaStorageContract {

  @TempDir static Path serverDirectory;
  static S3ProxyServer server;
  private static int buckets;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start(serverDirectory);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected MediaStorage open(Path temp) throws Exception {
    String bucket = "contract-" + (++buckets);
    Files.createDirectories(serverDirectory.resolve("s3-data").resolve(bucket));
    return server.storage("s3://" + bucket + "/deployment/a").multipartThreshold(S3Storage.MIN_PART_BYTES)
        .partSize(S3Storage.MIN_PART_BYTES).build();
  }

  @Test
  void objectsLiveUnderThePrefixAndNameTheirLocation() {
    storage.put("titles/1/master.m3u8", new byte[] {'#'});
    S3Storage s3 = (S3Storage) storage;

    assertThat(s3.client().headObject(b -> b.bucket(s3.bucket()).key("deployment/a/titles/1/master.m3u8"))
        .contentLength()).isEqualTo(1);
    assertThat(storage.describe("titles/1/master.m3u8")).isEqualTo("s3://" + s3.bucket()
        + "/deployment/a/titles/1/master.m3u8");
  }

  @Test
  void aLargePutLeavesNoUnfinishedParts() throws Exception {
    Path source = temp.resolve("large.bin");
    writeRandom(source, LARGE_BYTES, 3);
    storage.put("sources/s", source);
    S3Storage s3 = (S3Storage) storage;

    assertThat(s3.client().listMultipartUploads(b -> b.bucket(s3.bucket())).uploads()).isEmpty();
    try (InputStream in = storage.read("sources/s", LARGE_BYTES - 10, 100)) {
      assertThat(in.readAllBytes()).hasSize(10);
    }
  }

  @Test
  void aClientUploadsStraightToStorageThroughPreSignedPartUrls() throws Exception {
    Path source = temp.resolve("direct.bin");
    writeRandom(source, LARGE_BYTES, 4);
    DirectUploads direct = storage.directUploads().orElseThrow();

    DirectUploads.Started upload = direct.start("sources/direct", LARGE_BYTES, Duration.ofMinutes(10));
    assertThat(upload.parts()).hasSize(3);
    List<String> etags = new ArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    for (DirectUploads.Part part : upload.parts()) {
      byte[] bytes = new byte[(int) part.length()];
      try (var channel = java.nio.channels.FileChannel.open(source)) {
        channel.read(java.nio.ByteBuffer.wrap(bytes), part.offset());
      }
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(part.url())
          .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      etags.add(put.headers().firstValue("ETag").orElseThrow());
    }
    assertThat(storage.stat("sources/direct")).as("nothing is visible before completion").isEmpty();

    assertThat(direct.complete("sources/direct", upload.uploadId(), etags).size()).isEqualTo(LARGE_BYTES);
    try (InputStream in = storage.read("sources/direct")) {
      assertThat(sha256(in)).isEqualTo(sha256(source));
    }
  }

  @Test
  void aDirectUploadWithAWrongPartIsRefusedAndCanBeAborted() throws Exception {
    DirectUploads direct = storage.directUploads().orElseThrow();
    DirectUploads.Started upload = direct.start("sources/bad", 10, Duration.ofMinutes(10));

    assertThatThrownBy(() -> direct.complete("sources/bad", upload.uploadId(), List.of("\"0000\"")))
        .isInstanceOf(StorageException.class).hasMessageContaining("s3://");
    direct.abort("sources/bad", upload.uploadId());
    S3Storage s3 = (S3Storage) storage;
    assertThat(s3.client().listMultipartUploads(b -> b.bucket(s3.bucket())).uploads()).isEmpty();
    assertThat(storage.stat("sources/bad")).isEmpty();
    assertThatThrownBy(() -> direct.start("sources/x", 0, Duration.ofMinutes(1)))
        .hasMessageContaining("upload size must be between 1 and");
    assertThatThrownBy(() -> direct.start("sources/x", 1, Duration.ofDays(8)))
        .hasMessageContaining("between 1 s and 7 days");
  }

  @Test
  void aMissingBucketIsNamedWithWhatToCheck() {
    try (S3Storage missing = server.storage("s3://no-such-bucket").maxAttempts(1).build()) {
      assertThatThrownBy(() -> missing.put("a", new byte[] {1}))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("s3://no-such-bucket/a").hasMessageContaining("NoSuchBucket")
          .hasMessageContaining("check the endpoint, bucket and credentials");
    }
  }

  @Test
  void wrongCredentialsAreRefusedWithTheServiceReason() {
    try (S3Storage wrong = S3Storage.builder().location("s3://contract-1").endpoint(server.endpoint())
        .pathStyle(true).region("us-east-1").maxAttempts(1)
        .credentials(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("someone", "else")))
        .build()) {
      assertThatThrownBy(() -> wrong.stat("a")).isInstanceOf(StorageException.class)
          .hasMessageContaining("HTTP 403");
    }
  }

  @Test
  void builderNamesTheLimitItEnforces() {
    assertThatThrownBy(() -> S3Storage.builder().partSize(1024)).hasMessageContaining("partSize must be between");
    assertThatThrownBy(() -> S3Storage.builder().location("http://x")).hasMessageContaining("s3://BUCKET");
    assertThatThrownBy(() -> S3Storage.builder().bucket("Bad_Bucket")).hasMessageContaining("not an S3 bucket name");
    assertThatThrownBy(() -> S3Storage.builder().endpoint(URI.create("ftp://x"))).hasMessageContaining("http://");
    assertThatThrownBy(() -> S3Storage.builder().build()).hasMessageContaining("bucket is not set");
  }
}
