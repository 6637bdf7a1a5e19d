package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The edge cases of TEST-MEDIA.md, generated with the bundled ffmpeg, each transcoded and checked against every
 * HLS-RULES.md rule by {@link HlsConformance} (including an {@code ffmpeg -xerror} decode of the whole title).
 * Sources are short and small so the suite stays within its CI budget; segments are 2 s to get several per title.
 */
class EdgeCaseTranscodeTest {

  @TempDir Path dir;

  @Test
  void defaultFmp4TitleHasTheServableLayoutAndConforms() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "640x360", "30", 5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 640, 360, true);

    assertThat(result.renditions()).extracting(PackagedRendition::height).containsExactly(360, 180);
    assertThat(result.hasAudio()).isTrue();
    assertThat(out.resolve("master.m3u8")).exists();
    assertThat(out.resolve("360p/index.m3u8")).exists();
    assertThat(out.resolve("360p/init.mp4")).exists();
    assertThat(out.resolve("audio/index.m3u8")).exists();
    assertThat(out.resolve("segment-sizes.json")).exists();
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("TYPE=AUDIO").doesNotContain("/" + dir);
    byte[] poster = Files.readAllBytes(out.resolve("poster.jpg"));
    assertThat(poster[0] & 0xff).isEqualTo(0xff);
    assertThat(poster[1] & 0xff).isEqualTo(0xd8);
    assertThat(result.durationSeconds()).isCloseTo(5, org.assertj.core.data.Offset.offset(0.1));
    assertThat(result.contentKeys()).as("clear unless asked").isEmpty();
    assertThat(Files.readString(out.resolve("360p/index.m3u8")) + Files.readString(out.resolve("audio/index.m3u8")))
        .doesNotContain("#EXT-X-KEY");
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("#EXT-X-I-FRAME-STREAM-INF");
    assertThat(out.resolve("360p/iframes.m3u8")).exists();
  }

  @Test
  void fullHdSourceWithProductDefaultsGetsTheAppleLadderInHighProfileAtMostLevel41() throws Exception {
    Path source = TitleFixture.pattern(dir, "hd.mp4", "1920x1080", "30", 2.5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");
    TranscodeResult result = Transcoder.builder().input(source).output(out).segmentSeconds(2).build().run();
    assertThat(HlsConformance.check(out, new HlsConformance.Source(1920, 1080, true, 2))).isEmpty();
    assertThat(result.renditions()).extracting(PackagedRendition::height).containsExactly(1080, 720, 540, 432, 360, 234);
    assertThat(result.renditions()).allSatisfy(r -> {
      assertThat(r.codecs()).startsWith("avc1.64");
      assertThat(Integer.parseInt(r.codecs().substring(9, 11), 16)).isLessThanOrEqualTo(41);
    });
  }

  @Test
  void transportStreamTitleMuxesAudioIntoEveryVariantAndConforms() {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "640x360", "30", 5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");
    TitleFixture.transcodeConforming(source, out, SegmentFormat.TS, 640, 360, true);
    assertThat(out.resolve("360p/seg_00000.ts")).exists();
    assertThat(out.resolve("audio")).doesNotExist();
  }

  @ParameterizedTest(name = "{0} fps comes out at {1}")
  @CsvSource({"24000/1001, 23.976", "25, 25.000", "30000/1001, 29.970", "50, 25.000", "60, 30.000"})
  void commonFrameRatesKeepTheirRateOrAreHalvedForSmallRungs(String rate, String expected) throws Exception {
    Path source = TitleFixture.pattern(dir, "rate.mp4", "320x180", rate, 3, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path out = dir.resolve("title");
    TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 320, 180, false);
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("FRAME-RATE=" + expected);
  }

  @Test
  void aHundredAndTwentyFpsSourceIsCappedAtSixtyAndAtThirtyForSmallRungs() throws Exception {
    Path source = TitleFixture.pattern(dir, "fast.mp4", "320x180", "120", 2, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Ladder ladder = new Ladder("fast", List.of(new Rung("full", 180, 400_000, 60), Rung.of(120, 200)));
    Path out = dir.resolve("title");
    TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, ladder, 320, 180, false);
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("FRAME-RATE=60.000")
        .contains("FRAME-RATE=30.000").doesNotContain("FRAME-RATE=120");
  }

  @Test
  void variableFrameRateSourceBecomesConstantAndAligned() {
    Path source = TitleFixture.generate(dir, "vfr.mkv", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-t",
        "4", "-vf", "setpts='(N/30+0.013*mod(N,3))/TB'", "-fps_mode", "vfr", "-c:v", "libx264", "-preset",
        "ultrafast");
    assertThat(MediaProbe.probe(source).video().variableFrameRate()).isTrue();
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 320, 180, false);
  }

  @ParameterizedTest(name = "rotation {0}")
  @CsvSource({"90, transpose=cclock, 270", "270, transpose=clock, 90"})
  void rotatedPhoneVideoComesOutUpright(int rotation, String storeAs, int displayRotation) throws Exception {
    // An upright portrait picture, white on top and black below, stored sideways with a display matrix.
    Path sideways = TitleFixture.generate(dir, "sideways.mp4", "-f", "lavfi", "-i", "color=c=black:s=180x320:r=30",
        "-t", "3", "-vf", "drawbox=x=0:y=0:w=iw:h=ih/2:color=white:t=fill," + storeAs, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path source = TitleFixture.generate(dir, "phone.mp4", "-display_rotation", Integer.toString(displayRotation),
        "-i", sideways.toString(), "-c", "copy");
    MediaInfo info = MediaProbe.probe(source);
    assertThat(info.video().rotation()).isEqualTo(rotation);
    assertThat(info.video().displayWidth()).isEqualTo(180);

    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(source, out, SegmentFormat.TS, 180, 320, false);
    PackagedRendition top = result.renditions().get(0);
    assertThat(top.height()).isGreaterThan(top.width());
    byte[] gray = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-v", "error", "-i",
        out.resolve(top.name()).resolve("seg_00000.ts").toString(), "-frames:v", "1", "-pix_fmt", "gray", "-f",
        "rawvideo", "-")).stdout().getBytes(StandardCharsets.ISO_8859_1);
    assertThat(gray).hasSize(top.width() * top.height());
    assertThat(meanLuma(gray, top.width(), 0, top.height() / 3))
        .isGreaterThan(meanLuma(gray, top.width(), 2 * top.height() / 3, top.height()) + 100);
  }

  @ParameterizedTest(name = "{0} decoded as {1}")
  @CsvSource({
      "libx264, yuvj420p, mp4", // decoded as a full-range pixel format (scaled by libswscale)
      "libvpx-vp9, yuv420p, webm", // decoded as yuv420p with the range stated on the picture (scaled by zimg)
  })
  void fullRangeVideoComesOutInTheLimitedRangePlayersAssume(String encoder, String pixelFormat, String container)
      throws Exception {
    // As some phones and screen recorders write it: luma 0-255 (JPEG range), signalled in the stream. The renditions
    // say nothing about their range, so players take them as 16-235: left full, black and white would be clipped
    // and every tone in between shown with too much contrast.
    Path source = TitleFixture.generate(dir, "full-range." + container, "-f", "lavfi", "-i",
        "color=c=black:size=320x180:rate=30,drawbox=x=0:y=90:w=320:h=90:color=white:t=fill", "-t", "2", "-vf",
        "scale=out_range=full,format=" + pixelFormat, "-c:v", encoder, "-color_range", "pc");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 320, 180, false);
    PackagedRendition top = result.renditions().get(0);
    Path video = TitleFixture.joined(out.resolve(top.name()), dir.resolve("top.mp4"));
    byte[] luma = FfmpegTool.firstLuma(video);
    assertThat(luma).hasSize(top.width() * top.height());
    assertThat(meanLuma(luma, top.width(), 0, top.height() / 3)).as("black").isCloseTo(16, within(2.0));
    assertThat(meanLuma(luma, top.width(), 2 * top.height() / 3, top.height())).as("white")
        .isCloseTo(235, within(2.0));
  }

  @Test
  void aSourceWhoseColourTagsChangeMidwayKeepsEveryFrame() throws Exception {
    // Recordings joined end to end: the first part's stream names no colour, the second names BT.709. zimg, which
    // scales the rungs, refuses a picture whose colour differs from the one it was set up for ("no path between
    // colorspaces"), so the rungs' scaler must not be set up with a colour at all.
    List<String> pattern = List.of("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "2", "-c:v",
        "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
    Path untagged = TitleFixture.generate(dir, "untagged.ts", pattern.toArray(String[]::new));
    List<String> tagged = new ArrayList<>(pattern);
    tagged.addAll(List.of("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
        "-output_ts_offset", "2"));
    Path second = TitleFixture.generate(dir, "tagged.ts", tagged.toArray(String[]::new));
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(joined(untagged, second), out, SegmentFormat.FMP4, 640,
        360, false);
    assertEveryRenditionHasFrames(result, out, 120);
  }

  @Test
  void aSourceWhoseRangeChangesMidwayComesOutInTheLimitedRangeThroughout() throws Exception {
    // A phone's full-range clip joined to a limited-range one that says so: the second part's pictures must not be
    // taken for JPEG range too (black would come out grey, 30 not 16). A second part that does not state its range
    // is decoded as the first part's range, by FFmpeg's H.264 decoder as by the ffmpeg command line.
    String picture = "color=c=black:size=320x180:rate=30,drawbox=x=0:y=90:w=320:h=90:color=white:t=fill";
    Path full = TitleFixture.generate(dir, "full.ts", "-f", "lavfi", "-i", picture, "-t", "2", "-vf",
        "scale=out_range=full,format=yuvj420p", "-c:v", "libx264", "-preset", "ultrafast", "-color_range", "pc");
    Path limited = TitleFixture.generate(dir, "limited.ts", "-f", "lavfi", "-i", picture, "-t", "2", "-vf",
        "format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-color_range", "tv", "-colorspace", "bt709",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-output_ts_offset", "2");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(joined(full, limited), out, SegmentFormat.FMP4, 320,
        180, false);
    PackagedRendition top = result.renditions().get(0);
    Path video = TitleFixture.joined(out.resolve(top.name()), dir.resolve("top.mp4"));
    for (double seconds : new double[] {1, 3}) {
      byte[] luma = FfmpegTool.lumaAt(video, seconds);
      assertThat(meanLuma(luma, top.width(), 0, top.height() / 3)).as("black at %s s", seconds)
          .isCloseTo(16, within(2.0));
      assertThat(meanLuma(luma, top.width(), 2 * top.height() / 3, top.height())).as("white at %s s", seconds)
          .isCloseTo(235, within(2.0));
    }
  }

  @Test
  void aSourceWhosePictureShrinksToAnOddSizeMidwayKeepsEveryFrame() throws Exception {
    // A video call's recording stepping its resolution down (VP9 changes size at any key frame): zimg, which scales
    // the rungs from even-sized 4:2:0 pictures, takes no odd size, so the rungs change scaler there.
    Path large = TitleFixture.generate(dir, "large.webm", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-t", "2", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8");
    Path small = TitleFixture.generate(dir, "small.webm", "-f", "lavfi", "-i", "testsrc2=size=427x241:rate=30",
        "-t", "2", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8");
    Path list = Files.writeString(dir.resolve("parts.txt"), "file '" + large + "'\nfile '" + small + "'\n");
    Path joined = TitleFixture.generate(dir, "call.webm", "-f", "concat", "-safe", "0", "-i", list.toString(), "-c",
        "copy");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(joined, out, SegmentFormat.FMP4, 640, 360, false);
    assertEveryRenditionHasFrames(result, out, 120);
  }

  @ParameterizedTest(name = "{0} {1} says {2}")
  @CsvSource(delimiter = ';', value = {
      "1280x720; untagged; bt709,bt709,bt709", // what players take an untagged HD picture for
      "640x360; untagged; smpte170m,smpte170m,smpte170m", // ... and an untagged SD one: BT.601
      "1280x720; bt470bg; bt470bg,bt709,bt709", // what the source says, the rest as for HD
      "1280x720; rgb; smpte170m,bt709,bt709", // swscale's coefficients for RGB to YUV: BT.601
  })
  void everyRenditionSaysWhichColourItsSamplesAreIn(String size, String source, String expected)
      throws Exception {
    // Chromium decodes an H.264 stream that does not name its colour as BT.601 up to 576 lines and as BT.709 above:
    // unsaid, the 360p rung of an HD title would show other colours than its 720p rung (green 0x20C040 as 43,215,65).
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30",
        "-t", "2"));
    switch (source) {
      case "untagged" -> args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
      case "rgb" -> args.addAll(List.of("-c:v", "png", "-pix_fmt", "rgb24"));
      default -> args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
          "-colorspace", source));
    }
    Path file = TitleFixture.generate(dir, "colour." + (source.equals("rgb") ? "mov" : "mp4"),
        args.toArray(String[]::new));
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcode(file, out, SegmentFormat.FMP4, Ladder.small());
    for (PackagedRendition rendition : result.renditions()) {
      Path video = TitleFixture.joined(out.resolve(rendition.name()), dir.resolve(rendition.name() + ".mp4"));
      assertThat(FfmpegTool.ffprobe("-select_streams", "v", "-show_entries",
          "stream=color_range,color_space,color_transfer,color_primaries", "-of", "csv=p=0", video.toString()).trim())
          .as(rendition.name()).isEqualTo("tv," + expected);
    }
  }

  private static double meanLuma(byte[] gray, int width, int fromRow, int toRow) {
    return meanLuma(gray, width, new int[] {0, fromRow, width, toRow});
  }

  @Test
  void oddDimensionsBecomeEvenWithTheSameAspect() {
    Path source = TitleFixture.pattern(dir, "odd.mp4", "853x479", "25", 3, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-pix_fmt", "yuv444p", "-c:a", "aac");
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 853, 479, true);
  }

  @Test
  void oddDimensionsIn420BecomeEvenWithTheSameAspect() {
    // H.264 and HEVC code 4:2:0 in even sizes only; FFV1, VP9 and AV1 do not, and zimg refuses odd 4:2:0 pictures.
    Path source = TitleFixture.generate(dir, "odd-420.mkv", "-f", "lavfi", "-i", "testsrc2=size=854x480:rate=25",
        "-t", "2", "-vf", "format=yuv420p,crop=853:479:0:0:exact=1", "-c:v", "ffv1");
    assertThat(FfmpegTool.ffprobe("-v", "error", "-select_streams", "v:0", "-show_entries",
        "stream=width,height,pix_fmt", "-of", "csv=p=0", source.toString()).trim()).isEqualTo("853,479,yuv420p");
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 853, 479, false);
  }

  @Test
  void anamorphicSourceGetsSquarePixelsAtItsDisplayAspect() {
    // 480x360 stored, SAR 4:3, displayed as 640x360 (16:9).
    Path source = TitleFixture.generate(dir, "anamorphic.mp4", "-f", "lavfi", "-i", "testsrc2=size=480x360:rate=25",
        "-t", "3", "-vf", "setsar=4/3", "-c:v", "libx264", "-preset", "ultrafast");
    MediaInfo info = MediaProbe.probe(source);
    assertThat(info.video().displayWidth()).isEqualTo(640);
    TranscodeResult result = TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 640,
        360, false);
    assertThat(result.renditions().get(0).width()).isEqualTo(640);
  }

  @Test
  void letterboxedFourByThreeKeepsItsShape() {
    Path source = TitleFixture.generate(dir, "letterbox.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
        "-t", "3", "-vf", "pad=320:240:0:30", "-c:v", "libx264", "-preset", "ultrafast");
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 320, 240, false);
  }

  @Test
  void sourceWithoutAudioGivesAVideoOnlyTitle() throws Exception {
    Path source = TitleFixture.pattern(dir, "silent.mp4", "320x180", "30", 3, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 320, 180, false);
    assertThat(result.hasAudio()).isFalse();
    assertThat(Files.readString(out.resolve("master.m3u8"))).doesNotContain("mp4a").doesNotContain("TYPE=AUDIO");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "5.1 AAC in fMP4, 'sine=frequency=300:sample_rate=48000', '-ac,6,-channel_layout,5.1', FMP4",
      "5.1 AAC in TS, 'sine=frequency=300:sample_rate=48000', '-ac,6,-channel_layout,5.1', TS",
      "mono 16 kHz, 'sine=frequency=300:sample_rate=16000', '-ac,1', FMP4"})
  void audioIsDownMixedAndResampledToStereoAt48kHz(String label, String sine, String audioArgs, SegmentFormat format) {
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-f", "lavfi", "-i", sine, "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"));
    args.addAll(List.of(audioArgs.split(",")));
    Path source = TitleFixture.generate(dir, "audio.mp4", args.toArray(String[]::new));
    assertThat(MediaProbe.probe(source).audio()).isPresent();
    TitleFixture.transcodeConforming(source, dir.resolve("title"), format, 320, 180, true);
  }

  @Test
  void audioStartingLateIsPaddedSoBothTracksLastAsLong() {
    Path source = TitleFixture.generate(dir, "late.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-itsoffset", "1.5", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=48000:duration=3", "-t", "4",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.TS, 320, 180, true);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // it used to pad silence for ever
  void videoStartingAfterTheAudioEndsGetsSilenceAsLongAsItself() {
    // The picture starts 3 s in (an edit list in MP4), the 2 s of sound before it: the title starts with the picture.
    Path source = TitleFixture.generate(dir, "late-picture.mp4", "-f", "lavfi", "-i",
        "testsrc2=size=320x180:rate=30:duration=3", "-f", "lavfi", "-i", "sine=frequency=500:duration=2",
        "-filter_complex", "[0:v]setpts=PTS+3/TB[v]", "-map", "[v]", "-map", "1", "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");
    assertPictureAndSoundLast(TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 320, 180, true),
        out, 3.0, 0.05);
  }

  @Test
  void songWithItsCoverAsAOneFramePictureLastsAsLongAsTheSong() {
    // What "ffmpeg -i cover.jpg -i song.mp3 -c copy" makes: a one-frame MJPEG video stream beside 4 s of sound.
    Path cover = TitleFixture.generate(dir, "cover.jpg", "-f", "lavfi", "-i", "testsrc2=size=320x180",
        "-frames:v", "1");
    Path song = TitleFixture.generate(dir, "song.mp3", "-f", "lavfi", "-i", "sine=frequency=500:duration=4");
    Path source = TitleFixture.generate(dir, "song.mkv", "-i", cover.toString(), "-i", song.toString(), "-c",
        "copy");
    Path out = dir.resolve("title");
    assertPictureAndSoundLast(TitleFixture.transcodeConforming(source, out, SegmentFormat.FMP4, 320, 180, true),
        out, 4.0, 0.1);
  }

  @Test
  void transportStreamsJoinedEndToEndKeepEveryPart() throws Exception {
    // Two recordings cut together: the second one's clock starts again, and its picture is larger.
    Path joined = joined(TitleFixture.pattern(dir, "first.ts", "320x180", "25", 3, true, "-c:v", "libx264",
        "-preset", "ultrafast", "-c:a", "aac"), TitleFixture.pattern(dir, "second.ts", "640x360", "25", 3, true,
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"));
    Path out = dir.resolve("title");
    assertPictureAndSoundLast(TitleFixture.transcodeConforming(joined, out, SegmentFormat.FMP4, 320, 180, true),
        out, 6.0, 0.05);
  }

  @Test
  void audioChangingRateAndChannelsMidStreamIsConverted() throws Exception {
    // A broadcast recording going from a mono 44.1 kHz programme to a 5.1 48 kHz one.
    Path mono = TitleFixture.pattern(dir, "mono.ts", "320x180", "25", 3, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path surround = TitleFixture.generate(dir, "surround.ts", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000", "-t", "3", "-ac", "6", "-channel_layout", "5.1",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");
    TitleFixture.transcodeConforming(joined(mono, surround), out, SegmentFormat.TS, 320, 180, true);
    assertThat(MediaPlaylist.read(out.resolve("180p").resolve("index.m3u8")).totalSeconds())
        .isCloseTo(6.0, within(0.05));
  }

  /** Asserts that every video rendition of {@code result}, written to {@code out}, decodes to {@code frames}. */
  private void assertEveryRenditionHasFrames(TranscodeResult result, Path out, int frames) throws IOException {
    for (PackagedRendition rendition : result.renditions()) {
      Path video = TitleFixture.joined(out.resolve(rendition.name()), dir.resolve(rendition.name() + ".mp4"));
      assertThat(FfmpegTool.ffprobe("-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
          "stream=nb_read_frames", "-of", "csv=p=0", video.toString()).trim()).as(rendition.name())
          .isEqualTo(Integer.toString(frames));
    }
  }

  private static void assertPictureAndSoundLast(TranscodeResult result, Path out, double seconds, double tolerance) {
    assertThat(result.durationSeconds()).as("the picture").isCloseTo(seconds, within(tolerance));
    assertThat(MediaPlaylist.read(out.resolve("audio").resolve("index.m3u8")).totalSeconds()).as("the sound")
        .isCloseTo(seconds, within(tolerance));
  }

  private Path joined(Path first, Path second) throws IOException {
    Path joined = dir.resolve("joined.ts");
    Files.write(joined, Files.readAllBytes(first));
    Files.write(joined, Files.readAllBytes(second), StandardOpenOption.APPEND);
    return joined;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"yuv444p", "yuv420p10le"})
  void fourFourFourAndTenBitBecomeEightBitFourTwoZero(String pixelFormat) {
    Path source = TitleFixture.pattern(dir, "deep.mp4", "320x180", "30", 3, false, "-c:v", "libx264", "-preset",
        "ultrafast", "-pix_fmt", pixelFormat);
    assertThat(MediaProbe.probe(source).video().pixelFormat()).isEqualTo(pixelFormat);
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 320, 180, false);
  }

  @Test
  void interlacedSourceIsDeinterlaced() {
    Path source = TitleFixture.pattern(dir, "interlaced.mp4", "640x360", "25", 3, false, "-vf", "interlace",
        "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", "-x264-params", "tff=1");
    assertThat(MediaProbe.probe(source).video().interlaced()).isTrue();
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 640, 360, false);
  }

  @ParameterizedTest(name = "{0} then {1}")
  @CsvSource({"4:3, 16:9, 480x360", "16:9, 4:3, 640x360"})
  void aBroadcastSwitchingBetweenFourThreeAndSixteenNineIsBoxedNotStretched(String before, String after,
      String rung) throws Exception {
    // A DVB recording: the same 720x576 pictures, one programme's shape then the other's (another sample aspect
    // ratio). The rungs are planned for the first shape, and the second is shown whole between black bars: 16:9 in a
    // 4:3 rung as 480x270 (letterbox), 4:3 in a 16:9 rung as 480x360 (pillarbox).
    String white = "color=c=white:size=720x576:rate=25";
    Path first = TitleFixture.generate(dir, "first.ts", "-f", "lavfi", "-i", white, "-t", "2", "-aspect", before,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p");
    Path second = TitleFixture.generate(dir, "second.ts", "-f", "lavfi", "-i", white, "-t", "2", "-aspect", after,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-output_ts_offset", "2");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(joined(first, second), out, SegmentFormat.FMP4,
        before.equals("4:3") ? 768 : 1024, 576, false);
    PackagedRendition top = result.renditions().get(0);
    assertThat(top.width() + "x" + top.height()).isEqualTo(rung);
    Path video = TitleFixture.joined(out.resolve(top.name()), dir.resolve("top.mp4"));
    byte[] whole = FfmpegTool.lumaAt(video, 1);
    assertThat(meanLuma(whole, top.width(), 0, 40)).as("the first part's top rows").isCloseTo(235, within(2.0));
    byte[] boxed = FfmpegTool.lumaAt(video, 3);
    int[][] bars = before.equals("4:3") ? new int[][] {{0, 0, 480, 40}, {0, 320, 480, 360}}
        : new int[][] {{0, 0, 70, 360}, {570, 0, 640, 360}};
    for (int[] bar : bars) {
      assertThat(meanLuma(boxed, top.width(), bar)).as("a bar at %s", Arrays.toString(bar)).isCloseTo(16,
          within(2.0));
    }
    int[] picture = before.equals("4:3") ? new int[] {0, 50, 480, 310} : new int[] {90, 0, 550, 360};
    assertThat(meanLuma(boxed, top.width(), picture)).as("the picture").isCloseTo(235, within(2.0));
  }

  /** The mean luma of the rectangle {left, top, right, bottom} of a picture {@code width} wide. */
  private static double meanLuma(byte[] gray, int width, int[] rectangle) {
    long sum = 0;
    for (int y = rectangle[1]; y < rectangle[3]; y++) {
      for (int x = rectangle[0]; x < rectangle[2]; x++) {
        sum += gray[y * width + x] & 0xff;
      }
    }
    return (double) sum / ((rectangle[2] - rectangle[0]) * (rectangle[3] - rectangle[1]));
  }

  @Test
  void interlacedRecordingsOfTwoSizesJoinedEndToEndKeepEveryFrame() throws Exception {
    // Two broadcast recordings cut together, the second one smaller: the de-interlacer, set up for the first one's
    // pictures, refused the second one's, which failed the transcode.
    String[] interlaced = {"-vf", "interlace", "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme",
        "-x264-params", "tff=1"};
    Path first = TitleFixture.pattern(dir, "first.ts", "640x360", "50", 2, false, interlaced);
    Path second = TitleFixture.pattern(dir, "second.ts", "480x272", "50", 2, false,
        Stream.concat(Arrays.stream(interlaced), Stream.of("-output_ts_offset", "2")).toArray(String[]::new));
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcodeConforming(joined(first, second), out, SegmentFormat.FMP4, 640,
        360, false);
    assertEveryRenditionHasFrames(result, out, 100);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "vp8.webm, '-c:v,libvpx,-deadline,realtime,-b:v,500k,-c:a,libopus'",
      "vp9.webm, '-c:v,libvpx-vp9,-deadline,realtime,-cpu-used,8,-b:v,500k,-c:a,libopus'",
      "mpeg4.mkv, '-c:v,mpeg4,-q:v,5,-c:a,aac'",
      "vp8-in.ogg, '-c:v,libvpx,-deadline,realtime,-b:v,500k,-c:a,libopus'",
      "prores.mov, '-c:v,prores_ks,-profile:v,0,-c:a,pcm_s16le'",
      "mjpeg.avi, '-c:v,mjpeg,-q:v,5,-c:a,pcm_s16le'"})
  void otherCodecsAndContainersAreTranscoded(String name, String encodeArgs) {
    Path source = TitleFixture.pattern(dir, name, "320x180", "25", 3, true, encodeArgs.split(","));
    TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.FMP4, 320, 180, true);
  }

  @Test
  void clipShorterThanOneSegmentGivesOneSegmentPerRendition() {
    Path source = TitleFixture.pattern(dir, "short.mp4", "320x180", "30", 1.5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    TranscodeResult result = TitleFixture.transcodeConforming(source, dir.resolve("title"), SegmentFormat.TS, 320,
        180, true);
    assertThat(result.renditions()).allSatisfy(r -> assertThat(r.segments()).isEqualTo(1));
  }

  @Test
  void truncatedStreamableFileGivesTheDecodablePartWithAudioEndingWithTheVideo() throws Exception {
    Path whole = TitleFixture.pattern(dir, "whole.mkv", "320x180", "30", 6, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    byte[] bytes = Files.readAllBytes(whole);
    // The Matroska header still claims 6 s; only about half of the media is there.
    Path truncated = Files.write(dir.resolve("truncated.mkv"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    TranscodeResult result = TitleFixture.transcodeConforming(truncated, dir.resolve("title"), SegmentFormat.FMP4,
        320, 180, true);
    assertThat(result.durationSeconds()).isBetween(1.0, 5.0);
  }

  @Test
  void probeDescribesTheStreams() {
    Path source = TitleFixture.pattern(dir, "probe.mkv", "320x180", "25", 2, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    MediaInfo info = MediaProbe.probe(source);
    assertThat(info.container()).contains("matroska");
    assertThat(info.durationSeconds()).isBetween(1.9, 2.2);
    assertThat(info.video().codec()).isEqualTo("h264");
    assertThat(Map.of("w", info.video().width(), "h", info.video().height())).containsEntry("w", 320)
        .containsEntry("h", 180);
    assertThat(info.video().frameRateNum() / (double) info.video().frameRateDen()).isEqualTo(25.0);
    assertThat(info.video().rotation()).isZero();
    assertThat(info.video().interlaced()).isFalse();
    assertThat(info.audio()).hasValueSatisfying(a -> {
      assertThat(a.codec()).isEqualTo("aac");
      assertThat(a.sampleRate()).isEqualTo(44100);
      assertThat(a.channels()).isEqualTo(1);
    });
  }
}
