package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's nginx as a child process, configured with the repository's reference edge configuration
 * ({@code docs/cdn/nginx-edge.conf}) in front of an origin: its own prefix, temporary, cache and log directories under
 * the given directory, in the foreground ({@code daemon off}), stopped on close. The access log has one line per
 * viewer request: {@code <uri> <status> <body bytes> <cache status>}.
 */
final class EdgeNginx implements AutoCloseable {

  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final String EDGE_CONFIG = "docs/cdn/nginx-edge.conf";

  private final Process process;
  private final Path directory;
  private final int port;

  private EdgeNginx(Process process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
  }

  /**
   * Skips the calling test when nginx is not installed, except in CI, where its absence (or an nginx without
   * {@code auth_request}) is a failure.
   */
  static void assumeInstalled() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!Files.isExecutable(NGINX)) {
      if (ci) {
        fail(NGINX + " is missing; CI must install the nginx package (.ci/run does)");
      }
      Assumptions.assumeTrue(false, "edge test skipped: install nginx (apt-get install nginx) to run it");
    }
    String build = run(NGINX.toString(), "-V");
    if (!build.contains("http_auth_request_module")) {
      fail(NGINX + " lacks http_auth_request_module (nginx -V); install Debian's nginx package");
    }
  }

  /** Starts nginx in {@code directory} in front of the origin at 127.0.0.1:{@code originPort}. */
  static EdgeNginx start(Path directory, int originPort) throws IOException, InterruptedException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path cache = Files.createDirectories(directory.resolve("cache"));
    Path temp = Files.createDirectories(directory.resolve("temp"));
    String edge = Files.readString(repositoryFile(EDGE_CONFIG))
        .replace("${EDGE_LISTEN}", "127.0.0.1:" + port)
        .replace("${ORIGIN}", "127.0.0.1:" + originPort)
        .replace("${CACHE_DIR}", cache.toString());
    Files.writeString(directory.resolve("streamkit-edge.conf"), edge);
    // Workers run as the user starting nginx (as root, nginx would otherwise switch to nobody, who cannot enter a
    // JUnit temporary directory); the directive is ignored, with a warning, for anyone else.
    String main = "user " + System.getProperty("user.name") + ";\n"
        + "worker_processes 2;\n"
        + "pid " + directory.resolve("nginx.pid") + ";\n"
        + "error_log " + directory.resolve("error.log") + " warn;\n"
        + "events { worker_connections 1024; }\n"
        + "http {\n"
        + "  client_body_temp_path " + temp.resolve("client_body") + ";\n"
        + "  proxy_temp_path " + temp.resolve("proxy") + ";\n"
        + "  fastcgi_temp_path " + temp.resolve("fastcgi") + ";\n"
        + "  uwsgi_temp_path " + temp.resolve("uwsgi") + ";\n"
        + "  scgi_temp_path " + temp.resolve("scgi") + ";\n"
        + "  log_format edge '$uri $status $body_bytes_sent $upstream_cache_status';\n"
        + "  access_log " + directory.resolve("access.log") + " edge;\n"
        + "  include " + directory.resolve("streamkit-edge.conf") + ";\n"
        + "}\n";
    Path conf = directory.resolve("nginx.conf");
    Files.writeString(conf, main);
    Process process = new ProcessBuilder(NGINX.toString(), "-p", directory + "/", "-c", conf.toString(),
        "-e", directory.resolve("error.log").toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(directory.resolve("nginx.out").toFile()).start();
    EdgeNginx nginx = new EdgeNginx(process, directory, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + nginx.errors());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return nginx;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    nginx.close();
    throw new IllegalStateException("nginx did not listen on " + port + " within 10 s: " + nginx.errors());
  }

  int port() {
    return port;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** The access log so far: one line per viewer request. */
  List<String> accessLog() throws IOException {
    Path log = directory.resolve("access.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** Cache misses per URI in the access log, for media (the lines whose cache status is MISS). */
  Map<String, Integer> missesByUri() throws IOException {
    Map<String, Integer> misses = new HashMap<>();
    for (String line : accessLog()) {
      String[] f = line.split(" ");
      if (f.length == 4 && f[3].equals("MISS")) {
        misses.merge(f[0], 1, Integer::sum);
      }
    }
    return misses;
  }

  String errors() {
    try {
      Path log = directory.resolve("error.log");
      Path out = directory.resolve("nginx.out");
      return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A file of this repository, found from the module directory the tests run in. */
  static Path repositoryFile(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
