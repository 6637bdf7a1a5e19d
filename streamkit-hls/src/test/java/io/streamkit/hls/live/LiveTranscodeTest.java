package io.streamkit.hls.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.hls.FfmpegTool;
import io.streamkit.hls.HdrPatches;
import io.streamkit.hls.TranscodeException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LiveTranscodeTest {

  private static final int SECONDS = 8;

  @TempDir Path dir;

  /** {@code seconds} of H.264 + AAC test pattern in FLV, as an RTMP publisher would send it. */
  private Path flv(String size, int rate, int seconds) {
    Path file = dir.resolve("input-" + size + "-" + rate + ".flv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + rate,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", Integer.toString(seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-g", Integer.toString(2 * rate), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-f", "flv", file.toString());
    return file;
  }

  @Test
  void realTimeFlvBecomesKeyframeAlignedCmafPartsThatDecode() throws Exception {
    Path source = flv("640x360", 25, SECONDS);
    RecordingSink sink = new RecordingSink();
    LiveTranscode live;
    try (InputStream in = new RealTimeStream(Files.newInputStream(source), Files.size(source), SECONDS)) {
      live = LiveTranscoder.builder().input(in).sink(sink).ladder(Ladder.small()).name("test").build();
      live.run();
    }

    assertEquals(List.of("360p", "180p", "audio"), sink.renditions.stream().map(LiveRendition::name).toList());
    assertEquals("start", sink.calls.get(0));
    assertEquals("end", sink.calls.get(sink.calls.size() - 1));
    assertEquals(List.of("start", "init 360p", "init 180p", "init audio"), sink.calls.subList(0, 4));
    int segments = sink.tracks.get("360p").segments.size();
    assertEquals(SECONDS / LiveTranscoder.DEFAULT_SEGMENT_SECONDS, segments);
    for (var entry : sink.tracks.entrySet()) {
      RecordingSink.Track track = entry.getValue();
      String name = entry.getKey();
      assertTrue(track.init.length > 0, name + " has an init segment");
      assertTrue(track.open.isEmpty(), name + " closed its last segment");
      assertEquals(segments, track.segments.size(), name + " has as many segments as 360p");
      for (List<RecordingSink.Part> segment : track.segments) {
        assertTrue(segment.get(0).independent(), name + ": every segment starts with an independent part");
        assertTrue(segment.size() >= 4, name + ": a 2 s segment has at least four 0.5 s parts");
      }
      for (RecordingSink.Part part : track.allParts()) {
        assertTrue(part.seconds() > 0 && part.seconds() <= LiveTranscoder.DEFAULT_PART_SECONDS + 1e-9,
            name + " part of " + part.seconds() + " s exceeds the part target");
      }
      assertEquals(SECONDS, track.seconds(), 0.05, name + ": parts cover the input");
    }

    sink.renditions.stream().filter(r -> !r.audio())
        .forEach(r -> assertTrue(r.codecs().startsWith("avc1.64"), "High profile: " + r.codecs()));
    Path segment = dir.resolve("360p-1.mp4");
    Files.write(segment, sink.tracks.get("360p").playable(1));
    assertEquals("h264,640,360,50", probe(segment, "v:0", "stream=codec_name,width,height,nb_read_frames"));
    assertEquals("1,I", FfmpegTool.ffprobe("-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries",
        "frame=key_frame,pict_type", "-of", "csv=p=0", segment.toString()).strip(), "segment starts with an IDR");
    Path small = dir.resolve("180p-3.mp4");
    Files.write(small, sink.tracks.get("180p").playable(3));
    assertEquals("h264,320,180,50", probe(small, "v:0", "stream=codec_name,width,height,nb_read_frames"));
    Path sound = dir.resolve("audio-2.mp4");
    Files.write(sound, sink.tracks.get("audio").playable(2));
    String audio = probe(sound, "a:0", "stream=codec_name,sample_rate,channels,nb_read_frames");
    assertTrue(audio.startsWith("aac,48000,2,"), audio);
    int aacFrames = Integer.parseInt(audio.substring(audio.lastIndexOf(',') + 1));
    assertEquals(2.0 * 48_000 / 1024, aacFrames, 1.5, "one segment of audio frames");

    LiveStats stats = live.stats();
    assertEquals(640, stats.inputWidth());
    assertEquals(360, stats.inputHeight());
    assertEquals(25, stats.inputFrameRate(), 1);
    assertEquals(0, stats.droppedFrames());
    assertTrue(stats.encoderSpeed() > 1, "a small ladder keeps up: " + stats.encoderSpeed());
    assertTrue(stats.inputBitsPerSecond() > 0);
    assertEquals(segments, stats.segments());
    assertEquals(List.of("360p", "180p"), live.renditions().stream().map(r -> r.name()).toList());
  }

  @ParameterizedTest(name = "{0} {1} says {2}")
  @CsvSource(delimiter = ';', value = {
      "1280x720; untagged; bt709,bt709,bt709", // what players take an untagged HD picture for
      "640x360; untagged; smpte170m,smpte170m,smpte170m", // ... and an untagged SD one: BT.601
      "1280x720; bt470bg; bt470bg,bt709,bt709", // what the input says, the rest as for HD
  })
  void everyRungSaysWhichColourItsSamplesAreIn(String size, String tag, String expected) throws Exception {
    // Unsaid, Chromium would show an HD stream's 360p rung in BT.601's colours and its 720p rung in BT.709's.
    Path source = dir.resolve("colour.flv");
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=25", "-t",
        "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    if (!tag.equals("untagged")) {
      args.addAll(List.of("-colorspace", tag));
    }
    args.addAll(List.of("-f", "flv", source.toString()));
    FfmpegTool.ffmpeg(args.toArray(String[]::new));
    RecordingSink sink = run(source, new Ladder("colour", List.of(Rung.of(720, 3000), Rung.of(360, 800))));

    List<LiveRendition> video = sink.renditions.stream().filter(r -> !r.audio()).toList();
    assertFalse(video.isEmpty());
    for (LiveRendition rendition : video) {
      Path segment = dir.resolve(rendition.name() + ".mp4");
      Files.write(segment, sink.tracks.get(rendition.name()).playable(0));
      assertEquals("tv," + expected, colourOf(segment), rendition.name());
    }
  }

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource({"arib-std-b67, 1280x720", "smpte2084, 640x360"})
  void hdrInputComesOutLookingLikeTheSdrPictureItHolds(String transfer, String size) throws Exception {
    // As OBS publishes HDR: HEVC 10-bit over enhanced RTMP. Unconverted, it would look grey and washed out. At
    // 1280x720, larger than the top rung, it is converted at that rung's size.
    Path source = dir.resolve("hdr.flv");
    List<String> args = new ArrayList<>(HdrPatches.source(transfer, size));
    args.addAll(List.of("-f", "flv", source.toString()));
    FfmpegTool.ffmpeg(args.toArray(String[]::new));
    RecordingSink sink = run(source, Ladder.small());

    Path segment = dir.resolve("360p.mp4");
    Files.write(segment, sink.tracks.get("360p").playable(0));
    assertEquals("tv,bt709,bt709,bt709", colourOf(segment), "the rung says it is BT.709 SDR");
    HdrPatches.assertLooksLikeTheSdrPicture(segment);
  }

  @ParameterizedTest
  @CsvSource({
      "libx264, yuvj420p", // decoded as a full-range pixel format
      "libvpx-vp9, yuv420p", // (enhanced RTMP) decoded as yuv420p with the range stated on the picture
  })
  void fullRangeInputComesOutInTheLimitedRangePlayersAssume(String encoder, String pixelFormat) throws Exception {
    // As some encoders publish it: luma 0-255, signalled in the stream. Passed on unconverted, black and white would
    // be clipped by players, which take a stream that states limited range at its word.
    Path source = dir.resolve("full-range.flv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i",
        "color=c=black:size=320x180:rate=25,drawbox=x=0:y=90:w=320:h=90:color=white:t=fill", "-t", "2", "-vf",
        "scale=out_range=full,format=" + pixelFormat, "-c:v", encoder, "-color_range", "pc", "-f", "flv",
        source.toString());
    RecordingSink sink = run(source, new Ladder("one", List.of(Rung.of(180, 250))));

    Path segment = dir.resolve("180p.mp4");
    Files.write(segment, sink.tracks.get("180p").playable(0));
    byte[] luma = FfmpegTool.firstLuma(segment);
    assertEquals(320 * 180, luma.length);
    IntSummaryStatistics levels = IntStream.range(0, luma.length).map(i -> luma[i] & 0xff).summaryStatistics();
    assertEquals(16, levels.getMin(), 2, "black");
    assertEquals(235, levels.getMax(), 2, "white");
  }

  @Test
  void interlacedInputIsDeinterlacedAndKeepsEveryFrameAndItsTime() throws Exception {
    // As broadcast contribution encoders publish 1080i: two fields of different instants woven into each frame.
    // Scaled as they are, every moving edge shows the comb of the two fields.
    Path source = dir.resolve("interlaced.flv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=50", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-t", "4", "-vf", "interlace", "-c:v", "libx264", "-preset",
        "ultrafast", "-flags", "+ildct+ilme", "-x264-params", "tff=1", "-g", "50", "-c:a", "aac", "-f", "flv",
        source.toString());
    assertEquals(List.of("tff"), frameKinds(source).stream().distinct().toList(), "the input is interlaced");
    RecordingSink sink = run(source, new Ladder("one", List.of(Rung.of(360, 800))));

    RecordingSink.Track track = sink.tracks.get("360p");
    assertEquals(4, track.seconds(), 0.05, "the picture de-interlacing holds back comes out at the end");
    assertEquals(track.seconds(), sink.tracks.get("audio").seconds(), 0.05, "audio ends with the video");
    Path last = dir.resolve("360p-last.mp4");
    Files.write(last, track.playable(track.segments.size() - 1));
    assertEquals("h264,640,360,50", probe(last, "v:0", "stream=codec_name,width,height,nb_read_frames"));
    List<String> kinds = frameKinds(last);
    long progressive = kinds.stream().filter(kind -> kind.equals("progressive")).count();
    assertTrue(progressive >= 0.8 * kinds.size(), "frames idet still finds interlaced: " + kinds);
  }

  /** How FFmpeg's interlace detector ({@code idet}) classifies each frame of {@code file}: tff, bff, progressive. */
  private static List<String> frameKinds(Path file) {
    return FfmpegTool.ffprobe("-f", "lavfi", "-i", "movie=" + file + ",idet", "-show_entries",
        "frame_tags=lavfi.idet.multiple.current_frame", "-of", "csv=p=0").lines().map(line -> line.replace(",", "")
        .strip()).filter(kind -> !kind.isEmpty() && !kind.equals("undetermined")).toList();
  }

  /** Range, matrix, transfer and primaries the video stream of {@code file} states, as ffprobe names them. */
  private static String colourOf(Path file) {
    return FfmpegTool.ffprobe("-select_streams", "v", "-show_entries",
        "stream=color_range,color_space,color_transfer,color_primaries", "-of", "csv=p=0", file.toString()).strip();
  }

  private static RecordingSink run(Path source, Ladder ladder) throws IOException {
    RecordingSink sink = new RecordingSink();
    try (InputStream in = Files.newInputStream(source)) {
      LiveTranscoder.builder().input(in).sink(sink).ladder(ladder).build().run();
    }
    return sink;
  }

  @Test
  void stopFromAnotherThreadClosesTheLastSegmentsAndEnds() throws Exception {
    Path source = flv("640x360", 25, SECONDS);
    RecordingSink sink = new RecordingSink();
    try (InputStream in = new RealTimeStream(Files.newInputStream(source), Files.size(source), SECONDS)) {
      LiveTranscode live = LiveTranscoder.builder().input(in).sink(sink).ladder(Ladder.small()).build();
      Thread stopper = new Thread(() -> {
        try {
          while (live.stats().segments() < 1) {
            Thread.sleep(20);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        live.stop();
      });
      stopper.start();
      live.run();
      stopper.join();
    }

    assertEquals("end", sink.calls.get(sink.calls.size() - 1));
    double seconds = sink.tracks.get("360p").seconds();
    assertTrue(seconds >= 2 && seconds < SECONDS - 1, "stopped early: " + seconds);
    sink.tracks.forEach((name, track) -> assertTrue(track.open.isEmpty(), name + " closed its last segment"));
  }

  @Test
  void garbageInputEndsWithOneLineErrorAndEnd() {
    byte[] garbage = new byte[64 * 1024];
    new Random(7).nextBytes(garbage);
    RecordingSink sink = new RecordingSink();
    LiveTranscode live = LiveTranscoder.builder().input(new ByteArrayInputStream(garbage)).sink(sink).name("junk")
        .build();

    TranscodeException failure = assertThrows(TranscodeException.class, live::run);

    assertTrue(failure.getMessage().startsWith("junk: not an FLV stream"), failure.getMessage());
    assertFalse(failure.getMessage().contains("\n"));
    assertEquals(List.of("end"), sink.calls);

    byte[] flvThenGarbage = garbage.clone();
    flvThenGarbage[0] = 'F';
    flvThenGarbage[1] = 'L';
    flvThenGarbage[2] = 'V';
    RecordingSink second = new RecordingSink();
    TranscodeException late = assertThrows(TranscodeException.class, LiveTranscoder.builder()
        .input(new ByteArrayInputStream(flvThenGarbage)).sink(second).name("junk").build()::run);
    assertTrue(late.getMessage().startsWith("junk: "), late.getMessage());
    assertFalse(late.getMessage().contains("\n"));
    assertEquals(List.of("end"), second.calls);
  }

  @Test
  void streamCutMidwayClosesWhatItHad() throws Exception {
    Path source = flv("640x360", 25, SECONDS);
    byte[] bytes = Files.readAllBytes(source);
    RecordingSink sink = new RecordingSink();
    LiveTranscode live = LiveTranscoder.builder()
        .input(new ByteArrayInputStream(bytes, 0, bytes.length / 2 + 777)).sink(sink).ladder(Ladder.small()).build();

    live.run();

    assertEquals("end", sink.calls.get(sink.calls.size() - 1));
    double seconds = sink.tracks.get("360p").seconds();
    assertTrue(seconds > 2 && seconds < 6, "about half the input: " + seconds);
    assertEquals(seconds, sink.tracks.get("audio").seconds(), 0.05, "audio ends with the video");
    int segments = sink.tracks.get("360p").segments.size();
    sink.tracks.forEach((name, track) -> assertEquals(segments, track.segments.size(), name));
  }

  @Test
  void reconnectingPublisherKeepsThePlanScaledFromTheNewInput() throws Exception {
    RecordingSink first = new RecordingSink();
    LiveTranscode live;
    try (InputStream in = Files.newInputStream(flv("640x360", 25, 2))) {
      live = LiveTranscoder.builder().input(in).sink(first).ladder(Ladder.small()).build();
      live.run();
    }
    RecordingSink second = new RecordingSink();
    try (InputStream in = Files.newInputStream(flv("480x360", 30, 2))) {
      LiveTranscoder.builder().input(in).sink(second).renditions(live.renditions()).build().run();
    }

    assertEquals(first.renditions.stream().map(r -> r.name() + " " + r.width() + "x" + r.height()).toList(),
        second.renditions.stream().map(r -> r.name() + " " + r.width() + "x" + r.height()).toList());
    Path segment = dir.resolve("again.mp4");
    Files.write(segment, second.tracks.get("360p").playable(0));
    assertEquals("h264,640,360,50", probe(segment, "v:0", "stream=codec_name,width,height,nb_read_frames"));
  }

  @Test
  void timestampJumpIsClosedUpAndPartsKeepTheirTarget() throws Exception {
    Path source = dir.resolve("jump.flv");
    // Ten seconds are added to every timestamp from 2 s on, as a publisher that paused its clock would send.
    FfmpegTool.ffmpeg("-t", "4", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
        "-t", "4", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-vf", "setpts=PTS+if(gte(T\\,2)\\,10/TB\\,0)", "-af", "asetpts=PTS+if(gte(T\\,2)\\,10/TB\\,0)",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac", "-f", "flv", source.toString());
    RecordingSink sink = new RecordingSink();
    try (InputStream in = Files.newInputStream(source)) {
      LiveTranscoder.builder().input(in).sink(sink).ladder(Ladder.small()).build().run();
    }

    RecordingSink.Track video = sink.tracks.get("180p");
    assertEquals(4, video.seconds(), 0.1, "the 10 s jump is closed up");
    assertEquals(4, sink.tracks.get("audio").seconds(), 0.15, "audio follows the video");
    for (RecordingSink.Part part : video.allParts()) {
      assertTrue(part.seconds() <= LiveTranscoder.DEFAULT_PART_SECONDS + 1e-9, "part of " + part.seconds() + " s");
    }
  }

  @Test
  void encoderBehindRealTimeDropsTheTopRenditionFirst() throws Exception {
    Path source = flv("1280x720", 30, 4);
    RecordingSink sink = new RecordingSink();
    LiveTranscode live;
    try (InputStream in = Files.newInputStream(source)) {
      live = LiveTranscoder.builder().input(in).sink(sink).name("slow")
          .ladder(new Ladder("slow", List.of(io.streamkit.abr.ladder.Rung.of(720, 3000),
              io.streamkit.abr.ladder.Rung.of(360, 800))))
          .preset("veryslow").segmentSeconds(1).maxLagSeconds(0.3).build();
      live.run();
    }

    List<String> drops = sink.calls.stream().filter(c -> c.startsWith("dropped")).toList();
    assertEquals(List.of("dropped 720p"), drops);
    int dropAt = sink.calls.indexOf("dropped 720p");
    assertFalse(sink.calls.subList(dropAt, sink.calls.size()).contains("part 720p"), "no 720p part after the drop");
    assertEquals(List.of("720p"), live.stats().droppedRenditions());
    RecordingSink.Track kept = sink.tracks.get("360p");
    assertEquals(4, kept.seconds(), 0.05, "the kept rendition still covers the input");
    for (RecordingSink.Part part : kept.allParts()) {
      assertTrue(part.seconds() <= LiveTranscoder.DEFAULT_PART_SECONDS + 1e-9, "part of " + part.seconds() + " s");
    }
    kept.segments.forEach(s -> assertTrue(s.get(0).independent()));
  }

  @Test
  void encoderBehindRealTimeWithOneRenditionDropsFramesButKeepsTime() throws Exception {
    Path source = flv("1280x720", 30, 4);
    RecordingSink sink = new RecordingSink();
    LiveTranscode live;
    try (InputStream in = Files.newInputStream(source)) {
      live = LiveTranscoder.builder().input(in).sink(sink).name("slow")
          .ladder(new Ladder("one", List.of(io.streamkit.abr.ladder.Rung.of(720, 3000))))
          .preset("veryslow").segmentSeconds(1).maxLagSeconds(0.3).build();
      live.run();
    }

    assertFalse(sink.calls.stream().anyMatch(c -> c.startsWith("dropped")), "the only rendition is kept");
    long dropped = live.stats().droppedFrames();
    assertTrue(dropped > 10 && dropped < 4 * 30, "dropped " + dropped + " frames");
    RecordingSink.Track track = sink.tracks.get("720p");
    assertEquals(4, track.seconds(), 0.05, "parts still cover the input's time");
    assertEquals(4, track.segments.size());
    for (RecordingSink.Part part : track.allParts()) {
      assertTrue(part.seconds() <= LiveTranscoder.DEFAULT_PART_SECONDS + 1e-9, "part of " + part.seconds() + " s");
    }
    Path segment = dir.resolve("720p-3.mp4");
    Files.write(segment, track.playable(3));
    String probed = probe(segment, "v:0", "stream=codec_name,width,height,nb_read_frames");
    int frames = Integer.parseInt(probed.substring(probed.lastIndexOf(',') + 1));
    assertTrue(probed.startsWith("h264,1280,720,") && frames < 30, "a thinned segment still decodes: " + probed);
  }

  private static String probe(Path file, String stream, String entries) {
    return FfmpegTool.ffprobe("-count_frames", "-select_streams", stream, "-show_entries", entries,
        "-of", "csv=p=0", file.toString()).strip();
  }

  /** Delivers a file no faster than it plays, as a publisher does. */
  private static final class RealTimeStream extends FilterInputStream {
    private final double bytesPerNano;
    private final long start = System.nanoTime();
    private long delivered;

    RealTimeStream(InputStream in, long size, int seconds) {
      super(in);
      this.bytesPerNano = size / (seconds * 1e9);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long allowed = 16 * 1024 + (long) ((System.nanoTime() - start) * bytesPerNano) - delivered;
      while (allowed <= 0) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        allowed = 16 * 1024 + (long) ((System.nanoTime() - start) * bytesPerNano) - delivered;
      }
      int n = super.read(b, off, (int) Math.min(len, allowed));
      if (n > 0) {
        delivered += n;
      }
      return n;
    }
  }
}
