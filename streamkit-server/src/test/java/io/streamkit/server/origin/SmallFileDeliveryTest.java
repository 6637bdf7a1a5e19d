package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files up to {@link MemoryBodies#MAX_FILE_BYTES} go from memory, larger ones with {@code sendfile}, uncorked below
 * {@link FileHandler#CORK_FROM_BYTES} and, with few connections open, above it too, corked with many
 * ({@link FileHandler#corks}): over a real socket each arrives byte for byte, whole, in ranges and repeated, and the
 * memory held stays within its limit.
 */
class SmallFileDeliveryTest {

  @TempDir static Path data;
  private static RunningOrigin origin;
  private static String token;
  private static final byte[] atLimit = randomBytes(MemoryBodies.MAX_FILE_BYTES, 1);
  private static final byte[] overLimit = randomBytes(MemoryBodies.MAX_FILE_BYTES + 1, 2);
  private static final byte[] tiny = randomBytes(1, 3);
  private static final byte[] corked = randomBytes((int) FileHandler.CORK_FROM_BYTES, 4);
  private static final byte[] uncorked = randomBytes((int) FileHandler.CORK_FROM_BYTES - 1, 5);

  @BeforeAll
  static void start() throws Exception {
    Path title = Files.createDirectories(data.resolve("titles").resolve("sizes"));
    Files.write(title.resolve("at_limit.m4s"), atLimit);
    Files.write(title.resolve("over_limit.m4s"), overLimit);
    Files.write(title.resolve("tiny.m4s"), tiny);
    Files.write(title.resolve("corked.m4s"), corked);
    Files.write(title.resolve("uncorked.m4s"), uncorked);
    Files.write(title.resolve("empty.m4s"), new byte[0]);
    origin = new RunningOrigin(b -> b.dataDirectory(data));
    token = origin.token("sizes");
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  @Test
  void filesOnBothSidesOfTheLimitArriveWholeAndInRangesEveryTime() throws Exception {
    for (int round = 0; round < 3; round++) {
      for (String name : new String[] {"at_limit", "over_limit", "tiny", "corked"}) {
        byte[] expected = switch (name) {
          case "tiny" -> tiny;
          case "at_limit" -> atLimit;
          case "over_limit" -> overLimit;
          default -> corked;
        };
        String path = "/titles/sizes/" + name + ".m4s?token=" + token;
        HttpResponse<byte[]> whole = origin.get(path);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("content-length")).hasValue(Integer.toString(expected.length));
        assertThat(whole.body()).as(name + ", round " + round).isEqualTo(expected);

        int last = expected.length - 1;
        HttpResponse<byte[]> tail = origin.get(path, "Range", "bytes=" + (last / 2) + "-");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(expected, last / 2, expected.length));
      }
    }
    HttpResponse<byte[]> middle = origin.get("/titles/sizes/at_limit.m4s?token=" + token, "Range", "bytes=1000-1999");
    assertThat(middle.headers().firstValue("content-range")).hasValue("bytes 1000-1999/" + atLimit.length);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(atLimit, 1000, 2000));

    HttpResponse<byte[]> empty = origin.get("/titles/sizes/empty.m4s?token=" + token);
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
    HttpResponse<byte[]> head = origin.head("/titles/sizes/at_limit.m4s?token=" + token);
    assertThat(head.headers().firstValue("content-length")).hasValue(Integer.toString(atLimit.length));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void largeBodiesAreCorkedOnlyOnceOpenConnectionsTimesTheirLengthReachTheBudget() {
    long budget = FileHandler.UNCORKED_BUDGET_BYTES;
    assertThat(FileHandler.corks(FileHandler.CORK_FROM_BYTES - 1, 100_000)).as("below the cork size").isFalse();
    assertThat(FileHandler.corks(256 * 1024, 64)).as("256 KiB, 64 connections").isFalse();
    assertThat(FileHandler.corks(256 * 1024, 1000)).as("256 KiB, 1,000 connections").isTrue();
    assertThat(FileHandler.corks(1024 * 1024, 64)).as("1 MiB, 64 connections").isTrue();
    assertThat(FileHandler.corks(budget, 0)).as("a body of the whole budget").isTrue();
  }

  /**
   * A file the origin holds open, rewritten shorter in place (the same file truncated: not how StreamKit writes, but
   * how {@code cp} does): within its recheck second a response may still start from the open descriptor, announcing the
   * old length; it ends when the file does, and the request after it finds the file as it is now.
   */
  @Test
  void aFileShrunkInPlaceEndsTheResponseFromItsOpenDescriptorAndTheNextArrivesWhole() throws Exception {
    Path file = data.resolve("titles").resolve("sizes").resolve("shrunk.m4s");
    byte[] before = randomBytes(4 * MemoryBodies.MAX_FILE_BYTES, 6);
    byte[] after = randomBytes(2 * MemoryBodies.MAX_FILE_BYTES, 7);
    Files.write(file, before);
    String path = "/titles/sizes/shrunk.m4s?token=" + token;
    assertThat(origin.get(path).body()).isEqualTo(before);

    Files.write(file, after);
    RunningOrigin.Attempts attempts = RunningOrigin.untilAnswered(2, () -> origin.get(path));
    HttpResponse<byte[]> whole = attempts.response();
    assertThat(attempts.failures()).as("responses that ended short").hasSizeLessThanOrEqualTo(1);
    assertThat(whole).isNotNull();
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(after);
  }

  /** With enough connections open that the origin corks, the corked way delivers the same bytes. */
  @Test
  void underManyOpenConnectionsACorkedBodyArrivesWholeAndInRanges() throws Exception {
    int idle = (int) (FileHandler.UNCORKED_BUDGET_BYTES / corked.length) + 1;
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < idle; i++) {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", origin.port()));
      }
      assertThat(FileHandler.corks(corked.length, idle + 1)).isTrue();
      String path = "/titles/sizes/corked.m4s?token=" + token;
      assertThat(origin.get(path).body()).isEqualTo(corked);
      int rounds = 10;
      long started = System.nanoTime();
      for (int round = 0; round < rounds; round++) {
        assertThat(origin.get(path).body()).as("round " + round).isEqualTo(corked);
      }
      // A corked body's tail, less than a full segment, leaves when the origin uncorks; a socket left corked holds it
      // for the kernel's 200 ms cork timer (tcp(7), TCP_CORK), on every response.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("%d corked responses, one after another", rounds)
          .isLessThan(Duration.ofMillis(200L * rounds));
      HttpResponse<byte[]> tail = origin.get(path, "Range", "bytes=1000-");
      assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(corked, 1000, corked.length));
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /**
   * A client that reads slowly fills the socket: a response's last write is then still queued after the flush, and
   * the response ends (is counted, lets the next pipelined request through) only once its last byte is written.
   * Forty pipelined requests for a file sent uncorked, 10 MB in all (more than Linux's largest TCP send buffer,
   * {@code tcp_wmem}'s 4 MiB by default), then one for each other way a file is sent, read only after the origin has
   * filled the socket, come back in order and whole, and the origin counts each response and its bytes exactly once.
   */
  @Test
  void pipelinedResponsesToASlowReaderArriveInOrderAndAreEachCountedOnce() throws Exception {
    List<String> names = new ArrayList<>(Collections.nCopies(40, "uncorked"));
    names.addAll(List.of("tiny", "corked", "at_limit"));
    Map<String, byte[]> bodies = Map.of("uncorked", uncorked, "tiny", tiny, "corked", corked, "at_limit", atLimit);
    try (RunningOrigin fresh = new RunningOrigin(b -> b.dataDirectory(data)); Socket socket = new Socket()) {
      String freshToken = fresh.token("sizes");
      socket.setReceiveBufferSize(4 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", fresh.port()));
      socket.setSoTimeout(10_000);
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < names.size(); i++) {
        requests.append("GET /titles/sizes/").append(names.get(i)).append(".m4s?token=").append(freshToken)
            .append(" HTTP/1.1\r\nHost: x\r\n").append(i == names.size() - 1 ? "Connection: close\r\n" : "")
            .append("\r\n");
      }
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
      Thread.sleep(300);
      List<RunningOrigin.RawResponse> responses = RunningOrigin.RawResponse.readAll(socket.getInputStream());

      assertThat(responses).hasSize(names.size());
      long total = 0;
      for (int i = 0; i < names.size(); i++) {
        assertThat(responses.get(i).status()).isEqualTo(200);
        assertThat(responses.get(i).body()).as(i + ": " + names.get(i)).isEqualTo(bodies.get(names.get(i)));
        total += bodies.get(names.get(i)).length;
      }
      // The connection closes as the last response's write completes, a moment before that response is counted.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (fresh.responses(Route.MEDIA, 200) < names.size() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(fresh.responses(Route.MEDIA, 200)).isEqualTo(names.size());
      assertThat(fresh.sentBytes(Route.MEDIA)).isEqualTo(total);
    }
  }

  @Test
  void filesBeyondTheMemoryLimitAreSentFromTheirDescriptorAndTheRoomComesBackWithTheFile() throws Exception {
    Path dir = Files.createDirectories(data.resolve("budget"));
    MemoryBodies bodies = new MemoryBodies(2 * 1000);
    OpenFile[] files = new OpenFile[3];
    for (int i = 0; i < files.length; i++) {
      Path file = Files.write(dir.resolve(i + ".m4s"), randomBytes(1000, 10 + i));
      FileChannel channel = FileChannel.open(file);
      files[i] = OpenFile.single(channel, 0);
    }
    assertThat(files[0].body(bodies, ByteBufAllocator.DEFAULT)).isNotNull();
    assertThat(files[1].body(bodies, ByteBufAllocator.DEFAULT)).isNotNull();
    assertThat(files[2].body(bodies, ByteBufAllocator.DEFAULT)).as("a third would pass the limit").isNull();
    assertThat(files[2].inMemory()).isFalse();
    assertThat(bodies.heldBytes()).isEqualTo(2000);

    files[0].release();
    assertThat(bodies.heldBytes()).isEqualTo(1000);
    assertThat(files[2].body(bodies, ByteBufAllocator.DEFAULT).getByte(999))
        .isEqualTo(randomBytes(1000, 12)[999]);
    files[1].release();
    files[2].release();
    assertThat(bodies.heldBytes()).isZero();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
