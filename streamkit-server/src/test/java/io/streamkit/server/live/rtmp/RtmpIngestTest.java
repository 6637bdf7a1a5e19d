package io.streamkit.server.live.rtmp;

import static io.streamkit.server.live.rtmp.RtmpClients.exitCode;
import static io.streamkit.server.live.rtmp.RtmpClients.handshaken;
import static io.streamkit.server.live.rtmp.RtmpClients.millisUntilClosed;
import static io.streamkit.server.live.rtmp.RtmpClients.probe;
import static io.streamkit.server.live.rtmp.RtmpClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamkit.server.TestVideos;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * RTMP ingest over real sockets, published by the bundled ffmpeg's own RTMP client (its {@code rtmp} protocol) and
 * judged by ffprobe reading what the application's reader wrote.
 */
class RtmpIngestTest {

  private static final double CLIP_SECONDS = 4;

  @TempDir static Path media;
  static Path clip;
  static Path longClip;

  @TempDir Path out;
  RecordingPublishers publishers;
  RtmpServer server;
  ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void makeClips() throws Exception {
    clip = TestVideos.make(media.resolve("clip.mp4"), (int) CLIP_SECONDS, 320, 240);
    longClip = TestVideos.make(media.resolve("long.mp4"), 40, 160, 120);
  }

