package io.streamkit.hls.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.hls.FfmpegTool;
import io.streamkit.hls.HlsRemux;
import io.streamkit.hls.Transcoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live {@code EXTINF} and {@code EXT-X-PART:DURATION} values are the real durations of their media (RFC 8216bis
 * sections 4.4.4.1 and 4.4.4.9), measured with ffprobe from the samples each segment and part holds: from the
 * earliest PTS to the end of the latest sample. A 23.976 fps stream that ends mid-segment is pushed through the real
 * transcoder into {@link LivePlaylists}; the recorded event's playlists, every part, the MP4 the recording is joined
 * into and the title made of that MP4 are then checked against the stream's own frame count and frame duration. The
 * FLV declares 23.976 fps in its metadata, which FFmpeg reads as 983/41: the transcode must time the frames at the
 * stream's real 24000/1001.
 */
class LiveSegmentDurationTest {

  /** The stream's frames and their duration: 168 frames at 24000/1001 fps are 7.007 s, ending mid-segment. */
  private static final int FRAMES = 168;
  private static final double FRAME_SECONDS = 1001 / 24000.0;
  /** What ffprobe prints (microseconds) plus the playlist's own rounding. */
  private static final double MEASURED = 2e-6;
  /** One AAC frame at 48 kHz. */
  private static final double AAC_FRAME = 1024 / 48000.0;

  @TempDir Path dir;

  @Test
  void segmentsPartsAndTheRecordingLastExactlyAsLongAsTheirFrames() throws Exception {
    Path source = dir.resolve("input.flv");
    FfmpegTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24000/1001", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=44100", "-frames:v", Integer.toString(FRAMES), "-t",
        Double.toString(FRAMES * FRAME_SECONDS), "-c:v", "libx264", "-preset", "ultrafast", "-g", "48",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", source.toString());
    LivePlaylists live = LivePlaylists.builder().recordingDirectory(dir.resolve("recording")).build();
    RecordingSink parts = new RecordingSink();
    try (InputStream in = Files.newInputStream(source)) {
      LiveTranscoder.builder().input(in).sink(new Both(live, parts)).ladder(Ladder.small()).name("durations")
          .build().run();
    }
    live.endEvent();
    Path recording = live.finishRecording();

    double videoSeconds = FRAMES * FRAME_SECONDS;
    List<Double> reference = null;
    for (LiveRendition rendition : live.renditions()) {
      Path playlist = recording.resolve(rendition.name()).resolve(LiveMediaPlaylist.PLAYLIST);
      String stream = rendition.audio() ? "a:0" : "v:0";
      Map<Path, Double> extinf = extinf(playlist);
      List<Double> listed = new ArrayList<>(extinf.values());
      double end = 0;
      for (Map.Entry<Path, Double> segment : extinf.entrySet()) {
        Path media = withInit(playlist.getParent().resolve("init_0.mp4"), Files.readAllBytes(segment.getKey()),
            segment.getKey().getFileName() + ".mp4");
        List<double[]> packets = packets(media, stream);
        assertThat(segment.getValue()).as(rendition.name() + " " + segment.getKey().getFileName())
            .isCloseTo(span(packets), within(MEASURED));
        end = packets.stream().mapToDouble(p -> p[0] + p[1]).max().orElseThrow();
      }
      double sum = listed.stream().mapToDouble(Double::doubleValue).sum();
      assertThat(end).as(rendition.name() + ": its last segment ends where its media ends").isCloseTo(sum,
          within(MEASURED * listed.size()));
      if (rendition.audio()) {
        // Every rendition starts segment n at its first sample at or after n segment durations: the audio's
        // boundaries lie within one video frame of the video's, and its last segment ends within one AAC frame
        // after the last video frame.
        assertThat(listed).hasSameSizeAs(reference);
        double audioEnd = 0;
        double videoEnd = 0;
        for (int i = 0; i < listed.size() - 1; i++) {
          audioEnd += listed.get(i);
          videoEnd += reference.get(i);
          assertThat(audioEnd).as("end of audio segment " + i).isCloseTo(videoEnd, within(FRAME_SECONDS));
        }
        assertThat(sum - videoSeconds).as("audio ends with the video").isBetween(0.0, AAC_FRAME);
      } else {
        assertThat(sum).as(rendition.name() + ": the segments add up to the stream's frames")
            .isCloseTo(videoSeconds, within(MEASURED * listed.size()));
        assertThat(end).as(rendition.name() + ": the last segment ends with the last frame")
            .isCloseTo(videoSeconds, within(MEASURED));
        if (reference == null) {
          reference = listed;
        } else {
          assertThat(listed).as(rendition.name() + " lists the same durations as the top rendition")
              .isEqualTo(reference);
        }
      }

      // Each part's duration as handed to the playlists, which print it as EXT-X-PART:DURATION.
      List<RecordingSink.Part> all = parts.tracks.get(rendition.name()).allParts();
      for (int i = 0; i < all.size(); i++) {
        Path media = withInit(playlist.getParent().resolve("init_0.mp4"), all.get(i).bytes(), "part_" + i + ".mp4");
        assertThat(all.get(i).seconds()).as(rendition.name() + " part " + i)
            .isCloseTo(span(packets(media, stream)), within(MEASURED));
      }
    }

    // The recording joins the top rendition and the audio into the MP4 that becomes a title: its video lasts as long
    // as the segments listed.
    LiveRendition top = live.renditions().get(0);
    Path joined = dir.resolve("recording.mp4");
    HlsRemux.toMp4(List.of(recording.resolve(top.name()).resolve(LiveMediaPlaylist.PLAYLIST),
        recording.resolve("audio").resolve(LiveMediaPlaylist.PLAYLIST)), joined);
    assertThat(span(packets(joined, "v:0"))).as("recorded video").isCloseTo(videoSeconds, within(MEASURED));
    // ... and the title made of it lists segments that add up to that duration in every rendition.
    Path title = dir.resolve("title");
    Transcoder.builder().input(joined).output(title).storyboard(false).build().run();
    List<String> master = Files.readAllLines(title.resolve("master.m3u8"));
    int variants = 0;
    for (int i = 0; i < master.size(); i++) {
      if (master.get(i).startsWith("#EXT-X-STREAM-INF:")) {
        Map<Path, Double> segments = extinf(title.resolve(master.get(i + 1)));
        assertThat(segments.values().stream().mapToDouble(Double::doubleValue).sum())
            .as("EXTINF sum of the recording's " + master.get(i + 1))
            .isCloseTo(videoSeconds, within(MEASURED * segments.size()));
        variants++;
      }
    }
    assertThat(variants).as("renditions of the recording's title").isPositive();
  }

