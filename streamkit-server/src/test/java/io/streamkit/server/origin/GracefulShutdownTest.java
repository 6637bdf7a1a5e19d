package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Closing the origin lets a response in flight finish and drops idle connections at once. */
class GracefulShutdownTest {

  @Test
  void aResponseInFlightCompletesWhileTheServerStops() throws Exception {
    Path big = TestTitles.title(TestTitles.TS).resolve("v0/big.ts");
    byte[] content = new byte[24 * 1024 * 1024];
    new Random(7).nextBytes(content);
    Files.write(big, content);
    RunningOrigin origin = new RunningOrigin(b -> b.drainTimeout(Duration.ofSeconds(20)));
    String token = origin.token(TestTitles.TS);

    try (Socket inFlight = new Socket();
        Socket idle = new Socket("127.0.0.1", origin.port())) {
      inFlight.setReceiveBufferSize(16 * 1024);
      inFlight.connect(new java.net.InetSocketAddress("127.0.0.1", origin.port()));
      inFlight.setSoTimeout(20_000);
      idle.setSoTimeout(5_000);
      inFlight.getOutputStream().write(("GET /titles/" + TestTitles.TS + "/v0/big.ts?token=" + token
          + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = inFlight.getInputStream();
      byte[] first = in.readNBytes(64 * 1024);
      assertThat(first.length).isEqualTo(64 * 1024);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(origin::close);
      assertThat(idle.getInputStream().read()).as("idle connection closed at once").isEqualTo(-1);
      assertThat(closing).as("still draining").isNotDone();
      assertThatThrownBy(() -> new Socket("127.0.0.1", origin.port()).close())
          .as("no new connections while draining").isInstanceOf(IOException.class);

      byte[] rest = in.readAllBytes();
      String all = new String(first, StandardCharsets.ISO_8859_1) + new String(rest, StandardCharsets.ISO_8859_1);
      int bodyStart = all.indexOf("\r\n\r\n") + 4;
      assertThat(all.length() - bodyStart).as("whole body received").isEqualTo(content.length);
      closing.get(20, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      Files.deleteIfExists(big);
    }
  }
}
