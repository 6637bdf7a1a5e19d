package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The origin's caches move with an injected clock: what they serve stale, for how long, and when they look again. */
class CacheClockTest {

  @TempDir Path data;

  /** A Caffeine ticker the test moves by hand. */
  private static final class ManualTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  @Test
  void aStatusChangedElsewhereIsServedStaleUntilTheRefreshThenFollowed() {
    ManualTicker ticker = new ManualTicker();
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      Title title = store.catalog().create("cached", "");
      for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
        store.catalog().transition(title.id(), next);
      }
      Queue<Runnable> loads = new ConcurrentLinkedQueue<>();
      TitleVisibility visibility = new TitleVisibility(store.catalog(), store.profiles(), loads::add, ticker, Clock.systemUTC(),
          false, null, false);
      PlaybackClaims viewer = PlaybackClaims.builder().title(title.id().toString()).viewer("v")
          .expiresAt(Instant.now().plusSeconds(60)).build();
      CompletableFuture<TitleVisibility.Decision> first = visibility.decide(viewer, ViewerRegion.UNCHECKED);
      assertThat(first).as("the first lookup waits for the catalog, off the caller's thread").isNotDone();
      runAll(loads);
      assertThat(first.join()).isEqualTo(TitleVisibility.Decision.ALLOWED);

      store.catalog().transition(title.id(), TitleStatus.READY);
      assertThat(visibility.decide(viewer, ViewerRegion.UNCHECKED)).as("cached, not yet due for a refresh")
          .isCompletedWithValue(TitleVisibility.Decision.ALLOWED);
      assertThat(loads).isEmpty();
      ticker.advance(TitleVisibility.REFRESH_AFTER.plusMillis(1));
      assertThat(visibility.decide(viewer, ViewerRegion.UNCHECKED)).as("served stale at once while the refresh waits")
          .isCompletedWithValue(TitleVisibility.Decision.ALLOWED);
      assertThat(loads).hasSize(1);
      runAll(loads);
      assertThat(visibility.decide(viewer, ViewerRegion.UNCHECKED)).as("refreshed")
          .isCompletedWithValue(TitleVisibility.Decision.NOT_PUBLISHED);