  @BeforeEach
  void start() {
    publishers = new RecordingPublishers(out, "alpha", "beta", "fast");
    server = RtmpServer.builder().port(0).bindAddress("127.0.0.1").publishers(publishers)
        .handshakeTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(2))
        .maxLeadAheadOfRealTime(Duration.ofSeconds(3)).maxMessageBytes(1024 * 1024).build().start();
    logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RtmpServer.class);
    logger.addAppender(logs);
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void stop() {
    server.close();
    Logger logger = (Logger) LoggerFactory.getLogger(RtmpServer.class);
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  private List<String> closings() {
    synchronized (logs) {
      return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("closing")).toList();
    }
  }

  @Test
  void aPublishedClipArrivesAsFlvWithItsH264VideoAacAudioAndDuration() throws Exception {
    // Encoding as it publishes, as a live encoder does.
    Process ffmpeg = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"),
        "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac");

    assertThat(exitCode(ffmpeg, 30)).as(Files.readString(out.resolve("alpha.log"))).isZero();
    RecordingPublishers.Outcome outcome = publishers.outcome("alpha").get(10, TimeUnit.SECONDS);
    assertThat(outcome.failure()).isNull();
    RtmpPublication publication = publishers.started("alpha").get();
    assertThat(publication.app()).isEqualTo("live");
    assertThat(publication.bytesReceived()).isGreaterThan(outcome.bytes() / 2);
    RtmpClients.Probe probe = probe(outcome.file());
    assertThat(probe.codecs()).containsExactly("aac", "h264");
    assertThat(probe.lastVideoSeconds()).isBetween(CLIP_SECONDS - 0.3, CLIP_SECONDS + 0.3);
    assertThat(probe.lastAudioSeconds()).isBetween(CLIP_SECONDS - 0.3, CLIP_SECONDS + 0.3);
    assertThat(RtmpClients.metadataEncoder(outcome.file())).startsWith("Lavf");
    assertThat(closings()).isEmpty();
  }

  @Test
  void anHevcPublisherOverEnhancedRtmpArrivesAsHevc() throws Exception {
    // As OBS publishes HEVC (and HDR): enhanced RTMP's extended video tag header, passed through as FLV.
    Process ffmpeg = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"),
        "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-c:a", "aac");

    assertThat(exitCode(ffmpeg, 30)).as(Files.readString(out.resolve("alpha.log"))).isZero();
    RecordingPublishers.Outcome outcome = publishers.outcome("alpha").get(10, TimeUnit.SECONDS);
    assertThat(outcome.failure()).isNull();
    RtmpClients.Probe probe = probe(outcome.file());
    assertThat(probe.codecs()).containsExactly("aac", "hevc");
    assertThat(probe.lastVideoSeconds()).isBetween(CLIP_SECONDS - 0.3, CLIP_SECONDS + 0.3);
    assertThat(closings()).isEmpty();
  }

  @Test
  void twoPublishersOnDifferentKeysBothArriveComplete() throws Exception {
    Process alpha = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"));
    Process beta = publish(server.port(), "beta", clip, true, out.resolve("beta.log"));

    assertThat(exitCode(alpha, 30)).isZero();
    assertThat(exitCode(beta, 30)).isZero();
    for (String key : List.of("alpha", "beta")) {
      RecordingPublishers.Outcome outcome = publishers.outcome(key).get(10, TimeUnit.SECONDS);
      assertThat(outcome.failure()).as(key).isNull();
      RtmpClients.Probe probe = probe(outcome.file());
      assertThat(probe.codecs()).as(key).containsExactly("aac", "h264");
      assertThat(probe.lastVideoSeconds()).as(key).isBetween(CLIP_SECONDS - 0.3, CLIP_SECONDS + 0.3);
    }
  }

  @Test
  void anUnknownKeyIsRefusedAndASecondPublisherOnALiveKeyLeavesTheFirstUnharmed() throws Exception {
    Process unknown = publish(server.port(), "nobody", clip, true, out.resolve("nobody.log"));
    assertThat(exitCode(unknown, 15)).isNotZero();
    assertThat(publishers.published("nobody")).isFalse();
    assertThat(closings()).anyMatch(line -> line.contains("live/nobody refused: unknown stream key"));

    Process first = publish(server.port(), "alpha", clip, true, out.resolve("first.log"));
    publishers.started("alpha").get(10, TimeUnit.SECONDS);
    Process second = publish(server.port(), "alpha", clip, true, out.resolve("second.log"));
    assertThat(exitCode(second, 15)).isNotZero();
    assertThat(first.isAlive()).isTrue();

    assertThat(exitCode(first, 30)).isZero();
    RecordingPublishers.Outcome outcome = publishers.outcome("alpha").get(10, TimeUnit.SECONDS);
    assertThat(outcome.failure()).isNull();
    assertThat(probe(outcome.file()).lastVideoSeconds()).isBetween(CLIP_SECONDS - 0.3, CLIP_SECONDS + 0.3);
    assertThat(closings()).anyMatch(line -> line.contains("live/alpha is already publishing"));
  }

  @Test
  void badClientsAreClosedWhileAGoodPublisherContinues() throws Exception {
    Process good = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"));
    publishers.started("alpha").get(10, TimeUnit.SECONDS);

    try (Socket http = new Socket("127.0.0.1", server.port())) {
      http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(millisUntilClosed(http, 2_000)).isLessThan(1_000);
    }
    try (Socket stalled = new Socket("127.0.0.1", server.port())) {
      stalled.getOutputStream().write(new byte[] {3, 0, 0, 0});
      assertThat(millisUntilClosed(stalled, 3_000)).isBetween(700L, 2_500L);
    }
    try (Socket hugeChunks = handshaken(server.port())) {
      // Set Chunk Size 2^31-1 on chunk stream 2 (RTMP spec §5.4.1): far beyond any message.
      hugeChunks.getOutputStream().write(new byte[] {2, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x7F, -1, -1, -1});
      assertThat(millisUntilClosed(hugeChunks, 2_000)).isLessThan(1_000);
    }
    try (Socket hugeMessage = handshaken(server.port())) {
      // A video message declaring 16 MiB - 1, over the 1 MiB limit.
      hugeMessage.getOutputStream().write(new byte[] {4, 0, 0, 0, -1, -1, -1, 9, 1, 0, 0, 0});
      assertThat(millisUntilClosed(hugeMessage, 2_000)).isLessThan(1_000);
    }
    try (Socket silent = handshaken(server.port())) {
      assertThat(millisUntilClosed(silent, 4_000)).isBetween(1_500L, 3_500L);
    }
    Process fast = publish(server.port(), "fast", longClip, false, out.resolve("fast.log"));
    RecordingPublishers.Outcome fastOutcome = publishers.outcome("fast").get(20, TimeUnit.SECONDS);
    assertThat(fastOutcome.failure()).hasMessageContaining("lead real time");
    exitCode(fast, 20);

    assertThat(exitCode(good, 30)).isZero();
    RecordingPublishers.Outcome outcome = publishers.outcome("alpha").get(10, TimeUnit.SECONDS);
    assertThat(outcome.failure()).isNull();
    assertThat(probe(outcome.file()).lastVideoSeconds()).isBetween(CLIP_SECONDS - 0.3, CLIP_SECONDS + 0.3);
    List<String> closings = closings();
    assertThat(closings).hasSize(6).allMatch(line -> !line.contains("\n"));
    assertThat(String.join("\n", closings)).contains("handshake version byte 71", "handshake not finished",
        "Set Chunk Size 2147483647", "more than the limit of 1048576", "idle timeout", "lead real time");
  }

  @Test
  void closingTheMediaStreamClosesThePublisher() throws Exception {
    publishers.readerClosesAfter(50_000);
    Process ffmpeg = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"));

    RecordingPublishers.Outcome outcome = publishers.outcome("alpha").get(10, TimeUnit.SECONDS);
    assertThat(outcome.bytes()).isLessThan(200_000);
    assertThat(exitCode(ffmpeg, 10)).isNotZero();
    assertThat(closings()).anyMatch(line -> line.contains("the media reader closed its stream"));
  }

  @Test
  void aPublisherKilledMidStreamFailsItsReaderPromptly() throws Exception {
    Process ffmpeg = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"));
    publishers.started("alpha").get(10, TimeUnit.SECONDS);
    Thread.sleep(1_000);

    ffmpeg.destroyForcibly().waitFor();
    long killed = System.nanoTime();
    RecordingPublishers.Outcome outcome = publishers.outcome("alpha").get(5, TimeUnit.SECONDS);
    assertThat((System.nanoTime() - killed) / 1_000_000).isLessThan(1_000);
    assertThat(outcome.failure()).hasMessageContaining("lost before the publication ended");
    assertThat(outcome.bytes()).isGreaterThan(0);
  }

  @Test
  void anApplicationClosingAPublicationDisconnectsItsPublisher() throws Exception {
    Process ffmpeg = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"));
    RtmpPublication publication = publishers.started("alpha").get(10, TimeUnit.SECONDS);

    publication.close("stream key revoked");
    assertThat(exitCode(ffmpeg, 10)).isNotZero();
    assertThat(publishers.outcome("alpha").get(5, TimeUnit.SECONDS).failure())
        .hasMessage("stream key revoked");
    assertThat(closings()).anyMatch(line -> line.endsWith("closing: stream key revoked"));
  }

  @Test
  void closingTheServerFailsTheReadersOfLivePublicationsWithThatReason() throws Exception {
    Process ffmpeg = publish(server.port(), "alpha", clip, true, out.resolve("alpha.log"));
    publishers.started("alpha").get(10, TimeUnit.SECONDS);

    server.close();
    assertThat(publishers.outcome("alpha").get(5, TimeUnit.SECONDS).failure())
        .hasMessage("the server is closing");
    assertThat(exitCode(ffmpeg, 10)).isNotZero();
  }

  @Test
  void aPlayerIsRefusedAndConnectionsBeyondTheLimitAreClosed() throws Exception {
    Process player = new ProcessBuilder(RtmpClients.FFMPEG, "-hide_banner", "-loglevel", "error",
        "-i", "rtmp://127.0.0.1:" + server.port() + "/live/alpha", "-f", "null", "-")
        .redirectErrorStream(true).redirectOutput(out.resolve("player.log").toFile()).start();
    assertThat(exitCode(player, 15)).isNotZero();
    assertThat(closings()).anyMatch(line -> line.contains("only accepts publishers"));

    try (RtmpServer single = RtmpServer.builder().port(0).bindAddress("127.0.0.1").publishers(publishers)
        .maxConnections(1).build().start();
        Socket first = handshaken(single.port());
        Socket second = new Socket("127.0.0.1", single.port())) {
      assertThat(millisUntilClosed(second, 2_000)).isLessThan(1_000);
      assertThat(closings()).anyMatch(line -> line.contains("more than 1 connections open"));
      first.setSoTimeout(300);
      assertThatThrownBy(() -> first.getInputStream().read()).as("the connection within the limit stays open")
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void theBuilderNamesTheLimitItsValueBreaks() throws Exception {
    assertThatThrownBy(() -> RtmpServer.builder().maxMessageBytes(100))
        .hasMessage("maxMessageBytes must be between 65536 and 16777215, got 100");
    assertThatThrownBy(() -> RtmpServer.builder().maxLeadAheadOfRealTime(Duration.ofMillis(10)))
        .hasMessage("maxLeadAheadOfRealTime must be between 1000 ms and 3600000 ms, got 10 ms");
    assertThatThrownBy(() -> RtmpServer.builder().build()).hasMessageStartingWith("publishers is required");
    try (ServerSocket taken = new ServerSocket(0)) {
      RtmpServer second = RtmpServer.builder().port(taken.getLocalPort()).publishers(publishers).build();
      assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen on").hasMessageNotContaining("\n");
    }
  }
}
