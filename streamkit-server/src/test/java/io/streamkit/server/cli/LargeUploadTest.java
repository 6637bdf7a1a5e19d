package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.hls.ingest.IngestWorkers;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MB upload to a server whose whole heap is 96 MB: it can only succeed if the body is streamed to disk. */
class LargeUploadTest {

  private static final long SIZE = 200L << 20;
  private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",[^}]*} (\\S+)");

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void a200MbUploadStreamsWithFlatHeap() throws Exception {
    try (ServeProcess serve = ServeProcess.start(data, "96m", "--max-upload-bytes", Long.toString(SIZE))) {
      double heapBefore = heapUsed(serve);
      MessageDigest sent = MessageDigest.getInstance("SHA-256");

      HttpResponse<String> response = http.send(HttpRequest.newBuilder(serve.uri("/api/titles"))
          .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).header("Content-Type", "video/mp4")
          .header("X-Title-Name", "Large")
          .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(
              () -> new DigestInputStream(new PatternStream(SIZE), sent)), SIZE)).build(), BodyHandlers.ofString());

      assertThat(response.statusCode()).as(response.body() + "\n" + serve.tail()).isEqualTo(202);
      double heapAfter = heapUsed(serve);
      UUID id = UUID.fromString(new ObjectMapper().readTree(response.body()).get("id").asText());
      Path source = IngestWorkers.sourceFile(data, id);
      assertThat(Files.size(source)).isEqualTo(SIZE);
      assertThat(sha256(source)).isEqualTo(HexFormat.of().formatHex(sent.digest()));
      assertThat(heapAfter - heapBefore).as("heap growth over a 200 MB upload, bytes").isLessThan(48 << 20);
      System.out.printf("200 MB upload with -Xmx96m: heap used %.1f MB before, %.1f MB after%n",
          heapBefore / (1 << 20), heapAfter / (1 << 20));
    }
  }

  private double heapUsed(ServeProcess serve) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(serve.uri("/metrics"))
        .header("Authorization", "Bearer " + ServeProcess.ADMIN_KEY).build(), BodyHandlers.ofString()).body();
    Matcher m = HEAP.matcher(metrics);
    double used = 0;
    while (m.find()) {
      used += Double.parseDouble(m.group(1));
    }
    assertThat(used).as("heap gauges in /metrics").isPositive();
    return used;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }


  /** {@code size} pseudo-random bytes generated on the fly, so the test holds no copy either. */
  private static final class PatternStream extends InputStream {
    private final Random random = new Random(42);
    private long remaining;

    PatternStream(long size) {
      this.remaining = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      byte[] chunk = new byte[n];
      random.nextBytes(chunk);
      System.arraycopy(chunk, 0, b, off, n);
      remaining -= n;
      return n;
    }
  }
}
