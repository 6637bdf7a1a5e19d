package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sound and picture together: a source that flashes white and beeps at the same instant, transcoded with B-frames
 * (x264 {@code veryfast}), must flash and beep together in the output, both as a player that applies the init
 * segment's edit lists plays it (ISO/IEC 14496-12 section 8.6.6; AVFoundation, and the bundled ffmpeg by default)
 * and as one that ignores them (hls.js on MSE; ffmpeg with {@code -ignore_editlist 1}). In an fMP4 title the picture
 * and the sound are separate renditions with timelines of their own, so nothing lines them up unless the packager
 * does; in a TS title both share one muxer.
 */
class AudioVideoSyncTest {

  static final double FLASH_SECONDS = 2.0;
  /** Far below a frame (33 ms) and the 45-60 ms by which the sound led before. */
  static final double TOLERANCE_SECONDS = 0.005;
  static final Pattern BLACK_END = Pattern.compile("black_end:([0-9.]+)");
  static final Pattern SILENCE_END = Pattern.compile("silence_end: ([0-9.]+)");

  @TempDir Path dir;

  @Test
  void theBeepComesWithTheFlashInEveryFormat() throws IOException {
    Path source = flashAndBeep(30);
    assertThat(flash(source, true) - beep(source, true)).as("the source itself").isCloseTo(0, within());

    for (SegmentFormat format : SegmentFormat.values()) {
      Path out = dir.resolve(format.name());
      Transcoder.builder().input(source).output(out).format(format).ladder(Ladder.small()).preset("veryfast")
          .segmentSeconds(2).build().run();
      String extension = format == SegmentFormat.FMP4 ? ".mp4" : ".ts";
      Path video = TitleFixture.joined(out.resolve("360p"), dir.resolve(format.name() + "-video" + extension));
      Path audio = format == SegmentFormat.FMP4 ? TitleFixture.joined(out.resolve("audio"), dir.resolve("FMP4-audio.mp4")) : video;
      for (boolean editLists : new boolean[] {true, false}) {
        double flash = flash(video, editLists);
        assertThat(flash).as("%s: the flash, a reorder delay after its time in the source", format)
            .isBetween(FLASH_SECONDS, FLASH_SECONDS + 0.2);
        assertThat(beep(audio, editLists) - flash)
            .as("%s, edit lists %s: the beep's start minus the flash's, seconds", format,
                editLists ? "applied" : "ignored")
            .isCloseTo(0, within());
      }
    }
  }

  @Test
  void theBeepComesWithTheFlashInARungCappedToALowerFrameRate() throws IOException {
    // 60 fps: the top rung keeps it, the smaller one is capped at 30 and has a reorder delay twice as long in seconds.
    Path source = flashAndBeep(60);
    Ladder ladder = new Ladder("mixed", List.of(new Rung("360p", 360, 800_000, 60), Rung.of(180, 250)));
    Path out = dir.resolve("mixed");
    Transcoder.builder().input(source).output(out).format(SegmentFormat.FMP4).ladder(ladder).preset("veryfast")
        .segmentSeconds(2).build().run();
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("FRAME-RATE=60.000", "FRAME-RATE=30.000");
    Path audio = TitleFixture.joined(out.resolve("audio"), dir.resolve("mixed-audio.mp4"));
    for (String rung : List.of("360p", "180p")) {
      Path video = TitleFixture.joined(out.resolve(rung), dir.resolve("mixed-" + rung + ".mp4"));
      for (boolean editLists : new boolean[] {true, false}) {
        assertThat(beep(audio, editLists) - flash(video, editLists))
            .as("%s, edit lists %s: the beep's start minus the flash's, seconds", rung,
                editLists ? "applied" : "ignored")
            .isCloseTo(0, within());
      }
    }
  }

  /** Black at {@code fps} with one white frame at {@link #FLASH_SECONDS}, and a 1 kHz beep starting then. */
  private Path flashAndBeep(int fps) {
    return TitleFixture.generate(dir, "flash-and-beep-" + fps + ".mp4",
        "-f", "lavfi", "-i", "color=black:size=640x360:rate=" + fps + ",drawbox=color=white:t=fill:enable='between(t,"
            + FLASH_SECONDS + "," + (FLASH_SECONDS + 0.5 / fps) + ")'",
        "-f", "lavfi", "-i", "aevalsrc='if(between(t," + FLASH_SECONDS + "," + (FLASH_SECONDS + 0.2)
            + "),0.8*sin(2*PI*1000*t),0)':s=48000",
        "-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac");
  }

  private static Offset<Double> within() {
    return Offset.offset(TOLERANCE_SECONDS);
  }

  /** When the picture turns from black to white, on the file's own timestamps. */
  private static double flash(Path media, boolean editLists) {
    return detect(media, editLists, List.of("-an", "-vf", "blackdetect=d=0.01:pix_th=0.5"), BLACK_END);
  }

  /** When the sound starts after the silence, on the file's own timestamps. */
  private static double beep(Path media, boolean editLists) {
    return detect(media, editLists, List.of("-vn", "-af", "silencedetect=n=-30dB:d=0.05"), SILENCE_END);
  }

  private static double detect(Path media, boolean editLists, List<String> filter, Pattern event) {
    List<String> command = new ArrayList<>(List.of(FfmpegTool.FFMPEG, "-hide_banner", "-nostats", "-copyts"));
    if (media.toString().endsWith(".mp4")) {
      command.addAll(List.of("-ignore_editlist", editLists ? "0" : "1"));
    }
    command.addAll(List.of("-i", media.toString()));
    command.addAll(filter);
    command.addAll(List.of("-f", "null", "-"));
    FfmpegTool.Output out = FfmpegTool.run(command);
    assertThat(out.exitCode()).as(out.stderr()).isZero();
    Matcher m = event.matcher(out.stderr());
    assertThat(m.find()).as("%s in %s: %s", event.pattern(), media.getFileName(), out.stderr()).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
