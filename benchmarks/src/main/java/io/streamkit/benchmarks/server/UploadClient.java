package io.streamkit.benchmarks.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads one file to a StreamKit server, through the origin or straight to S3, and prints the wall time: the client
 * side of {@code benchmarks/upload-s3.sh}. Source-file mode, JDK only:
 *
 * <pre>
 * java benchmarks/src/main/java/io/streamkit/benchmarks/server/UploadClient.java origin URL ADMIN_KEY FILE
 * java benchmarks/src/main/java/io/streamkit/benchmarks/server/UploadClient.java direct URL ADMIN_KEY FILE PARALLEL
 * </pre>
 *
 * {@code origin} streams the file as the body of {@code POST /api/titles}; {@code direct} asks
 * {@code POST /api/uploads/s3} for pre-signed part URLs, PUTs the parts ({@code PARALLEL} at a time, each read from
 * the file as it is sent) and completes the upload.
 */
public final class UploadClient {

  private static final Pattern PART = Pattern.compile(
      "\"partNumber\":(\\d+),\"offset\":(\\d+),\"length\":(\\d+),\"url\":\"([^\"]+)\"");

  private UploadClient() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    URI base = URI.create(args[1]);
    String key = args[2];
    Path file = Path.of(args[3]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long started = System.nanoTime();
    if (mode.equals("origin")) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/titles"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "video/mp4")
          .header("X-Title-Name", "upload-benchmark").POST(HttpRequest.BodyPublishers.ofFile(file)).build(),
          HttpResponse.BodyHandlers.ofString());
      check(response, 202);
    } else {
      int parallel = Integer.parseInt(args[4]);
      long size = java.nio.file.Files.size(file);
      HttpResponse<String> start = http.send(HttpRequest.newBuilder(base.resolve("/api/uploads/s3"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"size\":" + size + "}")).build(),
          HttpResponse.BodyHandlers.ofString());
      check(start, 201);
      String body = start.body();
      String objectKey = field(body, "key");
      String uploadId = field(body, "uploadId");
      Matcher parts = PART.matcher(body);
      List<Future<String>> etags = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(parallel);
      while (parts.find()) {
        long offset = Long.parseLong(parts.group(2));
        int length = Integer.parseInt(parts.group(3));
        URI url = URI.create(parts.group(4).replace("\\u0026", "&"));
        etags.add(pool.submit(() -> {
          ByteBuffer bytes = ByteBuffer.allocate(length);
          try (FileChannel channel = FileChannel.open(file)) {
            while (bytes.hasRemaining()) {
              channel.read(bytes, offset + bytes.position());
            }
          }
          HttpResponse<String> put = http.send(HttpRequest.newBuilder(url)
              .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes.array())).build(), HttpResponse.BodyHandlers.ofString());
          check(put, 200);
          return put.headers().firstValue("ETag").orElseThrow();
        }));
      }
      StringBuilder complete = new StringBuilder("{\"key\":\"" + objectKey + "\",\"uploadId\":\"" + uploadId
          + "\",\"name\":\"upload-benchmark\",\"etags\":[");
      for (int i = 0; i < etags.size(); i++) {
        complete.append(i == 0 ? "" : ",").append('"').append(etags.get(i).get().replace("\"", "\\\"")).append('"');
      }
      pool.shutdown();
      HttpResponse<String> done = http.send(HttpRequest.newBuilder(base.resolve("/api/uploads/s3/complete"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(complete.append("]}").toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      check(done, 201);
    }
    System.out.printf(Locale.ROOT, "%.2f%n", (System.nanoTime() - started) / 1e9);
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }

  private static void check(HttpResponse<String> response, int expected) {
    if (response.statusCode() != expected) {
      throw new IllegalStateException(response.request().method() + " " + response.uri().getPath() + " answered "
          + response.statusCode() + ": " + response.body());
    }
  }
}
