package io.streamkit.storage.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3 server for tests: s3proxy with its file-system backend, run as a child process from its self-contained
 * jar (copied into {@code target/s3proxy/} by the build and named by the system property
 * {@value #JAR_PROPERTY}), on a free loopback port, with its objects in a directory of the test's.
 */
public final class S3ProxyServer implements AutoCloseable {

  /** System property naming s3proxy's jar; the module's build sets it for the tests. */
  public static final String JAR_PROPERTY = "streamkit.s3proxy.jar";
  /** The access key id the server accepts. */
  public static final String ACCESS_KEY = "streamkit-test";
  /** The secret key the server accepts. */
  public static final String SECRET_KEY = "streamkit-test-secret";

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private S3ProxyServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /**
   * Starts a server whose buckets live under {@code directory}, each given bucket created empty.
   *
   * @param directory a directory of the test's
   * @param buckets buckets to create
   * @return the running server
   */
  public static S3ProxyServer start(Path directory, String... buckets) throws IOException, InterruptedException {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("s3proxy's jar is not at " + jar + "; run the tests through Maven, which"
          + " copies it (system property " + JAR_PROPERTY + ")");
    }
    Path data = Files.createDirectories(directory.resolve("s3-data"));
    for (String bucket : buckets) {
      Files.createDirectories(data.resolve(bucket));
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    Path properties = directory.resolve("s3proxy.conf");
    Files.write(properties, List.of(
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        // Browsers PUT parts of direct uploads from another origin and read each part's ETag.
        "s3proxy.cors-allow-all=true",
        "s3proxy.cors-exposed-headers=ETag",
        "jclouds.provider=filesystem-nio2",
        "jclouds.filesystem.basedir=" + data));
    Path log = directory.resolve("s3proxy.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar, "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    S3ProxyServer server = new S3ProxyServer(process, endpoint, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          server.close();
          throw new IllegalStateException("s3proxy did not listen on " + endpoint + " within 60 s: "
              + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  /** {@return the server's address} */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * A storage builder pointed at this server.
   *
   * @param location {@code s3://BUCKET[/PREFIX]}
   * @return a builder with endpoint, path style, region and credentials set
   */
  public S3Storage.Builder storage(String location) {
    return S3Storage.builder().location(location).endpoint(endpoint).pathStyle(true).region("us-east-1")
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
  }

  /** {@return what the server printed so far} */
  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