  /** The segments of a VOD media playlist in order, with their {@code EXTINF} values. */
  private static Map<Path, Double> extinf(Path playlist) throws IOException {
    Map<Path, Double> segments = new LinkedHashMap<>();
    Double duration = null;
    for (String line : Files.readAllLines(playlist)) {
      if (line.startsWith("#EXTINF:")) {
        duration = Double.parseDouble(line.substring("#EXTINF:".length(), line.indexOf(',')));
      } else if (!line.isBlank() && !line.startsWith("#")) {
        segments.put(playlist.resolveSibling(line), duration);
      }
    }
    assertThat(segments).as(playlist.toString()).isNotEmpty();
    return segments;
  }

  private Path withInit(Path init, byte[] media, String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Files.readAllBytes(init));
    out.writeBytes(media);
    Path file = dir.resolve(init.getParent().getFileName() + "-" + name);
    Files.write(file, out.toByteArray());
    return file;
  }

  /**
   * PTS and duration in seconds of every video packet of {@code media}, or of every audio frame as decoded: the
   * container gives no duration to the first AAC sample of a fragment (so none to a one-sample part), its decoded
   * samples are counted instead. A video duration ffprobe does not know counts as 0.
   */
  private static List<double[]> packets(Path media, String stream) {
    boolean audio = stream.startsWith("a");
    List<double[]> packets = new ArrayList<>();
    for (String line : FfmpegTool.ffprobe("-select_streams", stream, "-show_entries",
        audio ? "frame=pts_time,nb_samples" : "packet=pts_time,duration_time", "-of", "csv=p=0",
        media.toString()).split("\n")) {
      String[] fields = line.strip().split(",");
      if (fields.length >= 1 && !fields[0].isEmpty() && !fields[0].equals("N/A")) {
        double duration = fields.length < 2 || fields[1].equals("N/A") ? 0
            : audio ? Double.parseDouble(fields[1]) / AudioEncoding.SAMPLE_RATE : Double.parseDouble(fields[1]);
        packets.add(new double[] {Double.parseDouble(fields[0]), duration});
      }
    }
    assertThat(packets).as("packets of " + media.getFileName()).isNotEmpty();
    return packets;
  }

  /** From the earliest PTS to the latest end (PTS plus duration). */
  private static double span(List<double[]> packets) {
    double start = packets.stream().mapToDouble(p -> p[0]).min().orElseThrow();
    double end = packets.stream().mapToDouble(p -> p[0] + p[1]).max().orElseThrow();
    return end - start;
  }

  /** Hands every call to both sinks: the playlists under test and a record of the parts. */
  private record Both(LiveSink first, LiveSink second) implements LiveSink {
    @Override
    public void start(List<LiveRendition> renditions) {
      first.start(renditions);
      second.start(renditions);
    }

    @Override
    public void init(String rendition, byte[] initSegment) {
      first.init(rendition, initSegment);
      second.init(rendition, initSegment);
    }

    @Override
    public void part(String rendition, byte[] chunk, double durationSeconds, boolean independent) {
      first.part(rendition, chunk, durationSeconds, independent);
      second.part(rendition, chunk, durationSeconds, independent);
    }

    @Override
    public void segmentEnd(String rendition) {
      first.segmentEnd(rendition);
      second.segmentEnd(rendition);
    }

    @Override
    public void dropped(String rendition) {
      first.dropped(rendition);
      second.dropped(rendition);
    }

    @Override
    public void end() {
      first.end();
      second.end();
    }
  }
}
