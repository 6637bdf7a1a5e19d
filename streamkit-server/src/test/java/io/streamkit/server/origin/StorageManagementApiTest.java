package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.TestVideos;
import io.streamkit.storage.s3.S3ProxyServer;
import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management API on a server that keeps media in S3 (a real S3 server, s3proxy): uploads through the origin and
 * straight to S3 with pre-signed part URLs both become titles published in the bucket, and deleting removes them.
 */
class StorageManagementApiTest {

  private static final String ADMIN_KEY = "test-admin-key-0123456789";

  @TempDir static Path serverDirectory;
  static S3ProxyServer s3;
  static Path video;

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private S3Storage bucket;
  private StreamkitStore store;
  private IngestWorkers workers;
  private OriginServer origin;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(serverDirectory, "media");
    video = TestVideos.make(serverDirectory.resolve("clip.mp4"), 2, 320, 180);
  }

  @AfterAll
  static void stopS3() {
    s3.close();
  }

  private void start(boolean withStorage) {
    bucket = s3.storage("s3://media/" + data.getFileName()).build();
    store = StreamkitStore.builder().dataDirectory(data).build();
    IngestWorkers.Builder w = IngestWorkers.builder().store(store).dataDirectory(data).node("test-node")
        .ladder(Ladder.small()).preset("ultrafast").segmentSeconds(2).pollInterval(Duration.ofMillis(100));
    ManagementApi.Builder api = ManagementApi.builder().store(store).dataDirectory(data);
    OriginServer.Builder o = OriginServer.builder().dataDirectory(data).port(0).host("127.0.0.1").withoutTokens()
        .adminKey(ADMIN_KEY).store(store);
    if (withStorage) {
      w.storage(bucket);
      api.storage(bucket);
      o.storage(bucket);
    }
    workers = w.build().start();
    origin = o.managementApi(api.workers(workers).build()).build().start();
  }

  @AfterEach
  void stop() {
    if (origin != null) {
      origin.close();
    }
    if (workers != null) {
      workers.close();
    }
    if (store != null) {
      store.close();
    }
    if (bucket != null) {
      bucket.close();
    }
  }

  private HttpRequest.Builder admin(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .header("Authorization", "Bearer " + ADMIN_KEY);
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, BodyHandlers.ofString());
  }

  private JsonNode post(String path, ObjectNode body) throws Exception {
    HttpResponse<String> response = send(admin(path).header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString(body.toString())).build());
    ObjectNode out = (ObjectNode) (response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body()));
    return out.put("httpStatus", response.statusCode());
  }

  private void awaitReady(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      JsonNode title = json.readTree(send(admin("/api/titles/" + id).build()).body());
      if (title.path("status").asText().equals("READY")) {
        return;
      }
      assertThat(title.path("status").asText()).as(title.toString()).isNotEqualTo("FAILED");
      assertThat(System.nanoTime()).as("title %s READY in time", id).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** The worker drops the source right after the catalog says READY, so it may still be there a moment. */
  private void awaitNoSources() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!bucket.list("sources").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(bucket.list("sources")).as("the source is dropped once READY").isEmpty();
  }

  @Test
  void anUploadThroughTheOriginIsTranscodedIntoTheBucketAndDeletedFromIt() throws Exception {
    start(true);

    HttpResponse<String> uploaded = send(admin("/api/titles").header("X-Title-Name", "clip")
        .header("Content-Type", "video/mp4")
        .POST(BodyPublishers.ofFile(video)).build());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(202);
    String id = json.readTree(uploaded.body()).get("id").asText();
    awaitReady(id);

    assertThat(new TitleVersions(bucket).current("titles/" + id)).isPresent();
    awaitNoSources();
    try (var left = Files.list(data.resolve(IngestWorkers.UPLOADS))) {
      assertThat(left.filter(Files::isRegularFile)).as("nothing stays in the local upload directory").isEmpty();
    }

    assertThat(send(admin("/api/titles/" + id).DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(bucket.list("titles/" + id)).isEmpty();
  }

  @Test
  void aDirectUploadGoesStraightToTheBucketAndBecomesATitle() throws Exception {
    start(true);
    long size = Files.size(video);

    JsonNode started = post("/api/uploads/s3", json.createObjectNode().put("size", size));
    assertThat(started.get("httpStatus").asInt()).as(started.toString()).isEqualTo(201);
    ObjectNode complete = json.createObjectNode().put("key", started.get("key").asText())
        .put("uploadId", started.get("uploadId").asText()).put("name", "direct").put("ladder", "bench");
    var etags = complete.putArray("etags");
    for (JsonNode part : started.get("parts")) {
      ByteBuffer bytes = ByteBuffer.allocate(part.get("length").asInt());
      try (FileChannel channel = FileChannel.open(video)) {
        channel.read(bytes, part.get("offset").asLong());
      }
      HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(part.get("url").asText()))
          .PUT(BodyPublishers.ofByteArray(bytes.array())).build());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      etags.add(put.headers().firstValue("ETag").orElseThrow());
    }
    assertThat(bucket.list("sources")).as("an unfinished multipart upload is no object yet").isEmpty();

    JsonNode title = post("/api/uploads/s3/complete", complete);
    assertThat(title.get("httpStatus").asInt()).as(title.toString()).isEqualTo(201);
    assertThat(title.get("name").asText()).isEqualTo("direct");
    awaitReady(title.get("id").asText());
    assertThat(new TitleVersions(bucket).current("titles/" + title.get("id").asText())).isPresent();
    assertThat(IngestJobQueue.in(store).forTitle(UUID.fromString(title.get("id").asText())))
        .extracting(IngestJob::ladder).as("the ladder the completion named, not the workers' small")
        .containsExactly("bench");
    awaitNoSources();
  }

  @Test
  void aDirectUploadCompletesOnlyWhatTheServerStarted() throws Exception {
    start(true);
    JsonNode forged = post("/api/uploads/s3/complete", json.createObjectNode().put("key", "titles/other/master.m3u8")
        .put("uploadId", "x").set("etags", json.createArrayNode().add("\"e\"")));
    assertThat(forged.get("httpStatus").asInt()).isEqualTo(400);
    assertThat(forged.get("message").asText()).contains("key must be the one POST /api/uploads/s3 answered");

    JsonNode tooLarge = post("/api/uploads/s3", json.createObjectNode().put("size", 0));
    assertThat(tooLarge.get("httpStatus").asInt()).isEqualTo(400);
  }

  @Test
  void aServerWithoutObjectStorageSaysHowToUploadInstead() throws Exception {
    start(false);
    JsonNode refused = post("/api/uploads/s3", json.createObjectNode().put("size", 10));
    assertThat(refused.get("httpStatus").asInt()).isEqualTo(501);
    assertThat(refused.get("message").asText()).contains("POST /api/uploads (tus)");
  }
}