      store.catalog().transition(title.id(), TitleStatus.PUBLISHED);
      visibility.invalidate(title.id().toString());
      CompletableFuture<TitleVisibility.Decision> reloaded = visibility.decide(viewer, ViewerRegion.UNCHECKED);
      runAll(loads);
      assertThat(reloaded.join()).as("a change on this node is followed at once")
          .isEqualTo(TitleVisibility.Decision.ALLOWED);
    }
  }

  @Test
  void aCachedWindowOpensAndClosesOnTimeWithoutAReload() {
    Instant opens = Instant.parse("2026-07-01T00:00:00Z");
    Instant closes = opens.plusSeconds(3600);
    try (StreamkitStore store = StreamkitStore.builder().dataDirectory(data).build()) {
      Title title = store.catalog().create("scheduled", "");
      store.catalog().editMetadata(title.id(), null, m -> m.withAvailability(opens, closes));
      for (TitleStatus next : List.of(TitleStatus.PROCESSING, TitleStatus.READY, TitleStatus.PUBLISHED)) {
        store.catalog().transition(title.id(), next);
      }
      Queue<Runnable> loads = new ConcurrentLinkedQueue<>();
      AtomicLong wallClock = new AtomicLong(opens.minusMillis(1).toEpochMilli());
      Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(wallClock.get());
        }
      };
      TitleVisibility visibility = new TitleVisibility(store.catalog(), store.profiles(), loads::add, new ManualTicker(), clock,
          false, null, false);
      PlaybackClaims viewer = PlaybackClaims.builder().title(title.id().toString()).viewer("v")
          .expiresAt(Instant.now().plusSeconds(60)).build();
      CompletableFuture<TitleVisibility.Decision> first = visibility.decide(viewer, ViewerRegion.UNCHECKED);
      runAll(loads);
      assertThat(first.join()).as("a millisecond before it opens").isEqualTo(TitleVisibility.Decision.NOT_AVAILABLE);

      wallClock.set(opens.toEpochMilli());
      assertThat(visibility.decide(viewer, ViewerRegion.UNCHECKED))
          .isCompletedWithValue(TitleVisibility.Decision.ALLOWED);
      wallClock.set(closes.toEpochMilli());
      assertThat(visibility.decide(viewer, ViewerRegion.UNCHECKED)).as("the end is exclusive")
          .isCompletedWithValue(TitleVisibility.Decision.NOT_AVAILABLE);
      assertThat(loads).as("decided from the cached window, no reload").isEmpty();
      PlaybackClaims preview = PlaybackClaims.builder().title(title.id().toString()).viewer("m").preview(true)
          .expiresAt(Instant.now().plusSeconds(60)).build();
      assertThat(visibility.decide(preview, ViewerRegion.UNCHECKED))
          .isCompletedWithValue(TitleVisibility.Decision.ALLOWED);
    }
  }

  private static void runAll(Queue<Runnable> tasks) {
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      task.run();
    }
  }

  @Test
  void aDirectorySwappedForALinkIsTrustedOnlyUntilItsRecheck() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Path titles = Files.createDirectories(data.resolve("titles"));
    Path variant = Files.createDirectories(titles.resolve("a").resolve("v0"));
    Files.writeString(variant.resolve("seg.m4s"), "a's segment");
    Path other = Files.createDirectories(titles.resolve("b").resolve("v0"));
    Files.writeString(other.resolve("seg.m4s"), "b's segment");
    MediaRoot root = new MediaRoot(data, ticker);
    RequestPath segment = RequestPath.parse("/titles/a/v0/seg.m4s");
    assertThat(root.resolve(segment)).isNotNull();

    Files.delete(variant.resolve("seg.m4s"));
    Files.delete(variant);
    Files.createSymbolicLink(variant, other);
    ticker.advance(MediaRoot.DIRECTORY_RECHECK.minusMillis(1));
    assertThat(root.resolve(segment)).as("within the recheck window the directory is trusted").isNotNull();
    ticker.advance(Duration.ofMillis(2));
    assertThat(root.resolve(segment)).as("rechecked: a link to another title").isNull();
  }

  @Test
  void aFileReplacedByARenameIsServedFromItsOpenCopyUntilTheRecheckAndAResponseKeepsItsCopyOpen() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Path variant = Files.createDirectories(data.resolve("titles").resolve("a").resolve("v0"));
    Path segment = Files.writeString(variant.resolve("seg.m4s"), "first");
    MediaRoot root = new MediaRoot(data, ticker);
    RequestPath path = RequestPath.parse("/titles/a/v0/seg.m4s");
    OpenFile sending = root.open(path);

    Files.move(Files.writeString(variant.resolve("seg.tmp"), "second!"), segment,
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    OpenFile within = root.open(path);
    assertThat(within).as("within the recheck window the open file is served").isSameAs(sending);
    within.release();

    ticker.advance(MediaRoot.FILE_RECHECK);
    OpenFile after = root.open(path);
    assertThat(read(after)).isEqualTo("second!");
    assertThat(sending.channel().isOpen()).as("a response still sending the old file keeps it open").isTrue();
    assertThat(read(sending)).isEqualTo("first");
    sending.release();
    assertThat(sending.channel().isOpen()).as("closed with its last response").isFalse();

    root.closeFiles();
    assertThat(after.channel().isOpen()).as("held by its response after the cache let go").isTrue();
    after.release();
    assertThat(after.channel().isOpen()).isFalse();
  }

  @Test
  void aSmallFileRewrittenInPlaceIsServedWholeAsFirstReadUntilTheRecheck() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Path variant = Files.createDirectories(data.resolve("titles").resolve("a").resolve("v0"));
    Path segment = Files.writeString(variant.resolve("seg.m4s"), "first version");
    MediaRoot root = new MediaRoot(data, ticker);
    MemoryBodies bodies = new MemoryBodies();
    RequestPath path = RequestPath.parse("/titles/a/v0/seg.m4s");
    OpenFile first = root.open(path);
    assertThat(text(first.body(bodies, ByteBufAllocator.DEFAULT))).isEqualTo("first version");
    first.release();

    Files.writeString(segment, "second, longer version");
    OpenFile within = root.open(path);
    assertThat(within).as("within the recheck window the bytes read first are served, whole").isSameAs(first);
    assertThat(text(within.body(bodies, ByteBufAllocator.DEFAULT))).isEqualTo("first version");
    within.release();

    ticker.advance(MediaRoot.FILE_RECHECK);
    OpenFile after = root.open(path);
    assertThat(text(after.body(bodies, ByteBufAllocator.DEFAULT))).isEqualTo("second, longer version");
    after.release();
    assertThat(bodies.heldBytes()).as("the first version's bytes went with its open file")
        .isEqualTo("second, longer version".length());
    root.closeFiles();
    assertThat(bodies.heldBytes()).isZero();
  }

  @Test
  void aPlaylistIsTrustedUntilItsRecheckOrAnEditThroughTheOrigin() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Path title = Files.createDirectories(data.resolve("titles").resolve("a"));
    Path master = Files.writeString(title.resolve("master.m3u8"), "#EXTM3U\n");
    Files.createDirectories(data.resolve("titles").resolve("b"));
    Path other = Files.writeString(data.resolve("titles").resolve("b").resolve("master.m3u8"), "#EXTM3U\n");
    MediaRoot root = new MediaRoot(data, ticker);
    RequestPath path = RequestPath.parse("/titles/a/master.m3u8");
    RequestPath otherPath = RequestPath.parse("/titles/b/master.m3u8");
    long firstSize = root.resolveTrusted(path).attributes().size();
    root.resolveTrusted(otherPath);

    Files.writeString(master, "#EXTM3U\n#EXT-X-VERSION:7\n");
    Files.writeString(other, "#EXTM3U\n#EXT-X-VERSION:7\n");
    assertThat(root.resolveTrusted(path).attributes().size()).as("trusted within the recheck window")
        .isEqualTo(firstSize);
    root.titleChanged("a");
    assertThat(root.resolveTrusted(path).attributes().size()).as("an edit of the title ends the trust at once")
        .isEqualTo(Files.size(master));
    assertThat(root.resolveTrusted(otherPath).attributes().size()).as("another title's trust is kept")
        .isEqualTo(firstSize);
    ticker.advance(MediaRoot.FILE_RECHECK);
    assertThat(root.resolveTrusted(otherPath).attributes().size()).isEqualTo(Files.size(other));

    Files.delete(master);
    ticker.advance(MediaRoot.FILE_RECHECK);
    assertThat(root.resolveTrusted(path)).as("rechecked: gone").isNull();
  }

  private static String text(ByteBuf body) {
    return body.toString(StandardCharsets.US_ASCII);
  }

  private static String read(OpenFile file) throws Exception {
    ByteBuffer bytes = ByteBuffer.allocate((int) file.size());
    file.channel().read(bytes, 0);
    return new String(bytes.array(), StandardCharsets.US_ASCII);
  }
}
