package io.streamkit.hls.live;

import static io.streamkit.hls.live.LivePublisher.AUDIO;
import static io.streamkit.hls.live.LivePublisher.HD;
import static io.streamkit.hls.live.LivePublisher.LADDER;
import static io.streamkit.hls.live.LivePublisher.SD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LivePlaylistsTest {

  @TempDir Path recording;

  private LivePublisher publisher(int window, boolean dvr) {
    return LivePublisher.create(LivePlaylists.builder().recordingDirectory(recording).windowSegments(window).dvr(dvr));
  }

  /** Every rendition's playlist, its reports and its hint, checked after every part of every rendition. */
  private static List<String> conformanceAfterEveryPart(LivePublisher publisher) {
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    LivePlaylists live = publisher.live;
    publisher.onPart((rendition, before) -> {
      String now = live.mediaPlaylist(rendition, false, "").orElseThrow();
      LlHlsConformance.check(now).forEach(v -> violations.add(rendition + ": " + v));
      LlHlsConformance.checkHint(before, now).forEach(v -> violations.add(rendition + " hint: " + v));
      LlHlsConformance.checkReports(now, uri -> live.mediaPlaylist(uri.split("/")[1], false, "").orElse(null))
          .forEach(v -> violations.add(rendition + " report: " + v));
    });
    return violations;
  }

  @Test
  void playlistsConformAfterEveryPartAcrossAReconnectWithContinuousNumbering() {
    LivePublisher publisher = publisher(6, false);
    LivePlaylists live = publisher.live;
    List<String> violations = conformanceAfterEveryPart(publisher);
    publisher.start(LADDER);
    publisher.segments(8);
    publisher.parts(2); // segment 8 left open when the publisher disconnects
    publisher.end();
    LlHlsConformance.Playlist closed = LlHlsConformance.parse(live.mediaPlaylist("720p", false, "").orElseThrow());
    LlHlsConformance.Segment last = closed.complete().get(closed.complete().size() - 1);
    assertThat(last.msn()).isEqualTo(8);
    assertThat(last.duration()).isEqualTo(1.0);
    assertThat(live.segment("720p", 8)).get().satisfies(p -> assertThat(Files.size(p)).isPositive());

    Instant reconnected = publisher.clock.instant().plusSeconds(7);
    publisher.clock.advance(Duration.ofSeconds(7));
    publisher.start(LADDER);
    publisher.parts(1);
    String afterReconnect = live.mediaPlaylist("720p", false, "").orElseThrow();
    assertThat(afterReconnect).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init_1.mp4\"\n"
        + "#EXT-X-PROGRAM-DATE-TIME:" + LiveMediaPlaylist.dateTime(reconnected) + "\n"
        + "#EXT-X-PART:DURATION=0.500000,URI=\"part_9_0.m4s\",INDEPENDENT=YES\n");
    publisher.parts(7 + 4 * 6);
    assertThat(violations).isEmpty();

    // 9 segments in run 0, 8 in run 1: the window of 6 is msn 11..16 and the discontinuity at 9 has left it.
    LlHlsConformance.Playlist now = LlHlsConformance.parse(live.mediaPlaylist("360p", false, "").orElseThrow());
    assertThat(now.mediaSequence()).isEqualTo(11);
    assertThat(now.discontinuitySequence()).isEqualTo(1);
    assertThat(now.complete()).hasSize(6);
    assertThat(live.lastMsn("audio")).isEqualTo(16);
    assertThat(live.lastPart("audio")).isEqualTo(3);
    assertThat(live.init("720p", 0)).isPresent();
    assertThat(live.init("720p", 1)).isPresent();
    assertThat(live.init("720p", 2)).isEmpty();
  }

  @Test
  void blockingReloadCompletesWhenItsPartIsAddedAndNotBefore() {
    LivePublisher publisher = publisher(6, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.parts(3);
    assertThat(live.has("720p", 0, 2)).isTrue();
    assertThat(live.whenAvailable("720p", 0, 2)).isDone();

    CompletableFuture<Void> nextPart = live.whenAvailable("720p", 0, 3);
    CompletableFuture<Void> wholeSegment = live.whenAvailable("720p", 0, -1);
    CompletableFuture<Void> farAhead = live.whenAvailable("720p", 40, 0);
    assertThat(nextPart).isNotDone();
    live.part("audio", new byte[8_000], 0.5, true);
    live.part("360p", new byte[50_000], 0.5, false);
    assertThat(nextPart).isNotDone();
    assertThat(live.has("720p", 0, 3)).isFalse();
    live.part("720p", new byte[187_500], 0.5, false);
    assertThat(nextPart).isDone();
    assertThat(live.has("720p", 0, 3)).isTrue();
    // The part is there, but the segment is not complete until it ends.
    assertThat(wholeSegment).isNotDone();
    assertThat(live.has("720p", 0, -1)).isFalse();
    live.segmentEnd("720p");
    assertThat(wholeSegment).isDone();
    assertThat(live.has("720p", 0, -1)).isTrue();
    // A later part answers a wait for a part index the segment never reached (section 6.2.5.2: "or later").
    CompletableFuture<Void> beyondSegment = live.whenAvailable("720p", 0, 5);
    assertThat(beyondSegment).isNotDone();
    live.part("720p", new byte[187_500], 0.5, true);
    assertThat(beyondSegment).isDone();

    // A caller's timeout ends a wait without a part; the end of the event ends every other wait at once.
    CompletableFuture<Void> timedOut = live.whenAvailable("720p", 41, 0).orTimeout(10, TimeUnit.MILLISECONDS);
    assertThat(timedOut).failsWithin(Duration.ofSeconds(5));
    assertThat(farAhead).isNotDone();
    live.endEvent();
    assertThat(farAhead).isDone();
    assertThat(live.has("720p", 40, 0)).isFalse();
    assertThat(live.whenAvailable("720p", 50, 0)).isDone();
    assertThat(live.whenAvailable("nope", 0, 0)).isDone();
  }

  @Test
  void deltaUpdateSkipsWhatCanSkipUntilAllowsAndNothingEarlier() {
    LivePublisher publisher = publisher(20, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.segments(4);
    publisher.parts(1);
    // 8.5 s of media: nothing ends 12 s (six target durations) before the end, so the answer is the full playlist.
    assertThat(live.mediaPlaylist("720p", true, "")).isEqualTo(live.mediaPlaylist("720p", false, ""));

    publisher.segments(16);
    publisher.parts(2);
    String full = live.mediaPlaylist("720p", false, "").orElseThrow();
    String delta = live.mediaPlaylist("720p", true, "").orElseThrow();
    assertThat(LlHlsConformance.checkDelta(full, delta)).isEmpty();
    // 20 segments of 2 s and 1.5 s of parts: 41.5 s; segments ending by 29.5 s can go, the first 14 of them.
    assertThat(delta).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=14\n");
    assertThat(LlHlsConformance.parse(delta).segments().get(0).uri()).isEqualTo("seg_14.m4s");
    assertThat(LlHlsConformance.parse(delta).complete()).hasSize(6);
    assertThat(LlHlsConformance.parse(full).complete()).hasSize(20);
  }

  @Test
  void slidingWindowListsTheLastSegmentsAndRecentPartsAndForgetsOldPartBytes() throws IOException {
    LivePublisher publisher = publisher(5, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.segments(12);
    publisher.parts(1);
    LlHlsConformance.Playlist playlist =
        LlHlsConformance.parse(live.mediaPlaylist("720p", false, "").orElseThrow());
    assertThat(playlist.mediaSequence()).isEqualTo(7);
    assertThat(playlist.complete()).extracting(LlHlsConformance.Segment::msn).containsExactly(7L, 8L, 9L, 10L, 11L);
    // Parts are listed for what ends within three target durations (6 s) of the end: segments 9..11 and the open one.
    assertThat(playlist.segments()).filteredOn(s -> !s.parts().isEmpty())
        .extracting(LlHlsConformance.Segment::msn).containsExactly(9L, 10L, 11L, 12L);
    assertThat(playlist.playlistType()).isNull();

    assertThat(live.part("720p", 12, 0)).get().isSameAs(publisher.fed("720p", 12, 0));
    assertThat(live.part("720p", 11, 3)).get().isSameAs(publisher.fed("720p", 11, 3));
    assertThat(live.part("720p", 2, 0)).isEmpty();
    assertThat(live.part("720p", 12, 1)).isEmpty();
    // Old segments are served from the recording: the concatenation of their parts.
    Path segment = live.segment("720p", 2).orElseThrow();
    byte[] expected = concat(publisher, "720p", 2);
    assertThat(Files.readAllBytes(segment)).isEqualTo(expected);
    assertThat(live.segment("720p", 12)).isEmpty();
    assertThat(live.mediaPlaylist("1080p", false, "")).isEmpty();
  }

  @Test
  void dvrModeListsTheWholeEventAsAnEventPlaylistThatEnds() {
    LivePublisher publisher = publisher(5, true);
    LivePlaylists live = publisher.live;
    List<String> violations = conformanceAfterEveryPart(publisher);
    publisher.start(LADDER);
    publisher.segments(30);
    publisher.parts(2);
    assertThat(violations).isEmpty();
    LlHlsConformance.Playlist playlist = LlHlsConformance.parse(live.mediaPlaylist("audio", false, "").orElseThrow());
    assertThat(playlist.playlistType()).isEqualTo("EVENT");
    assertThat(playlist.mediaSequence()).isZero();
    assertThat(playlist.complete()).hasSize(30);
    assertThat(playlist.hints()).hasSize(1);
    assertThat(playlist.endList()).isFalse();

    live.endEvent();
    assertThat(live.ended()).isTrue();
    String ended = live.mediaPlaylist("audio", false, "").orElseThrow();
    assertThat(LlHlsConformance.check(ended)).isEmpty();
    playlist = LlHlsConformance.parse(ended);
    assertThat(playlist.endList()).isTrue();
    assertThat(playlist.hints()).isEmpty();
    assertThat(playlist.complete()).hasSize(31);
  }

  @Test
  void everyUriCarriesTheViewersQuery() {
    LivePublisher publisher = publisher(6, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.segments(3);
    publisher.parts(2);
    String playlist = live.mediaPlaylist("360p", false, "token=abc").orElseThrow();
    List<String> uris = new ArrayList<>();
    Matcher attribute = Pattern.compile("URI=\"([^\"]*)\"").matcher(playlist);
    while (attribute.find()) {
      uris.add(attribute.group(1));
    }
    playlist.lines().filter(l -> !l.startsWith("#")).forEach(uris::add);
    assertThat(uris).contains("init_0.mp4?token=abc", "seg_0.m4s?token=abc", "part_3_1.m4s?token=abc",
        "part_3_2.m4s?token=abc", "../720p/index.m3u8?token=abc");
    assertThat(uris).hasSize(1 + 3 + 3 * 4 + 2 + 1 + 1).allMatch(u -> u.endsWith("?token=abc"));
    assertThat(playlist).doesNotContain("../audio/");
    assertThat(live.mediaPlaylist("360p", false, "")).get().asString().doesNotContain("?");

    String master = live.masterPlaylist(r -> true, "token=abc");
    assertThat(master).contains("URI=\"audio/index.m3u8?token=abc\"", "\n720p/index.m3u8?token=abc\n",
        "\n360p/index.m3u8?token=abc\n");
  }

  @Test
  void droppedRenditionLeavesTheMasterAndReportsAndComesBackAsGapsAfterAReconnect() {
    LivePublisher publisher = publisher(8, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.segments(2);
    String master = live.masterPlaylist(r -> true, "");
    assertThat(master).contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\"")
        .contains("#EXT-X-STREAM-INF:BANDWIDTH=3128000,CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1280x720,"
            + "FRAME-RATE=30.000,AUDIO=\"audio\"\n720p/index.m3u8\n")
        .contains("BANDWIDTH=928000,CODECS=\"avc1.64001e,mp4a.40.2\",RESOLUTION=640x360");
    assertThat(live.masterPlaylist(r -> r.height() <= 360, "")).doesNotContain("720p").contains("360p");

    CompletableFuture<Void> waiting = live.whenAvailable("720p", 2, 1);
    publisher.parts(1);
    assertThat(waiting).isNotDone();
    publisher.drop("720p");
    List<String> violations = conformanceAfterEveryPart(publisher);
    CompletableFuture<Void> stranded = live.whenAvailable("720p", 2, 1);
    assertThat(stranded).isDone();
    assertThat(live.has("720p", 2, 1)).isFalse();
    assertThat(waiting).isDone();
    assertThat(live.renditions()).containsExactly(SD, AUDIO);
    assertThat(live.masterPlaylist(r -> true, "")).doesNotContain("720p");
    publisher.segments(3);
    assertThat(live.mediaPlaylist("360p", false, "")).get().asString().doesNotContain("720p");
    String droppedPlaylist = live.mediaPlaylist("720p", false, "").orElseThrow();
    assertThat(LlHlsConformance.check(droppedPlaylist)).isEmpty();
    assertThat(droppedPlaylist).doesNotContain("PRELOAD-HINT");
    publisher.end();

    publisher.start(LADDER);
    publisher.segments(2);
    assertThat(violations).isEmpty();
    assertThat(live.renditions()).containsExactly(HD, SD, AUDIO);
    String back = live.mediaPlaylist("720p", false, "").orElseThrow();
    assertThat(LlHlsConformance.check(back)).isEmpty();
    // Segment 2 was closed at the drop; 3..5 were made without 720p and are gaps that keep the msns aligned.
    assertThat(LlHlsConformance.parse(back).segments()).filteredOn(LlHlsConformance.Segment::gap)
        .extracting(LlHlsConformance.Segment::msn).containsExactly(3L, 4L, 5L);
    assertThat(live.lastMsn("720p")).isEqualTo(live.lastMsn("360p")).isEqualTo(7);
    assertThat(live.segment("720p", 4)).isEmpty();
  }

  @Test
  void finishedRecordingIsAVodTitleWithADiscontinuityPerReconnect() throws IOException {
    LivePublisher publisher = publisher(6, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.segments(5);
    publisher.end();
    assertThatThrownBy(live::finishRecording).isInstanceOf(IllegalStateException.class)
        .hasMessage("live: finishRecording() before endEvent(); end the event first");
    publisher.start(LADDER);
    publisher.segments(4);
    publisher.parts(3);
    live.endEvent();
    assertThatThrownBy(() -> live.start(LADDER)).isInstanceOf(IllegalStateException.class);

    Path title = live.finishRecording();
    assertThat(title).isEqualTo(recording);
    String master = Files.readString(title.resolve("master.m3u8"));
    assertThat(master).contains("URI=\"audio/index.m3u8\"", "\n720p/index.m3u8\n", "\n360p/index.m3u8\n",
        "AVERAGE-BANDWIDTH=");
    for (String rendition : List.of("720p", "360p", "audio")) {
      String text = Files.readString(title.resolve(rendition).resolve("index.m3u8"));
      LlHlsConformance.Playlist vod = LlHlsConformance.parse(text);
      assertThat(LlHlsConformance.check(text)).isEmpty();
      assertThat(vod.playlistType()).isEqualTo("VOD");
      assertThat(vod.endList()).isTrue();
      assertThat(vod.complete()).hasSize(10);
      assertThat(vod.complete().get(9).duration()).isEqualTo(1.5);
      assertThat(vod.complete()).filteredOn(LlHlsConformance.Segment::discontinuity)
          .extracting(LlHlsConformance.Segment::msn).containsExactly(5L);
      assertThat(vod.complete()).extracting(LlHlsConformance.Segment::map).containsOnly("init_0.mp4", "init_1.mp4");
      assertThat(vod.complete().get(5).map()).isEqualTo("init_1.mp4");
      assertThat(text.lines().filter(l -> l.startsWith("#EXT-X-MAP:"))).hasSize(2);
      for (LlHlsConformance.Segment segment : vod.complete()) {
        assertThat(Files.readAllBytes(title.resolve(rendition).resolve(segment.uri())))
            .isEqualTo(concat(publisher, rendition, segment.msn()));
      }
      assertThat(title.resolve(rendition).resolve("init_0.mp4")).isNotEmptyFile();
      assertThat(title.resolve(rendition).resolve("init_1.mp4")).isNotEmptyFile();
      try (var files = Files.list(title.resolve(rendition))) {
        assertThat(files).noneMatch(f -> f.toString().endsWith(".partial"));
      }
    }
  }

  @Test
  void recordingLeavesOutARenditionThatMissedPartOfTheEvent() throws IOException {
    LivePublisher publisher = publisher(6, false);
    publisher.start(LADDER);
    publisher.segments(2);
    publisher.drop("720p");
    publisher.segments(2);
    publisher.live.endEvent();
    Path title = publisher.live.finishRecording();
    assertThat(Files.readString(title.resolve("master.m3u8"))).doesNotContain("720p").contains("360p/index.m3u8");
    assertThat(title.resolve("720p").resolve("index.m3u8")).doesNotExist();
    assertThat(LlHlsConformance.parse(Files.readString(title.resolve("360p/index.m3u8"))).complete()).hasSize(4);
  }

  @Test
  void recordingKeepsThePictureWhenTheSoundRunsIntoOneMoreSegment() throws IOException {
    // When the publisher stops, the encoder closes the sound's last frames, a few milliseconds past the picture's
    // last segment, into a segment of their own.
    LivePublisher publisher = publisher(6, false);
    publisher.start(LADDER);
    publisher.segments(4);
    publisher.live.part("audio", new byte[400], 0.021, true);
    publisher.live.segmentEnd("audio");
    publisher.live.endEvent();
    Path title = publisher.live.finishRecording();
    assertThat(Files.readString(title.resolve("master.m3u8")))
        .contains("\n720p/index.m3u8\n", "\n360p/index.m3u8\n", "URI=\"audio/index.m3u8\"");
    for (String rendition : List.of("720p", "360p")) {
      assertThat(LlHlsConformance.parse(Files.readString(title.resolve(rendition).resolve("index.m3u8")))
          .complete()).hasSize(4);
    }
    assertThat(LlHlsConformance.parse(Files.readString(title.resolve("audio/index.m3u8"))).complete()).hasSize(5);
  }

  @Test
  void concurrentReadersAlwaysSeeConformingPlaylistsWhileTheWriterAppends() throws Exception {
    LivePublisher publisher = publisher(6, false);
    LivePlaylists live = publisher.live;
    publisher.start(LADDER);
    publisher.parts(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicLong reads = new AtomicLong();
    CountDownLatch ready = new CountDownLatch(3);
    List<Thread> readers = new ArrayList<>();
    for (String rendition : List.of("720p", "360p", "audio")) {
      Thread reader = new Thread(() -> {
        ready.countDown();
        while (writing.get()) {
          try {
            long msn = live.lastMsn(rendition);
            int part = live.lastPart(rendition);
            String playlist = live.mediaPlaylist(rendition, reads.get() % 2 == 0, "t=1").orElseThrow();
            List<String> violations = LlHlsConformance.check(playlist);
            if (!violations.isEmpty()) {
              problems.add(rendition + ": " + violations + "\n" + playlist);
            }
            if (!live.has(rendition, msn, part) || !live.whenAvailable(rendition, msn, part).isDone()) {
              problems.add(rendition + ": edge " + msn + "/" + part + " not available after being reported");
            }
            live.part(rendition, msn, part);
            live.masterPlaylist(r -> true, "t=1");
            reads.incrementAndGet();
          } catch (RuntimeException e) {
            problems.add(rendition + ": " + e);
          }
        }
      });
      readers.add(reader);
      reader.start();
    }
    ready.await();
    publisher.segments(40);
    writing.set(false);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(problems).isEmpty();
    assertThat(reads.get()).isGreaterThan(100);
  }

  @Test
  void builderNamesTheSettingAndItsLimit() {
    assertThatThrownBy(() -> LivePlaylists.builder().build())
        .hasMessage("LivePlaylists: recordingDirectory is required");
    assertThatThrownBy(() -> LivePlaylists.builder().segmentSeconds(0)).hasMessage("segmentSeconds 0 is outside 1..30");
    assertThatThrownBy(() -> LivePlaylists.builder().partTargetSeconds(0.05))
        .hasMessage("partTargetSeconds 0.05 is below 0.1");
    assertThatThrownBy(() -> LivePlaylists.builder().windowSegments(2))
        .hasMessage("windowSegments 2 is outside 3..10000; use dvr(true) to list the whole event");
    assertThatThrownBy(() -> LivePlaylists.builder().recordingDirectory(recording).segmentSeconds(2)
        .partTargetSeconds(2).build()).hasMessage("LivePlaylists: partTargetSeconds 2.0 must be below segmentSeconds 2");
    LivePlaylists live = LivePlaylists.builder().recordingDirectory(recording).build();
    assertThatThrownBy(() -> live.part("720p", new byte[10], 0.5, true))
        .hasMessageContaining("720p, which this run does not produce");
    live.start(LADDER);
    assertThatThrownBy(() -> live.part("720p", new byte[10], 0.5, true))
        .hasMessage("live: part of 720p before its init in this run; call init() first");
    assertThatThrownBy(() -> live.start(List.of(SD, SD))).hasMessageContaining("appears twice");
  }

  private static byte[] concat(LivePublisher publisher, String rendition, long msn) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int part = 0; publisher.fed(rendition, msn, part) != null; part++) {
      out.writeBytes(publisher.fed(rendition, msn, part));
    }
    return out.toByteArray();
  }
}
