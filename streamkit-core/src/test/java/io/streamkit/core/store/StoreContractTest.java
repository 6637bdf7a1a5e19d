package io.streamkit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.access.PlaybackSessions;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.progress.ProgressWriter;
import io.streamkit.core.progress.ProgressWriterFullException;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyException;
import io.streamkit.core.protection.ContentKeyStore;
import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.title.IllegalTransitionException;
import io.streamkit.core.title.Rendition;
import io.streamkit.core.title.SourceFacts;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every database behind {@link StreamkitStore} must show. Each test gets a store of its own (a fresh
 * database or schema), so tests never see each other's rows.
 */
public abstract class StoreContractTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  protected StreamkitStore store;

  /** A builder for a store on an empty database or schema. */
  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  /** Removes what {@link #emptyStore()} created. */
  protected abstract void dropStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = emptyStore().clock(new SteppingClock(T0)).build();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
    dropStore();
  }

  // ---- access policy

  @Test
  void revokingAViewerRefusesTokensIssuedUpToNowOnly() {
    assertThat(store.revocations().viewerRevokedAt("alice")).isEmpty();
    Instant revoked = store.revocations().revokeViewer("alice");

    assertThat(store.revocations().viewerRevokedAt("alice")).contains(revoked);
    assertThat(store.revocations().viewerRevokedAt("bob")).isEmpty();
    assertThat(store.revocations().revokeViewer("alice")).as("revoking again moves the line")
        .isAfterOrEqualTo(revoked);
    store.revocations().revokeViewer("bob");
    assertThat(store.revocations().viewersRevokedSince(Instant.MIN))
        .extracting(r -> r.id()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(store.revocations().viewersRevokedSince(revoked.plus(HOUR))).isEmpty();
    assertThatThrownBy(() -> store.revocations().revokeViewer("not a viewer"))
        .isInstanceOf(InvalidValueException.class);
  }

  @Test
  void revokedSessionsAreForgottenOnceTheirTokensExpire() {
    store.revocations().revokeSession("session-1", T0.plus(HOUR));
    store.revocations().revokeSession("session-2", T0.minusSeconds(1));
    store.revocations().revokeSession("session-2", T0.minusSeconds(1));

    assertThat(store.revocations().isSessionRevoked("session-1")).isTrue();
    assertThat(store.revocations().isSessionRevoked("session-3")).isFalse();
    assertThat(store.revocations().sessionsRevokedSince(Instant.MIN)).as("session-2's tokens have all expired")
        .extracting(r -> r.id()).containsExactly("session-1");
    assertThat(store.revocations().purgeExpired()).isEqualTo(1);
    assertThat(store.revocations().isSessionRevoked("session-2")).isFalse();
    assertThat(store.revocations().isSessionRevoked("session-1")).isTrue();
  }

  @Test
  void aViewerGetsAtMostMaxStreamsSessionsAndAnEndedOneFreesItsSlot() {
    var sessions = store.playbackSessions();
    Duration idle = Duration.ofDays(1);
    assertThat(sessions.admit("s1", "alice", "t", 2, idle)).isEqualTo(PlaybackSessions.Admission.ADMITTED);
    assertThat(sessions.admit("s2", "alice", "t", 2, idle)).isEqualTo(PlaybackSessions.Admission.ADMITTED);
    assertThat(sessions.admit("s1", "alice", "t", 2, idle)).isEqualTo(PlaybackSessions.Admission.CONTINUED);
    assertThat(sessions.admit("s3", "alice", "t", 2, idle)).isEqualTo(PlaybackSessions.Admission.REFUSED);
    assertThat(sessions.admit("b1", "bob", "t", 2, idle)).as("another viewer")
        .isEqualTo(PlaybackSessions.Admission.ADMITTED);
    assertThat(sessions.end("s1", "bob")).as("only the session's own viewer ends it").isFalse();
    assertThat(sessions.end("s1", "alice")).isTrue();

    assertThat(sessions.admit("s3", "alice", "t", 2, idle)).isEqualTo(PlaybackSessions.Admission.ADMITTED);
    assertThat(sessions.active("alice", idle)).isEqualTo(2);
  }

  @Test
  void anIdleSessionEndsByItselfAndATouchedOneLives() {
    var sessions = store.playbackSessions();
    Duration idle = Duration.ofMillis(10);
    assertThat(sessions.admit("s1", "alice", "t", 1, idle)).isEqualTo(PlaybackSessions.Admission.ADMITTED);
    // The stepping clock moves a millisecond per reading: twenty readings later s1 has gone idle.
    IntStream.range(0, 20).forEach(i -> sessions.touch(List.of("unknown")));
    assertThat(sessions.admit("s2", "alice", "t", 1, idle)).isEqualTo(PlaybackSessions.Admission.ADMITTED);
    sessions.touch(List.of("s2"));
    assertThat(sessions.admit("s3", "alice", "t", 1, idle)).isEqualTo(PlaybackSessions.Admission.REFUSED);
  }

  @Test
  void concurrentAdmissionsOfOneViewerNeverExceedTheLimit() throws Exception {
    var sessions = store.playbackSessions();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<PlaybackSessions.Admission>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String id = "s" + i;
        results.add(pool.submit(() -> sessions.admit(id, "alice", "t", 3, Duration.ofDays(1))));
      }
      int admitted = 0;
      for (Future<PlaybackSessions.Admission> r : results) {
        admitted += r.get(30, TimeUnit.SECONDS) == PlaybackSessions.Admission.ADMITTED ? 1 : 0;
      }
      assertThat(admitted).isEqualTo(3);
      assertThat(sessions.active("alice", Duration.ofDays(1))).isEqualTo(3);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- content keys

  private static final String OLD_MASTER_TEXT = MasterKeys.generateText();
  private static final MasterKeys OLD_MASTER = MasterKeys.parse(OLD_MASTER_TEXT, "test");

  @Test
  void contentKeysAreStoredWrappedAndReadBack() throws SQLException {
    Title title = store.catalog().create("Encrypted", "");
    ContentKeyStore keys = store.contentKeys(OLD_MASTER);
    List<ContentKey> made = List.of(ContentKey.generate(), ContentKey.generate());
    keys.save(title.id().toString(), made);
    keys.save(title.id().toString(), made);

    assertThat(keys.find(title.id().toString(), made.get(1).id())).contains(made.get(1));
    assertThat(keys.find(title.id().toString(), ContentKey.generate().id())).isEmpty();
    assertThat(keys.find(UUID.randomUUID().toString(), made.get(0).id())).isEmpty();
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT wrapped_key FROM streamkit_content_keys");
        ResultSet rows = s.executeQuery()) {
      int count = 0;
      while (rows.next()) {
        count++;
        String stored = rows.getString(1);
        for (ContentKey key : made) {
          assertThat(stored).doesNotContain(java.util.Base64.getEncoder().encodeToString(key.key()))
              .doesNotContain(java.util.HexFormat.of().formatHex(key.key()));
        }
      }
      assertThat(count).as("one row per key, saving twice adds none").isEqualTo(2);
    }
  }

  @Test
  void aContentKeyNeedsItsMasterKeyAndItsOwnRow() throws SQLException {
    Title first = store.catalog().create("First", "");
    Title second = store.catalog().create("Second", "");
    ContentKey key = ContentKey.generate();
    store.contentKeys(OLD_MASTER).save(first.id().toString(), List.of(key));

    MasterKeys stranger = MasterKeys.parse(MasterKeys.generateText(), "test");
    assertThatThrownBy(() -> store.contentKeys(stranger).find(first.id().toString(), key.id()))
        .isInstanceOf(ContentKeyException.class).hasMessageContaining("not among the configured ones");

    // A wrapped key copied into another title's row does not unwrap there.
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO streamkit_content_keys (title_id, key_id,"
            + " wrapping_key_id, wrapped_key, created_at) SELECT ?, key_id, wrapping_key_id, wrapped_key, created_at"
            + " FROM streamkit_content_keys WHERE title_id = ?")) {
      s.setObject(1, second.id());
      s.setObject(2, first.id());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    assertThatThrownBy(() -> store.contentKeys(OLD_MASTER).find(second.id().toString(), key.id()))
        .isInstanceOf(ContentKeyException.class).hasMessageContaining("belongs to another title");
  }

  @Test
  void rotatingTheMasterKeyRewrapsEveryContentKeyAndKeepsThem() {
    Title title = store.catalog().create("Encrypted", "");
    List<ContentKey> made = IntStream.range(0, 3).mapToObj(i -> ContentKey.generate()).toList();
    store.contentKeys(OLD_MASTER).save(title.id().toString(), made);
    String newText = MasterKeys.generateText();
    MasterKeys rotated = MasterKeys.parse(newText + "\n" + "# previous\n" + OLD_MASTER_TEXT, "test");

    assertThat(store.rewrapContentKeys(rotated)).isEqualTo(3);
    assertThat(store.rewrapContentKeys(rotated)).isZero();
    MasterKeys newOnly = MasterKeys.parse(newText, "test");
    for (ContentKey key : made) {
      assertThat(store.contentKeys(newOnly).find(title.id().toString(), key.id())).contains(key);
    }
    assertThatThrownBy(() -> store.contentKeys(OLD_MASTER).find(title.id().toString(), made.get(0).id()))
        .isInstanceOf(ContentKeyException.class);
  }

  @Test
  void contentKeysGoWithTheirTitle() {
    Title title = store.catalog().create("Encrypted", "");
    ContentKey key = ContentKey.generate();
    ContentKeyStore keys = store.contentKeys(OLD_MASTER);
    keys.save(title.id().toString(), List.of(key));
    store.catalog().delete(title.id());

    assertThat(keys.find(title.id().toString(), key.id())).isEmpty();
    assertThatThrownBy(() -> keys.save(UUID.randomUUID().toString(), List.of(key)))
        .isInstanceOf(ContentKeyException.class).hasMessageContaining("no such title");
  }

  // ---- catalog

  @Test
  void createdTitleReadsBackAsUploaded() {
    Title created = store.catalog().create("Big Buck Bunny", "A rabbit's revenge.");

    Title read = store.catalog().get(created.id()).orElseThrow();

    assertThat(read).isEqualTo(created);
    assertThat(read.status()).isEqualTo(TitleStatus.UPLOADED);
    assertThat(read.progressPercent()).isZero();
    assertThat(read.durationIfKnown()).isEmpty();
    assertThat(read.renditions()).isEmpty();
  }

  @Test
  void unknownTitleIsEmptyOnReadAndRefusedOnChange() {
    UUID missing = UUID.randomUUID();

    assertThat(store.catalog().get(missing)).isEmpty();
    assertThatThrownBy(() -> store.catalog().transition(missing, TitleStatus.PROCESSING))
        .isInstanceOf(UnknownTitleException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.catalog().delete(missing))
        .isInstanceOf(UnknownTitleException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void blankNameIsRefusedNamingTheField() {
    assertThatThrownBy(() -> store.catalog().create("  ", ""))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("title name").hasMessageContaining("'  '");
  }

  @Test
  void controlCharactersInTitleTextAreRefusedBeforeTheDatabaseSeesThem() {
    assertThatThrownBy(() -> store.catalog().create("Sintel\u0000", ""))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("title name").hasMessageContaining("U+0000");
    assertThatThrownBy(() -> store.catalog().create("Sintel", "A dragon\u0000"))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("title description")
        .hasMessageContaining("U+0000");

    assertThat(store.catalog().list(PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void titleTextIsStoredTrimmedWithLineBreaksAndTabs() {
    Title created = store.catalog().create("  Sintel\t", "Part one\r\n\tPart two \u00e9\ud83d\udc09\n");

    Title read = store.catalog().get(created.id()).orElseThrow();
    assertThat(read.name()).isEqualTo("Sintel");
    assertThat(read.description()).isEqualTo("Part one\n\tPart two \u00e9\ud83d\udc09");
  }

  @Test
  void workflowMovesAreStoredAndIllegalMovesLeaveTheStatus() {
    UUID id = store.catalog().create("Sintel", "").id();

    assertThatThrownBy(() -> store.catalog().transition(id, TitleStatus.PUBLISHED))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("UPLOADED").hasMessageContaining("PUBLISHED");
    assertThat(store.catalog().get(id).orElseThrow().status()).isEqualTo(TitleStatus.UPLOADED);

    store.catalog().transition(id, TitleStatus.PROCESSING);
    assertThat(store.catalog().reportProgress(id, 40).progressPercent()).isEqualTo(40);
    store.catalog().transition(id, TitleStatus.READY);
    Title published = store.catalog().transition(id, TitleStatus.PUBLISHED);

    assertThat(published.status()).isEqualTo(TitleStatus.PUBLISHED);
    assertThat(store.catalog().get(id).orElseThrow().status()).isEqualTo(TitleStatus.PUBLISHED);
    assertThat(store.catalog().get(id).orElseThrow().progressPercent()).isEqualTo(100);
  }

  @Test
  void concurrentMovesOfOneTitleSerialiseSoExactlyOneWins() throws Exception {
    UUID id = store.catalog().create("Contested", "").id();
    store.catalog().transition(id, TitleStatus.PROCESSING);
    int threads = 6;
    AtomicInteger moved = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();

    runConcurrently(threads, t -> {
      try {
        store.catalog().transition(id, TitleStatus.READY);
        moved.incrementAndGet();
      } catch (IllegalTransitionException e) {
        assertThat(e.from()).isEqualTo(TitleStatus.READY);
        refused.incrementAndGet();
      }
    });

    assertThat(moved).hasValue(1);
    assertThat(refused).hasValue(threads - 1);
  }

  @Test
  void failureKeepsTheMessageUntilProcessingIsRetried() {
    UUID id = store.catalog().create("Broken upload", "").id();
    store.catalog().transition(id, TitleStatus.PROCESSING);

    store.catalog().fail(id, "input.mov has no video stream (found: audio aac 48 kHz)");
    Title failed = store.catalog().get(id).orElseThrow();
    assertThat(failed.status()).isEqualTo(TitleStatus.FAILED);
    assertThat(failed.errorMessage()).isEqualTo("input.mov has no video stream (found: audio aac 48 kHz)");
    assertThat(failed.statusReasonIfAny()).hasValue(failed.errorMessage());

    Title retried = store.catalog().transition(id, TitleStatus.PROCESSING);
    assertThat(store.catalog().get(id).orElseThrow()).isEqualTo(retried);
    assertThat(retried.errorMessageIfFailed()).isEmpty();
    assertThat(retried.statusReasonIfAny()).isEmpty();
  }

  @Test
  void aStatusReasonIsStoredWithTheTitleAndClearedWhenItMovesOn() {
    UUID id = store.catalog().create("Disputed", "").id();
    store.catalog().transition(id, TitleStatus.PROCESSING);
    store.catalog().transition(id, TitleStatus.READY);
    store.catalog().transition(id, TitleStatus.PUBLISHED);

    store.catalog().transition(id, TitleStatus.READY, "Rights expire on 2026-04-01");
    assertThat(store.catalog().get(id).orElseThrow().statusReasonIfAny()).hasValue("Rights expire on 2026-04-01");
    store.catalog().transition(id, TitleStatus.PUBLISHED);
    assertThat(store.catalog().get(id).orElseThrow().statusReasonIfAny()).isEmpty();

    Title rejected = store.catalog().transition(id, TitleStatus.REJECTED, "Contains copyrighted music \u266b");
    Title read = store.catalog().get(id).orElseThrow();
    assertThat(read).isEqualTo(rejected);
    assertThat(read.status()).isEqualTo(TitleStatus.REJECTED);
    assertThat(read.statusReasonIfAny()).hasValue("Contains copyrighted music \u266b");
  }

  @Test
  void aBadReasonLeavesTheTitleWhereItWas() {
    UUID id = store.catalog().create("Uploaded", "").id();

    assertThatThrownBy(() -> store.catalog().transition(id, TitleStatus.REJECTED, "Spam\u0000"))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("status reason")
        .hasMessageContaining("U+0000");
    assertThat(store.catalog().get(id).orElseThrow().status()).isEqualTo(TitleStatus.UPLOADED);
  }

  @Test
  void progressPercentIsOnlyReportedWhileProcessingAndWithinRange() {
    UUID id = store.catalog().create("Tears of Steel", "").id();
    assertThatThrownBy(() -> store.catalog().reportProgress(id, 10))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("UPLOADED");

    store.catalog().transition(id, TitleStatus.PROCESSING);
    assertThatThrownBy(() -> store.catalog().reportProgress(id, 101))
        .isInstanceOf(InvalidValueException.class).hasMessageContaining("progressPercent").hasMessageContaining("101");
    assertThat(store.catalog().get(id).orElseThrow().progressPercent()).isZero();
  }

  @Test
  void sourceFactsAndRenditionsReadBackInLadderOrder() {
    UUID id = store.catalog().create("Elephants Dream", "").id();
    SourceFacts facts = new SourceFacts("mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac", 1920, 1080, 24.0, 8_000_000);
    store.catalog().describeSource(id, Duration.ofMillis(653_791), facts);
    List<Rendition> ladder = List.of(
        new Rendition("1080p", 1920, 1080, 6_100_000, 4_900_000, "avc1.640028,mp4a.40.2", 24, "1080p/index.m3u8"),
        new Rendition("360p", 640, 360, 900_000, 700_000, "avc1.64001e,mp4a.40.2", 24, "360p/index.m3u8"),
        new Rendition("720p", 1280, 720, 3_200_000, 2_600_000, "avc1.64001f,mp4a.40.2", 24, "720p/index.m3u8"));
    store.catalog().setRenditions(id, ladder);
    store.catalog().setRenditions(id, ladder.subList(0, 3));

    Title read = store.catalog().get(id).orElseThrow();
    assertThat(read.source()).isEqualTo(facts);
    assertThat(read.duration()).isEqualTo(Duration.ofMillis(653_791));
    assertThat(read.renditions()).containsExactlyElementsOf(ladder);

    store.catalog().setRenditions(id, List.of(ladder.get(1)));
    assertThat(store.catalog().get(id).orElseThrow().renditions()).containsExactly(ladder.get(1));
  }

  @Test
  void audioOnlyTitleKeepsItsPicturelessSourceAndRenditions() {
    UUID id = store.catalog().create("Episode 12", "").id();
    SourceFacts facts = new SourceFacts("mp3", null, "mp3", 0, 0, 0, 128_000);
    store.catalog().describeSource(id, Duration.ofMillis(1_801_500), facts);
    List<Rendition> variants = List.of(
        new Rendition("audio", 0, 0, 140_000, 131_000, "mp4a.40.2", 0, "audio/index.m3u8"));
    store.catalog().setRenditions(id, variants);

    Title read = store.catalog().get(id).orElseThrow();
    assertThat(read.source()).isEqualTo(facts);
    assertThat(read.renditions()).containsExactlyElementsOf(variants);
    assertThat(read.renditions().get(0).audioOnly()).isTrue();
  }

  @Test
  void listPagesNewestFirstAndFiltersByStatus() {
    List<UUID> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(store.catalog().create("Title " + i, "").id());
    }
    store.catalog().transition(created.get(1), TitleStatus.PROCESSING);
    store.catalog().transition(created.get(3), TitleStatus.PROCESSING);
    List<UUID> newestFirst = new ArrayList<>(created);
    Collections.reverse(newestFirst);

    List<UUID> seen = new ArrayList<>();
    Page<Title> page = store.catalog().list(PageRequest.first(2));
    seen.addAll(page.items().stream().map(Title::id).toList());
    assertThat(page.hasNext()).isTrue();
    page = store.catalog().list(page.nextRequest().orElseThrow());
    seen.addAll(page.items().stream().map(Title::id).toList());
    page = store.catalog().list(page.nextRequest().orElseThrow());
    seen.addAll(page.items().stream().map(Title::id).toList());

    assertThat(page.hasNext()).isFalse();
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(store.catalog().list(TitleStatus.PROCESSING, PageRequest.first(10)).items())
        .extracting(Title::id).containsExactly(created.get(3), created.get(1));
  }

  @Test
  void deleteRemovesTheTitleWithItsProgressAndEvents() {
    UUID id = store.catalog().create("Short-lived", "").id();
    store.progress().upsert(reading("viewer-1", id, 60, T0));
    store.events().appendBatch(List.of(event(PlaybackEventType.PLAY, id, T0)));

    store.catalog().delete(id);

    assertThat(store.catalog().get(id)).isEmpty();
    assertThat(store.progress().get("viewer-1", id)).isEmpty();
    assertThat(store.events().findByTitle(id, T0.minusSeconds(1), T0.plusSeconds(1), 10)).isEmpty();
  }

  // ---- progress

  @Test
  void progressReadsBackAndIsCompletedFromNinetyFivePercent() {
    UUID id = title();
    store.progress().upsert(WatchProgress.ofSeconds("viewer-1", id, 3419.5, 3600, T0));
    store.progress().upsert(WatchProgress.ofSeconds("viewer-2", id, 3420, 3600, T0));

    WatchProgress almost = store.progress().get("viewer-1", id).orElseThrow();
    assertThat(almost.position()).isEqualTo(Duration.ofMillis(3_419_500));
    assertThat(almost.completed()).isFalse();
    assertThat(store.progress().get("viewer-2", id).orElseThrow().completed()).isTrue();
    assertThat(store.progress().get("viewer-3", id)).isEmpty();
  }

  @Test
  void olderClientTimestampNeverOverwritesNewer() {
    UUID id = title();
    assertThat(store.progress().upsert(reading("viewer-1", id, 600, T0.plusSeconds(10)))).isTrue();

    assertThat(store.progress().upsert(reading("viewer-1", id, 30, T0))).isFalse();
    assertThat(store.progress().get("viewer-1", id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(600));

    assertThat(store.progress().upsert(reading("viewer-1", id, 700, T0.plusSeconds(20)))).isTrue();
    assertThat(store.progress().get("viewer-1", id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(700));
  }

  @Test
  void batchUpsertKeepsTheNewestPerKeyAcrossManyStatements() {
    UUID id = title();
    store.progress().upsert(reading("viewer-0", id, 900, T0.plusSeconds(100)));
    List<WatchProgress> batch = new ArrayList<>();
    for (int v = 0; v < 2_500; v++) {
      batch.add(reading("viewer-" + v, id, 10, T0.plusSeconds(1)));
      batch.add(reading("viewer-" + v, id, 20, T0.plusSeconds(2)));
    }
    Collections.shuffle(batch, new Random(7));

    store.progress().upsertAll(batch);

    assertThat(store.progress().get("viewer-0", id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(900));
    assertThat(store.progress().get("viewer-1", id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(20));
    assertThat(store.progress().get("viewer-2499", id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(20));
    assertThat(progressRows(id)).isEqualTo(2_500);
  }

  @Test
  void progressForUnknownTitleIsRefusedNamingTheId() {
    UUID known = title();
    UUID missing = UUID.randomUUID();

    assertThatThrownBy(() -> store.progress().upsert(reading("viewer-1", missing, 5, T0)))
        .isInstanceOf(UnknownTitleException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> store.progress().upsertAll(List.of(reading("viewer-1", known, 5, T0),
        reading("viewer-1", missing, 5, T0))))
        .isInstanceOfSatisfying(UnknownTitleException.class, e -> assertThat(e.titleIds()).containsExactly(missing));
  }

  @Test
  void continueWatchingListsStartedUnfinishedTitlesMostRecentFirst() {
    UUID early = title();
    UUID late = title();
    UUID finished = title();
    UUID notStarted = title();
    UUID someoneElses = title();
    store.progress().upsertAll(List.of(
        reading("viewer-1", early, 100, T0),
        reading("viewer-1", late, 200, T0.plusSeconds(60)),
        reading("viewer-1", finished, 3500, T0.plusSeconds(120)),
        reading("viewer-1", notStarted, 0, T0.plusSeconds(180)),
        reading("viewer-2", someoneElses, 300, T0.plusSeconds(240))));

    Page<WatchProgress> first = store.progress().continueWatching("viewer-1", PageRequest.first(1));
    Page<WatchProgress> second = store.progress().continueWatching("viewer-1", first.nextRequest().orElseThrow());

    assertThat(first.items()).extracting(WatchProgress::titleId).containsExactly(late);
    assertThat(second.items()).extracting(WatchProgress::titleId).containsExactly(early);
    assertThat(second.hasNext()).isFalse();
    assertThat(store.progress().continueWatching("viewer-9", PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void concurrentOutOfOrderUpsertsEndWithTheNewestReading() throws Exception {
    UUID id = title();
    int threads = 8;
    int perThread = 60;
    List<Integer> seconds = new ArrayList<>(IntStream.rangeClosed(1, threads * perThread).boxed().toList());
    Collections.shuffle(seconds, new Random(42));

    runConcurrently(threads, t -> {
      for (int s : seconds.subList(t * perThread, (t + 1) * perThread)) {
        store.progress().upsert(reading("viewer-1", id, s, T0.plusSeconds(s)));
      }
    });

    WatchProgress stored = store.progress().get("viewer-1", id).orElseThrow();
    assertThat(stored.clientTimestamp()).isEqualTo(T0.plusSeconds(threads * perThread));
    assertThat(stored.position()).isEqualTo(Duration.ofSeconds(threads * perThread));
  }

  // ---- write-behind

  @Test
  void writerUnderConcurrentOutOfOrderSubmitsStoresTheNewestPerViewer() throws Exception {
    UUID id = title();
    int viewers = 40;
    int readingsPerViewer = 60;
    List<WatchProgress> readings = new ArrayList<>();
    for (int v = 0; v < viewers; v++) {
      for (int s = 1; s <= readingsPerViewer; s++) {
        readings.add(reading("viewer-" + v, id, s * 10 + v, T0.plusSeconds(s)));
      }
    }
    Collections.shuffle(readings, new Random(3));
    int threads = 6;
    int share = (readings.size() + threads - 1) / threads;

    try (ProgressWriter writer = ProgressWriter.builder(store.progress())
        .flushInterval(Duration.ofMillis(2)).batchSize(16).maxPending(1_000).build()) {
      runConcurrently(threads, t -> {
        for (WatchProgress r : readings.subList(t * share, Math.min((t + 1) * share, readings.size()))) {
          writer.submit(r);
        }
      });
    }

    for (int v = 0; v < viewers; v++) {
      WatchProgress stored = store.progress().get("viewer-" + v, id).orElseThrow();
      assertThat(stored.clientTimestamp()).as("viewer-" + v).isEqualTo(T0.plusSeconds(readingsPerViewer));
      assertThat(stored.position()).isEqualTo(Duration.ofSeconds(readingsPerViewer * 10L + v));
    }
  }

  @Test
  void writerFlushAndCloseLoseNothingAndCoalesceRepeatedHeartbeats() {
    UUID id = title();
    ProgressWriter writer = ProgressWriter.builder(store.progress())
        .flushInterval(Duration.ofMinutes(1)).batchSize(5_000).maxPending(10_000).build();
    for (int v = 0; v < 3_000; v++) {
      writer.submit(reading("viewer-" + v, id, 5, T0));
    }
    writer.submit(reading("viewer-0", id, 9, T0.plusSeconds(4)));
    writer.submit(reading("viewer-0", id, 7, T0.plusSeconds(2)));

    writer.flush();
    assertThat(progressRows(id)).isEqualTo(3_000);
    assertThat(store.progress().get("viewer-0", id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(9));

    writer.submit(reading("viewer-3000", id, 5, T0));
    writer.close();
    assertThat(progressRows(id)).isEqualTo(3_001);
    assertThat(writer.stats().coalesced()).isEqualTo(2);
    assertThat(writer.stats().written()).isEqualTo(3_001);
    assertThatThrownBy(() -> writer.submit(reading("viewer-1", id, 5, T0)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void writerDropsReadingsForDeletedTitlesAndKeepsTheRest() {
    UUID kept = title();
    UUID deleted = title();
    try (ProgressWriter writer = ProgressWriter.builder(store.progress())
        .flushInterval(Duration.ofMinutes(1)).build()) {
      writer.submit(reading("viewer-1", kept, 5, T0));
      writer.submit(reading("viewer-1", deleted, 5, T0));
      store.catalog().delete(deleted);
      writer.flush();
      assertThat(writer.stats().dropped()).isEqualTo(1);
    }
    assertThat(store.progress().get("viewer-1", kept)).isPresent();
  }

  @Test
  void writerRefusesReadingsWhileTheDatabaseIsBlockedAndWritesTheTakenOnesAfterwards() throws Exception {
    UUID id = title();
    List<WatchProgress> stale = IntStream.range(0, 30).mapToObj(v -> reading("viewer-" + v, id, 1, T0)).toList();
    store.progress().upsertAll(stale);
    List<WatchProgress> taken = new ArrayList<>();
    ProgressWriterFullException refused = null;

    try (Connection blocker = store.dataSource().getConnection();
         ProgressWriter writer = ProgressWriter.builder(store.progress()).flushInterval(Duration.ofMillis(5))
             .batchSize(2).maxPending(4).offerTimeout(Duration.ofMillis(200)).build()) {
      blocker.setAutoCommit(false);
      try (PreparedStatement lock = blocker.prepareStatement(
          "SELECT viewer_id FROM streamkit_progress WHERE title_id = ? FOR UPDATE")) {
        lock.setObject(1, id);
        lock.executeQuery().close();
      }
      for (int v = 0; v < 30 && refused == null; v++) {
        WatchProgress fresh = reading("viewer-" + v, id, 50, T0.plusSeconds(60));
        try {
          writer.submit(fresh);
          taken.add(fresh);
        } catch (ProgressWriterFullException e) {
          refused = e;
        }
      }
      blocker.commit();
    }

    assertThat(refused).as("a reading refused while the rows were locked").isNotNull();
    assertThat(refused).hasMessageContaining("maxPending");
    assertThat(taken).hasSizeBetween(4, 29);
    for (WatchProgress reading : taken) {
      assertThat(store.progress().get(reading.viewerId(), id).orElseThrow().position())
          .isEqualTo(Duration.ofSeconds(50));
    }
    String firstRefused = "viewer-" + taken.size();
    assertThat(store.progress().get(firstRefused, id).orElseThrow().position()).isEqualTo(Duration.ofSeconds(1));
  }

  // ---- events

  @Test
  void eventsAppendInBatchesAndQueryByTitleInTimeOrder() {
    UUID first = title();
    UUID second = title();
    PlaybackEvent play = event(PlaybackEventType.PLAY, first, T0);
    PlaybackEvent stall = new PlaybackEvent(PlaybackEventType.REBUFFER_START, "viewer-1", first, "session-1",
        Duration.ofMillis(12_345), Map.of("rendition", "720p", "bufferMs", "0"), T0.plusSeconds(12));
    PlaybackEvent other = event(PlaybackEventType.PLAY, second, T0.plusSeconds(1));
    PlaybackEvent later = event(PlaybackEventType.ENDED, first, T0.plusSeconds(3600));

    store.events().appendBatch(List.of(stall, other, later, play));

    assertThat(store.events().findByTitle(first, T0, T0.plusSeconds(3600), 100)).containsExactly(play, stall);
    assertThat(store.events().findByTitle(first, T0, T0.plusSeconds(3601), 1)).containsExactly(play);
    assertThat(store.events().findByTitle(second, T0, T0.plusSeconds(3600), 100)).containsExactly(other);
  }

  @Test
  void eventBatchWithAnUnknownTitleStoresNothing() {
    UUID known = title();
    UUID missing = UUID.randomUUID();

    assertThatThrownBy(() -> store.events().appendBatch(List.of(event(PlaybackEventType.PLAY, known, T0),
        event(PlaybackEventType.PLAY, missing, T0))))
        .isInstanceOfSatisfying(UnknownTitleException.class, e -> assertThat(e.titleIds()).containsExactly(missing));
    assertThat(store.events().findByTitle(known, T0, T0.plusSeconds(1), 10)).isEmpty();
  }

  // ---- schema

  @Test
  void schemaHistoryLivesInItsOwnTable() throws Exception {
    Set<String> tables = new HashSet<>();
    try (Connection connection = store.dataSource().getConnection();
         ResultSet rows = connection.getMetaData().getTables(null, connection.getSchema(), "%", null)) {
      while (rows.next()) {
        tables.add(rows.getString("TABLE_NAME").toLowerCase());
      }
    }
    assertThat(tables).contains("streamkit_schema_history", "streamkit_titles", "streamkit_progress",
        "streamkit_events").doesNotContain("flyway_schema_history");
  }

  // ---- fixtures

  private UUID title() {
    return store.catalog().create("Title " + UUID.randomUUID(), "").id();
  }

  private static WatchProgress reading(String viewer, UUID title, long positionSeconds, Instant at) {
    return new WatchProgress(viewer, title, Duration.ofSeconds(positionSeconds), HOUR, at);
  }

  private static PlaybackEvent event(PlaybackEventType type, UUID title, Instant at) {
    return new PlaybackEvent(type, "viewer-1", title, "session-1", Duration.ZERO, Map.of(), at);
  }

  private long progressRows(UUID titleId) {
    try (Connection connection = store.dataSource().getConnection();
         PreparedStatement count = connection.prepareStatement(
             "SELECT COUNT(*) FROM streamkit_progress WHERE title_id = ?")) {
      count.setObject(1, titleId);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  /** Each reading is one millisecond after the previous, so titles created in a row have distinct times. */
  private static final class SteppingClock extends Clock {
    private final AtomicLong millis;

    SteppingClock(Instant start) {
      millis = new AtomicLong(start.toEpochMilli());
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.getAndIncrement());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the stepping clock is UTC only");
    }
  }

  @FunctionalInterface
  private interface ThreadBody {
    void run(int thread) throws Exception;
  }

  private static void runConcurrently(int threads, ThreadBody body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          body.run(thread);
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
