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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With TLS the body cannot go through sendfile; it must arrive intact as chunks through the cipher. */
class TlsDeliveryTest {

  @Test
  void segmentsAndRangesArriveIntactOverHttps(@TempDir Path dir) throws Exception {
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
    HttpClient https = HttpClient.newBuilder().sslContext(clientContext).build();

    try (RunningOrigin origin = new RunningOrigin(b -> b.tls(sslServer(kmf)))) {
      String token = origin.token(TestTitles.FMP4);
      URI segment = URI.create("https://127.0.0.1:" + origin.port() + "/titles/" + TestTitles.FMP4
          + "/v0/seg_00002.m4s?token=" + token);
      byte[] expected = Files.readAllBytes(TestTitles.title(TestTitles.FMP4).resolve("v0/seg_00002.m4s"));

      HttpResponse<byte[]> whole = https.send(HttpRequest.newBuilder(segment).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<byte[]> range = https.send(HttpRequest.newBuilder(segment).header("Range", "bytes=10-19").build(),
          HttpResponse.BodyHandlers.ofByteArray());

      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.body()).isEqualTo(expected);
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(expected, 10, 20));
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
