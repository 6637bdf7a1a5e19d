package io.streamkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.MediaStorageContract;
import io.streamkit.core.storage.StorageException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
