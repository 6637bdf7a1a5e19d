package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The origin's per-request path for a media segment GET whose token is already in the verified-token cache: request
 * decoding ({@link PlainRequestDecoder}, which reads a plain head in place, and {@link RequestDecoder}), the
 * rate-limit and {@link TokenGate} checks, the file lookup ({@link MediaRoot}: the file kept open, trusted for
 * {@link MediaRoot#FILE_RECHECK} after its path was checked), the response head and the body handed to the channel as
 * a {@link FileRegion} (or, for a small file, a slice of its bytes in memory), encoded by the origin's response
 * encoder ({@link ReusedHeadEncoder}). The handlers are the origin's own, built by {@link OriginServer} and added by
 * {@link OriginPipeline} to an {@link EmbeddedChannel} whose peer is a loopback address, so the path is the real one
 * without a socket: what is left out is the kernel's part ({@code read}, {@code sendfile}, {@code TCP_CORK} on epoll)
 * and Netty's transport.
 *
 * <p>{@code origin} picks the origin: {@code plain} without a store (delivery only); {@code store} with an H2 store
 * and Common Media Client Data reading off ({@link OriginServer.Builder#clientData}); {@code store-cmcd} with it on,
 * the default. Requests carry no CMCD, so the last two differ only by what a request without CMCD pays.
 *
 * <p>The request cycles through eight segment files of one title, as a player's requests do, on one keep-alive
 * connection with one token. Each operation writes the request bytes (one pooled buffer, rewound, passed in a reused
 * argument array, so the harness allocates nothing itself), reads every message the pipeline wrote and releases it,
 * a file region marked as sent in full, as the transport's {@code sendfile} marks it. The number that matters is
 * {@code gc.alloc.rate.norm}, the bytes allocated per request, which does not depend on the load of the machine; the
 * time per operation does.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar SegmentRequestBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SegmentRequestBenchmark {

  private static final String TITLE = "bench";
  private static final int SEGMENTS = 8;
  private static final byte[] SECRET = "benchmark-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
  /**
   * A file region's count of bytes sent, which the epoll transport's {@code sendfile} writes from native code; set
   * here to the whole region, as a socket that took every byte leaves it. A region released with bytes unsent is a
   * response cut short, after which the origin checks the file on disk again (an {@code lstat} and its objects).
   */
  private static final VarHandle TRANSFERRED;

  static {
    try {
      TRANSFERRED = MethodHandles.privateLookupIn(DefaultFileRegion.class, MethodHandles.lookup())
          .findVarHandle(DefaultFileRegion.class, "transferred", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Param({"plain", "store", "store-cmcd"})
  public String origin;

  /**
   * The size of each segment: 1 MiB goes by {@code sendfile} (a {@link FileRegion}), 16 KiB (an init segment, a key,
   * a small part) from memory ({@link MemoryBodies}).
   */
  @Param({"1048576", "16384"})
  public int segmentBytes;

  private Path data;
  private StreamkitStore store;
  private EmbeddedChannel channel;
  private ByteBuf[] requests;
  /** The argument array of {@code writeInbound}, reused so that the call allocates no varargs array. */
  private final Object[] inbound = new Object[1];
  private int next;

  /** An in-memory channel whose peer is a loopback address, as a local player's connection would be. */
  private static final class LoopbackChannel extends EmbeddedChannel {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 50_000);

    LoopbackChannel() {
      super(false, false);
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return PEER;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    data = Files.createTempDirectory("streamkit-segment-bench");
    Path rendition = Files.createDirectories(data.resolve("titles").resolve(TITLE).resolve("v0"));
    for (int i = 1; i <= SEGMENTS; i++) {
      Files.write(rendition.resolve(segmentName(i)), new byte[segmentBytes]);
    }
    String token = PlaybackTokenSigner.hs256(SECRET).sign(PlaybackClaims.builder().viewer("viewer-1").title(TITLE)
        .sessionId("session-1").expiresAt(Instant.now().plus(Duration.ofHours(2))).clientIp("127.0.0.1").build());
    OriginServer.Builder builder = OriginServer.builder().dataDirectory(data)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build());
    if (!origin.equals("plain")) {
      store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
      builder.store(store).clientData(origin.equals("store-cmcd"));
    }
    OriginServer server = builder.build();

    channel = new LoopbackChannel();
    server.newPipeline().addHandlers(channel);
    channel.register();

    requests = new ByteBuf[SEGMENTS];
    for (int i = 0; i < SEGMENTS; i++) {
      byte[] request = ("GET /titles/" + TITLE + "/v0/" + segmentName(i + 1) + "?token=" + token + " HTTP/1.1\r\n"
          + "Host: origin.example\r\nUser-Agent: player/1.0\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      requests[i] = PooledByteBufAllocator.DEFAULT.directBuffer(request.length).writeBytes(request);
    }
    // The first request verifies the token's signature and fills the caches; every later one is the cached path.
    for (int i = 0; i < SEGMENTS; i++) {
      if (request() < segmentBytes) {
        throw new IllegalStateException("the origin did not answer a segment request with the whole segment: "
            + "check the benchmark's title and token");
      }
    }
  }

  private static String segmentName(int i) {
    return String.format("seg_%05d.m4s", i);
  }

  /**
   * One segment request through the pipeline; returns the bytes sent: the file region's, or every buffer's (the head
   * and a body from memory), to check and consume.
   */
  @Benchmark
  public long request() {
    ByteBuf request = requests[next];
    next = (next + 1) % SEGMENTS;
    inbound[0] = request.retain().readerIndex(0);
    channel.writeInbound(inbound);
    long body = 0;
    for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
      if (written instanceof DefaultFileRegion region) {
        body += region.count();
        TRANSFERRED.set(region, region.count());
      } else if (written instanceof ByteBuf buffer) {
        body += buffer.readableBytes();
      }
      ReferenceCountUtil.release(written);
    }
    return body;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    channel.finishAndReleaseAll();
    if (store != null) {
      store.close();
    }
    for (ByteBuf request : requests) {
      request.release();
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
