package io.streamkit.core.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.UnknownTitleException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link LiveStreams} guarantees on every database behind {@link StreamkitStore}. Each test gets a store of its
 * own (a fresh database or schema).
 */
abstract class LiveStreamsContractTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private StreamkitStore store;
  private LiveStreams streams;

  /** A builder for a store on an empty database or schema. */
  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  /** Removes what {@link #emptyStore()} created. */
  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = emptyStore().clock(new SecondsClock(T0)).build();
    streams = store.liveStreams();
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    dropStore();
  }

  @Test
  void aCreatedStreamIsIdleAndFoundByItsIdAndItsKey() {
    CreatedLiveStream created = streams.create("  Morning show ");
    LiveStream stream = created.stream();

    assertThat(stream.name()).isEqualTo("Morning show");
    assertThat(stream.status()).isEqualTo(LiveStatus.IDLE);
    assertThat(UUID.fromString(stream.id()).toString()).isEqualTo(stream.id());
    assertThat(stream.startedAt()).isNull();
    assertThat(stream.endedAt()).isNull();
    assertThat(stream.recordingTitleId()).isNull();
    assertThat(created.streamKey()).as("32 random bytes, Base64url without padding").matches("[A-Za-z0-9_-]{43}");
    assertThat(streams.find(stream.id())).contains(stream);
    assertThat(streams.find(stream.id().toUpperCase())).contains(stream);
    assertThat(streams.findByStreamKey(created.streamKey())).contains(stream);
    assertThat(created.toString()).contains("Morning show").doesNotContain(created.streamKey());

    CreatedLiveStream other = streams.create("Evening show");
    assertThat(other.stream().id()).isNotEqualTo(stream.id());
    assertThat(other.streamKey()).isNotEqualTo(created.streamKey());
    assertThat(streams.findByStreamKey(other.streamKey())).contains(other.stream());
  }

  @Test
  void theDatabaseHoldsOnlyTheKeysHashNeverTheKey() throws Exception {
    CreatedLiveStream created = streams.create("Studio");
    String rotated = streams.rotateKey(created.stream().id());

    List<String> cells = new ArrayList<>();
    String keyHash;
    try (Connection connection = store.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT * FROM streamkit_live_streams")) {
      assertThat(row.next()).isTrue();
      for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
        cells.add(String.valueOf(row.getObject(column)));
      }
      keyHash = row.getString("stream_key_sha256");
      assertThat(row.next()).isFalse();
    }
    assertThat(keyHash).isEqualTo(sha256Hex(rotated));
    for (String cell : cells) {
      assertThat(cell).doesNotContain(created.streamKey()).doesNotContain(rotated);
    }
  }

  @Test
  void keysThatAreNotCurrentFindNothing() {
    streams.create("Studio");

    assertThat(streams.findByStreamKey(null)).isEmpty();
    assertThat(streams.findByStreamKey("")).isEmpty();
    assertThat(streams.findByStreamKey("not-a-key")).isEmpty();
    assertThat(streams.findByStreamKey("x".repeat(10_000))).isEmpty();
    assertThat(streams.find("not-a-uuid")).isEmpty();
    assertThat(streams.find(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  void listingIsNewestFirstInPages() {
    List<String> created = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      created.add(streams.create("Stream " + i).stream().id());
    }

    Page<LiveStream> first = streams.list(PageRequest.first(2));
    Page<LiveStream> second = streams.list(first.nextRequest().orElseThrow());
    Page<LiveStream> third = streams.list(second.nextRequest().orElseThrow());

    assertThat(first.items()).extracting(LiveStream::name).containsExactly("Stream 5", "Stream 4");
    assertThat(second.items()).extracting(LiveStream::name).containsExactly("Stream 3", "Stream 2");
    assertThat(third.items()).extracting(LiveStream::name).containsExactly("Stream 1");
    assertThat(first.hasNext()).isTrue();
    assertThat(second.hasNext()).isTrue();
    assertThat(third.hasNext()).isFalse();
    assertThat(streams.list(new PageRequest(5, 10)).items()).isEmpty();
    assertThat(streams.list(PageRequest.first(10)).items().get(4).id()).isEqualTo(created.get(0));
  }

  @Test
  void aRotatedKeyReplacesTheOldOne() {
    CreatedLiveStream created = streams.create("Studio");
    String id = created.stream().id();

    String newKey = streams.rotateKey(id);

    assertThat(newKey).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(created.streamKey());
    assertThat(streams.findByStreamKey(created.streamKey())).as("the old key").isEmpty();
    assertThat(streams.findByStreamKey(newKey)).map(LiveStream::id).contains(id);
    String unknown = UUID.randomUUID().toString();
    assertThatThrownBy(() -> streams.rotateKey(unknown)).isInstanceOf(UnknownLiveStreamException.class)
        .hasMessageContaining(unknown);
    assertThatThrownBy(() -> streams.rotateKey("not-a-uuid")).isInstanceOf(UnknownLiveStreamException.class);
  }

  @Test
  void aDeletedStreamAndItsKeyAreGone() {
    CreatedLiveStream created = streams.create("Studio");
    CreatedLiveStream kept = streams.create("Other");
    String id = created.stream().id();

    assertThat(streams.delete(id)).isTrue();

    assertThat(streams.find(id)).isEmpty();
    assertThat(streams.findByStreamKey(created.streamKey())).isEmpty();
    assertThat(streams.delete(id)).isFalse();
    assertThat(streams.delete("not-a-uuid")).isFalse();
    assertThat(streams.find(kept.stream().id())).contains(kept.stream());
    assertThatThrownBy(() -> streams.markLive(id, T0)).isInstanceOf(UnknownLiveStreamException.class);
  }

  @Test
  void onlyTheFirstMarkLiveWins() {
    String id = streams.create("Studio").stream().id();
    Instant started = T0.plusNanos(1_234_567);

    assertThat(streams.markLive(id, started)).isTrue();
    assertThat(streams.markLive(id, T0.plusSeconds(5))).as("already live").isFalse();

    LiveStream live = streams.find(id).orElseThrow();
    assertThat(live.status()).isEqualTo(LiveStatus.LIVE);
    assertThat(live.startedAt()).as("the winner's time, to the millisecond").isEqualTo(T0.plusMillis(1));
    assertThat(live.endedAt()).isNull();
    assertThatThrownBy(() -> streams.markLive(UUID.randomUUID().toString(), T0))
        .isInstanceOf(UnknownLiveStreamException.class);
    assertThatThrownBy(() -> streams.markLive(id, null)).isInstanceOf(InvalidValueException.class);
  }

  @Test
  void twoNodesMarkingOneStreamLiveAtOnceExactlyOneWins() throws Exception {
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        String id = streams.create("Race " + round).stream().id();
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int node = 0; node < 2; node++) {
          Instant at = T0.plusSeconds(node);
          attempts.add(nodes.submit(() -> {
            together.await(10, TimeUnit.SECONDS);
            return streams.markLive(id, at);
          }));
        }
        int wins = 0;
        for (Future<Boolean> attempt : attempts) {
          wins += attempt.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(wins).as("round %d", round).isEqualTo(1);
        assertThat(streams.find(id).orElseThrow().status()).isEqualTo(LiveStatus.LIVE);
      }
    } finally {
      nodes.shutdownNow();
    }
  }

  @Test
  void anEndedEventKeepsItsRecordingUntilTheNextOneEnds() {
    String id = streams.create("Studio").stream().id();
    String recording = store.catalog().create("Studio, 1 March", "").id().toString();
    streams.markLive(id, T0);

    streams.markEnded(id, T0.plusSeconds(3600), recording);

    LiveStream ended = streams.find(id).orElseThrow();
    assertThat(ended.status()).isEqualTo(LiveStatus.ENDED);
    assertThat(ended.startedAt()).isEqualTo(T0);
    assertThat(ended.endedAt()).isEqualTo(T0.plusSeconds(3600));
    assertThat(ended.recordingTitleId()).isEqualTo(recording);

    assertThat(streams.markLive(id, T0.plusSeconds(7200))).as("the next event").isTrue();
    LiveStream again = streams.find(id).orElseThrow();
    assertThat(again.startedAt()).isEqualTo(T0.plusSeconds(7200));
    assertThat(again.endedAt()).isNull();
    assertThat(again.recordingTitleId()).isEqualTo(recording);

    streams.markEnded(id, T0.plusSeconds(9000), null);
    assertThat(streams.find(id).orElseThrow().recordingTitleId()).as("not recorded").isNull();
  }

  @Test
  void deletingTheRecordingLeavesTheStream() {
    String id = streams.create("Studio").stream().id();
    UUID recording = store.catalog().create("Studio, 1 March", "").id();
    streams.markLive(id, T0);
    streams.markEnded(id, T0.plusSeconds(60), recording.toString());

    store.catalog().delete(recording);

    LiveStream stream = streams.find(id).orElseThrow();
    assertThat(stream.status()).isEqualTo(LiveStatus.ENDED);
    assertThat(stream.recordingTitleId()).isNull();
  }

  @Test
  void onlyALiveStreamCanEndAndABadRecordingChangesNothing() {
    String id = streams.create("Studio").stream().id();

    assertThatThrownBy(() -> streams.markEnded(id, T0, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is IDLE, not LIVE");
    assertThat(streams.find(id).orElseThrow().status()).isEqualTo(LiveStatus.IDLE);

    streams.markLive(id, T0);
    UUID missingTitle = UUID.randomUUID();
    assertThatThrownBy(() -> streams.markEnded(id, T0.plusSeconds(1), missingTitle.toString()))
        .isInstanceOf(UnknownTitleException.class).hasMessageContaining(missingTitle.toString());
    assertThatThrownBy(() -> streams.markEnded(id, T0.plusSeconds(1), "title-7"))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("recordingTitleId must be a catalog title id");
    LiveStream stillLive = streams.find(id).orElseThrow();
    assertThat(stillLive.status()).isEqualTo(LiveStatus.LIVE);
    assertThat(stillLive.endedAt()).isNull();
    assertThatThrownBy(() -> streams.markEnded(UUID.randomUUID().toString(), T0, null))
        .isInstanceOf(UnknownLiveStreamException.class);
  }

  @Test
  void markIdleTakesALiveStreamOffAirAndLeavesOthersAlone() {
    String id = streams.create("Studio").stream().id();
    streams.markLive(id, T0);

    streams.markIdle(id);

    assertThat(streams.find(id).orElseThrow().status()).isEqualTo(LiveStatus.IDLE);
    streams.markIdle(id);
    assertThat(streams.find(id).orElseThrow().status()).isEqualTo(LiveStatus.IDLE);
    assertThat(streams.markLive(id, T0.plusSeconds(10))).as("a publisher may come back").isTrue();
    streams.markEnded(id, T0.plusSeconds(20), null);
    streams.markIdle(id);
    assertThat(streams.find(id).orElseThrow().status()).as("an ended stream stays ended")
        .isEqualTo(LiveStatus.ENDED);
    assertThatThrownBy(() -> streams.markIdle(UUID.randomUUID().toString()))
        .isInstanceOf(UnknownLiveStreamException.class);
  }

  @Test
  void namesFollowTheTitleNameRule() {
    assertThatThrownBy(() -> streams.create(null)).isInstanceOf(InvalidValueException.class)
        .hasMessage("live stream name is required, got nothing");
    assertThatThrownBy(() -> streams.create("   ")).isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("live stream name must not be blank");
    assertThatThrownBy(() -> streams.create("x".repeat(201))).isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("live stream name must be at most 200 characters, has 201");
    assertThatThrownBy(() -> streams.create("Studio\nB")).isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("live stream name must not contain control characters (found U+000A at character 7)")
        .hasMessageNotContaining("\n");
    assertThat(streams.create("x".repeat(200)).stream().name()).hasSize(200);
    assertThat(streams.list(PageRequest.first(10)).items()).as("nothing refused was stored").hasSize(1);
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Steps one second per reading, so streams created one after another have distinct creation times. */
  private static final class SecondsClock extends Clock {
    private final AtomicLong seconds;

    SecondsClock(Instant start) {
      seconds = new AtomicLong(start.getEpochSecond());
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(seconds.getAndIncrement());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the test clock is UTC only");
    }
  }
}
