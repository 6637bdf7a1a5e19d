package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.storage.LocalStorage;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A track added to a packaged title is exactly the one the transcoder would have written from the same file: removed
 * from a title transcoded with it and added again, the master playlist and every WebVTT segment are byte for byte
 * what the transcoder wrote (the first video frame's timestamp read back from the published segments, fMP4 and TS),
 * and so is a clear fMP4 title's DASH manifest, whose text AdaptationSet goes and comes back with the track. A title
 * kept in a storage gets the same files, in new versions, the published one left as it was.
 */
class TitleSubtitlesTest {

  private static final String SRT = "1\n00:00:00,500 --> 00:00:02,000\n<i>First</i> line\n\n"
      + "2\n00:00:02,500 --> 00:00:03,500\nAcross the boundary\n";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SegmentFormat.class)
  void aRemovedTrackAddedAgainIsWhatTheTranscoderWrote(SegmentFormat format) throws IOException {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 6, true, "-c:v", "libx264", "-preset",
        "veryfast", "-c:a", "aac");
    Path srt = Files.writeString(dir.resolve("en.srt"), SRT);
    Path title = dir.resolve("title");
    Transcoder.builder().input(source).output(title).format(format).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(TitleFixture.SEGMENT_SECONDS).subtitles(srt, "en", "English", true).build().run();
    byte[] transcodedMaster = Files.readAllBytes(title.resolve("master.m3u8"));
    Path manifest = title.resolve(DashManifest.MANIFEST);
    boolean dash = format == SegmentFormat.FMP4;
    assertThat(Files.exists(manifest)).isEqualTo(dash);
    byte[] transcodedManifest = dash ? Files.readAllBytes(manifest) : null;
    Map<String, String> transcodedTrack = files(title.resolve("subtitles/en"));
    assertThat(TitleSubtitles.list(title))
        .containsExactly(new TitleSubtitles.Track("en", "English", true, "subtitles/en/index.m3u8"));

    assertThat(TitleSubtitles.remove(title, "EN")).isNotNull();
    String bare = Files.readString(title.resolve("master.m3u8"));
    assertThat(bare).doesNotContain("SUBTITLES");
    assertThat(title.resolve("subtitles/en")).doesNotExist();
    assertThat(TitleSubtitles.list(title)).isEmpty();
    assertThat(TitleSubtitles.remove(title, "en")).isNull();
    if (dash) {
      assertThat(Files.readString(manifest)).doesNotContain("contentType=\"text\"").doesNotContain("all.vtt");
      assertThat(DashConformance.check(title)).isEmpty();
    }

    // What a crash between placing a track and naming it leaves: no master names it, so it is replaced.
    Files.createDirectories(title.resolve("subtitles/en"));
    Files.writeString(title.resolve("subtitles/en/seg_00009.vtt"), "left over");
    TitleSubtitles.add(title, SRT.getBytes(StandardCharsets.UTF_8), TitleSubtitles.Format.SUBRIP, "en", "English",
        true);
    assertThat(title.resolve("master.m3u8")).hasBinaryContent(transcodedMaster);
    assertThat(files(title.resolve("subtitles/en"))).isEqualTo(transcodedTrack);
    if (dash) {
      assertThat(manifest).hasBinaryContent(transcodedManifest);
      assertThat(DashConformance.check(title)).isEmpty();
    }
    try (Stream<Path> names = Files.list(title)) {
      assertThat(names.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
    assertThat(HlsConformance.check(title, new HlsConformance.Source(320, 240, true, TitleFixture.SEGMENT_SECONDS)))
        .isEmpty();
  }

  @Test
  void aTrackAddedToATitleWhosePeriodStartsAtMediaTimeZeroIsShiftedToShowWithTheSameFrame() throws IOException {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 6, true, "-c:v", "libx264", "-preset",
        "veryfast", "-c:a", "aac");
    Path title = dir.resolve("title");
    // veryfast has B-frames: the first frame is presented a reorder delay after media time 0.
    TranscodeResult result = Transcoder.builder().input(source).output(title).ladder(Ladder.small())
        .preset("veryfast").segmentSeconds(TitleFixture.SEGMENT_SECONDS).build().run();
    Path top = title.resolve(result.renditions().get(0).name());
    long firstFrame = VideoTimelineStart.of(MediaPlaylist.read(top.resolve("index.m3u8")), SegmentFormat.FMP4);
    assertThat(firstFrame).as("reorder delay").isPositive();
    assertThat(DashManifest.periodStart(title)).as("the Period starts with the first frame").isEqualTo(firstFrame);

    TitleSubtitles.add(title, SRT.getBytes(StandardCharsets.UTF_8), TitleSubtitles.Format.SUBRIP, "en", "English",
        true);
    assertThat(Files.readString(title.resolve("subtitles/en/all.vtt"))).as("cues on the Period's timeline")
        .startsWith("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n");
    assertThat(TitleSubtitles.remove(title, "en")).isNotNull();
    assertThat(DashConformance.check(title)).as("each segment placed at its first frame, from Period time 0")
        .isEmpty();

    // A manifest written before its Period started with the first frame: no presentationTimeOffset, media time 0.
    LegacyDashManifest.rewrite(title);
    assertThat(DashManifest.periodStart(title)).isZero();
    TitleSubtitles.add(title, SRT.getBytes(StandardCharsets.UTF_8), TitleSubtitles.Format.SUBRIP, "en", "English",
        true);
    long shift = Math.round(firstFrame / 90.0);
    assertThat(Files.readString(title.resolve("subtitles/en/all.vtt"))).as("cues shifted by the first frame's time")
        .startsWith("WEBVTT\n\n" + SubtitleCue.webVttTime(500 + shift) + " --> " + SubtitleCue.webVttTime(2000 + shift)
            + "\n");
    assertThat(DashConformance.check(title)).as("what such a manifest lacks: an audio segment at Period time 0")
        .filteredOn(violation -> violation.contains("after the Period's start")).singleElement().asString()
        .startsWith("audio: first segment starts 0.058");
  }

  @Test
  void aStoredTitlesTrackRemovedAndAddedAgainIsWhatTheTranscoderWroteInNewVersionsBesideAnUntouchedOne()
      throws IOException {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x240", "25", 6, true, "-c:v", "libx264", "-preset",
        "veryfast", "-c:a", "aac");
    Path srt = Files.writeString(dir.resolve("en.srt"), SRT);
    Path title = dir.resolve("title");
    Transcoder.builder().input(source).output(title).format(SegmentFormat.FMP4).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(TitleFixture.SEGMENT_SECONDS).subtitles(srt, "en", "English", true)
        .build().run();
    LocalStorage storage = LocalStorage.in(dir.resolve("storage"));
    TitleVersions versions = new TitleVersions(storage);
    String published = versions.publish("titles/1", title);
    Map<String, String> publishedObjects = objects(storage, "titles/1/" + published);

    assertThat(TitleSubtitles.remove(versions, "titles/1", "en")).isNotNull();
    String bare = versions.current("titles/1").orElseThrow();
    assertThat(TitleSubtitles.list(versions, "titles/1")).isEmpty();
    assertThat(TitleSubtitles.remove(versions, "titles/1", "en")).isNull();
    assertThat(objects(storage, "titles/1/" + bare).keySet()).noneMatch(key -> key.startsWith("subtitles/"));
    TitleSubtitles.add(versions, "titles/1", SRT.getBytes(StandardCharsets.UTF_8), TitleSubtitles.Format.SUBRIP,
        "en", "English", true);

    String again = versions.current("titles/1").orElseThrow();
    assertThat(again).isNotIn(published, bare);
    assertThat(TitleSubtitles.list(versions, "titles/1"))
        .containsExactly(new TitleSubtitles.Track("en", "English", true, "subtitles/en/index.m3u8"));
    // Every file is what the transcoder wrote, the segments included (copied inside the storage, not re-encoded).
    assertThat(objects(storage, "titles/1/" + again)).isEqualTo(publishedObjects);
    assertThat(objects(storage, "titles/1/" + published)).isEqualTo(publishedObjects);
    assertThat(HlsConformance.check(storage.file("titles/1/" + again),
        new HlsConformance.Source(320, 240, true, TitleFixture.SEGMENT_SECONDS))).isEmpty();
  }

  /** The objects under a key, by path below it, with a digest of their content. */
  private static Map<String, String> objects(LocalStorage storage, String directory) throws IOException {
    Map<String, String> objects = new TreeMap<>();
    for (StoredObject object : storage.list(directory)) {
      byte[] content = Files.readAllBytes(storage.file(object.key()));
      objects.put(object.key().substring(directory.length() + 1), content.length + ":" + Arrays.hashCode(content));
    }
    return objects;
  }

  private static Map<String, String> files(Path directory) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(directory)) {
      for (Path path : paths.toList()) {
        files.put(path.getFileName().toString(), Files.readString(path));
      }
    }
    return files;
  }
}
