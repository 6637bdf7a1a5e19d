package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With TLS the body cannot go through sendfile; it must arrive intact as chunks through the cipher, and a file that
 * ends before its response does must end that response.
 */
class TlsDeliveryTest {

  @Test
  void segmentsAndRangesArriveIntactOverHttps(@TempDir Path dir) throws Exception {
    Keys keys = Keys.make(dir);
    try (RunningOrigin origin = new RunningOrigin(b -> b.tls(sslServer(keys.server())))) {
      String token = origin.token(TestTitles.FMP4);
      URI segment = URI.create("https://127.0.0.1:" + origin.port() + "/titles/" + TestTitles.FMP4
          + "/v0/seg_00002.m4s?token=" + token);
      byte[] expected = Files.readAllBytes(TestTitles.title(TestTitles.FMP4).resolve("v0/seg_00002.m4s"));

      HttpResponse<byte[]> whole = keys.client().send(HttpRequest.newBuilder(segment).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<byte[]> range = keys.client().send(
          HttpRequest.newBuilder(segment).header("Range", "bytes=10-19").build(),
          HttpResponse.BodyHandlers.ofByteArray());

      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(expected);
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(expected, 10, 20));
    }
  }

  @Test
  void aFileShrunkInPlaceEndsTheResponseFromItsOpenDescriptorAndTheNextArrivesWhole(@TempDir Path dir)
      throws Exception {
    Keys keys = Keys.make(dir);
    Path data = dir.resolve("data");
    Path file = Files.createDirectories(data.resolve("titles").resolve("sizes")).resolve("seg.m4s");
    byte[] before = new byte[400_000];
    byte[] after = new byte[150_000];
    new Random(1).nextBytes(before);
    new Random(2).nextBytes(after);
    Files.write(file, before);
    try (RunningOrigin origin = new RunningOrigin(b -> b.tls(sslServer(keys.server())).dataDirectory(data))) {
      HttpRequest get = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + origin.port()
          + "/titles/sizes/seg.m4s?token=" + origin.token("sizes"))).timeout(Duration.ofSeconds(30)).build();
      assertThat(keys.client().send(get, HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(before);

      Files.write(file, after); // the same file, truncated and written again
      RunningOrigin.Attempts attempts = RunningOrigin.untilAnswered(2,
          () -> keys.client().send(get, HttpResponse.BodyHandlers.ofByteArray()));
      HttpResponse<byte[]> whole = attempts.response();
      // Within a second of the rewrite the first response may still come from the descriptor opened before it: it
      // must end (not send empty chunks for ever), and the request after it finds the file as it is now.
      assertThat(attempts.failures()).as("responses that ended short").hasSizeLessThanOrEqualTo(1);
      assertThat(whole).isNotNull();
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(after);
    }
  }

  /** A self-signed key for 127.0.0.1 made with the JDK's keytool, and a client that trusts it. */
  private record Keys(KeyManagerFactory server, HttpClient client) {
    static Keys make(Path dir) throws Exception {
      char[] password = "changeit".toCharArray();
      Path keystore = dir.resolve("origin.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process p = new ProcessBuilder(keytool, "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
          "-alias", "origin", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        ks.load(in, password);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext clientContext = SSLContext.getInstance("TLS");
      clientContext.init(null, tmf.getTrustManagers(), null);
      return new Keys(kmf, HttpClient.newBuilder().sslContext(clientContext).build());
    }
  }

  private static io.netty.handler.ssl.SslContext sslServer(KeyManagerFactory kmf) {
    try {
      return SslContextBuilder.forServer(kmf).build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException(e);
    }
  }
}
