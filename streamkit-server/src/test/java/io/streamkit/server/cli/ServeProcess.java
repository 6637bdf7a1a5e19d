package io.streamkit.server.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code streamkit serve} in a child JVM on a free port, so a test can kill it as an operator's crash would, or stop
 * it as an operator does. The child runs in its data directory, where a JVM crash would leave its
 * {@code hs_err_pid*.log}.
 */
final class ServeProcess implements AutoCloseable {

  static final String ADMIN_KEY = "child-admin-key-0123456789";
  static final String SECRET = "child-signing-secret-0123456789-abcdef";

  private final Process process;
  final int port;
  final Path log;

  private ServeProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ServeProcess start(Path data, String maxHeap, String... options) throws Exception {
    return start(data, maxHeap, java.util.Map.of(), options);
  }

  /** As {@link #start(Path, String, String...)}, with these variables added to the child's environment. */
  static ServeProcess start(Path data, String maxHeap, java.util.Map<String, String> environment, String... options)
      throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap,
        "-cp", System.getProperty("java.class.path"), StreamkitCli.class.getName(), "serve",
        "--data", data.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--signing-key", SECRET, "--admin-key", ADMIN_KEY));
    command.addAll(List.of(options));
    Path log = Files.createTempFile("streamkit-serve", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(data.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // The tests read the lifecycle lines (job stopped, queued again) that a default run keeps quiet.
    builder.environment().put("STREAMKIT_LOG_LEVEL", "info");
    builder.environment().putAll(environment);
    Process process = builder.start();
    ServeProcess serve = new ServeProcess(process, port, log);
    serve.awaitHealthy();
    return serve;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private void awaitHealthy() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("streamkit serve exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        if (http.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("streamkit serve did not become healthy:\n" + tail());
  }

  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** Everything the child wrote to stdout and stderr so far. */
  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, as {@code systemctl stop} sends: shutdown hooks run. Returns the exit status. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("streamkit serve did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** {@code kill -9}: no shutdown hook, no cleanup. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }
}
