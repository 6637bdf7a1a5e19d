package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TranscodeCommandTest {

  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run streamkit(String... args) {
    CommandLine cli = StreamkitCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void transcodesAFileIntoATitleAndPrintsASummary() throws Exception {
    Path source = dir.resolve("clip.mp4");
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
        source.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();

    Path out = dir.resolve("title");
    Run run = streamkit("transcode", source.toString(), "--out", out.toString(), "--format", "ts",
        "--segment-seconds", "2", "--ladder", "small", "--preset", "ultrafast", "--storyboard-interval", "1");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(out.resolve("master.m3u8")).exists();
    assertThat(Files.readString(out.resolve("storyboard/storyboard.vtt"))).startsWith("WEBVTT\n")
        .contains("00:00:01.000 --> 00:00:02.000\nsheet_000.jpg#xywh=")
        .contains("\n\n00:00:02.000 --> ");
    assertThat(out.resolve("storyboard/sheet_000.jpg")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("180p/index.m3u8");
    assertThat(out.resolve("180p/seg_00000.ts")).exists();
    assertThat(run.out()).contains("master.m3u8: 1 rendition (320x180@").contains("AAC stereo")
        .as("a TS title has no DASH manifest").doesNotContain("DASH manifest");

    Path fmp4 = dir.resolve("fmp4");
    Run dash = streamkit("transcode", source.toString(), "--out", fmp4.toString(), "--segment-seconds", "2",
        "--ladder", "small", "--preset", "ultrafast");
    assertThat(dash.status()).as(dash.err()).isZero();
    assertThat(dash.out()).contains("DASH manifest: " + fmp4.resolve("manifest.mpd"));
    assertThat(Files.readString(fmp4.resolve("manifest.mpd"))).contains("media=\"180p/seg_$Number%05d$.m4s\"");
  }

  @Test
  void ladderAutoFitsTheLadderToTheTitle() throws Exception {
    // A soft picture: the Apple ladder's 730k for 360p buy far more quality than anyone can see.
    Path source = dir.resolve("soft.mp4");
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-t", "21", "-vf", "gblur=sigma=3", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", source.toString())
        .inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();

    Path out = dir.resolve("title");
    Run run = streamkit("transcode", source.toString(), "--out", out.toString(), "--ladder", "auto", "--preset",
        "ultrafast", "--storyboard-interval", "off");

    assertThat(run.status()).as(run.err()).isZero();
    Matcher top = Pattern.compile("AVERAGE-BANDWIDTH=(\\d+),.*RESOLUTION=640x360").matcher(
        Files.readString(out.resolve("master.m3u8")));
    assertThat(top.find()).isTrue();
    assertThat(Long.parseLong(top.group(1))).as("the 360p variant's average bandwidth").isLessThan(500_000);
  }

  @Test
  void transcodesAnAudioFileIntoAnAudioOnlyTitle() throws Exception {
    Path source = dir.resolve("episode.mp3");
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "3",
        "-c:a", "libmp3lame", source.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();

    Path out = dir.resolve("episode");
    Run run = streamkit("transcode", source.toString(), "--out", out.toString(), "--segment-seconds", "2");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains(out.resolve("master.m3u8") + ": audio-only, 1 AAC variant (audio@")
        .contains("DASH manifest: " + out.resolve("manifest.mpd"));
    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("CODECS=\"mp4a.40.2\"")
        .doesNotContain("RESOLUTION");
    assertThat(out.resolve("storyboard")).doesNotExist();
  }

  @Test
  void encryptedTitlesKeepTheirKeysInAKeyFileBesideTheTitle() throws Exception {
    Path source = dir.resolve("clip.mp4");
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", source.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    Path out = dir.resolve("movie");
    Run run = streamkit("transcode", source.toString(), "--out", out.toString(), "--encrypt", "cbcs",
        "--segment-seconds", "2", "--ladder", "small", "--preset", "ultrafast", "--storyboard-interval", "off");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(out.resolve("storyboard")).as("--storyboard-interval off").doesNotExist();
    Path keys = dir.resolve("movie.keys");
    assertThat(run.out()).contains("1 content key of title 'movie' in " + keys)
        .contains("streamkit serve --key-file " + keys)
        .as("a 'cbcs' title has a DASH manifest over its encrypted segments")
        .contains("DASH manifest: " + out.resolve("manifest.mpd"));
    assertThat(Files.readString(out.resolve("manifest.mpd"))).contains("value=\"cbcs\"");
    String kid = Files.readString(keys).split(" ")[1];
    assertThat(Files.readString(out.resolve("180p/index.m3u8")))
        .contains("#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"../keys/" + kid + "\"");
    try (var files = Files.walk(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".keys"));
    }

    Run ts = streamkit("transcode", source.toString(), "--out", dir.resolve("ts").toString(), "--format", "ts",
        "--encrypt", "cbcs");
    assertThat(ts.status()).isEqualTo(2);
    assertThat(ts.err()).contains("--encrypt cbcs needs fMP4 segments");
    Run inside = streamkit("transcode", source.toString(), "--out", dir.resolve("x").toString(), "--encrypt",
        "aes-128", "--key-file", dir.resolve("x").resolve("k.keys").toString());
    assertThat(inside.status()).isEqualTo(2);
    assertThat(inside.err()).contains("lies inside the title directory");
  }

  @Test
  void subtitleFilesBecomeSubtitleRenditionsNamedByTheirLanguage() throws Exception {
    Path source = dir.resolve("clip.mp4");
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", source.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Path english = Files.writeString(dir.resolve("movie.en.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    Path brazilian = Files.writeString(dir.resolve("pt.vtt"), "WEBVTT\n\n00:01.000 --> 00:02.000\nOlá\n");

    Path out = dir.resolve("title");
    Run run = streamkit("transcode", source.toString(), "--out", out.toString(), "--segment-seconds", "2",
        "--ladder", "small", "--preset", "ultrafast", "--subtitles", english.toString(), "--subtitles",
        brazilian + ":pt-BR");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(Files.readString(out.resolve("master.m3u8")))
        .contains("LANGUAGE=\"en\",NAME=\"English\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subtitles/en/index.m3u8\"")
        .contains("LANGUAGE=\"pt-BR\",NAME=\"Portuguese (Brazil)\",DEFAULT=NO,AUTOSELECT=YES,"
            + "URI=\"subtitles/pt-BR/index.m3u8\"");
    assertThat(Files.readString(out.resolve("subtitles/pt-BR/seg_00000.vtt"))).contains("Olá");

    Path broken = Files.writeString(dir.resolve("broken.srt"), "1\n00:00:03,000 --> 00:00:01,000\nx\n");
    Run bad = streamkit("transcode", source.toString(), "--out", dir.resolve("t2").toString(), "--subtitles",
        broken + ":en");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err().strip()).isEqualTo("transcode: broken.srt line 2: cue end 00:00:01,000 is before its"
        + " start 00:00:03,000; fix the timing");
    assertThat(dir.resolve("t2")).doesNotExist();
  }

  @Test
  void badInputIsOneLineOnStderrWithNonZeroStatusAndNoOutput() {
    Path out = dir.resolve("title");
    Run run = streamkit("transcode", dir.resolve("missing.mov").toString(), "--out", out.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("transcode: ").contains("missing.mov does not exist")
        .doesNotContain("\n");
    assertThat(out).doesNotExist();
  }

  @Test
  void aStoryboardIntervalOutOfRangeIsOneLineNamingTheLimits() {
    for (String interval : new String[] {"0", "61", "often"}) {
      Run run = streamkit("transcode", "in.mp4", "--out", dir.resolve("t").toString(), "--storyboard-interval",
          interval);
      assertThat(run.status()).isEqualTo(2);
      assertThat(run.err()).contains("--storyboard-interval must be auto, off or whole seconds from 1 to 60, got '"
          + interval + "'");
    }
    assertThat(dir.resolve("t")).doesNotExist();
  }

  @Test
  void aSourceLongerThanMaxSourceHoursIsRefusedWithNoOutput() throws Exception {
    Path source = dir.resolve("clip.mp4");
    Process process = new ProcessBuilder(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class), "-v", "error", "-f", "lavfi",
        "-i", "testsrc2=size=320x180:rate=30", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast",
        source.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Path out = dir.resolve("title");

    Run run = streamkit("transcode", source.toString(), "--out", out.toString(), "--max-source-hours", "0.0005");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("transcode: ").endsWith("clip.mp4 lasts 0:00:03, longer than the"
        + " 0:00:02 this transcode takes; cut it into parts, or raise maxSourceDuration (--max-source-hours)");
    assertThat(out).doesNotExist();
    Run zero = streamkit("transcode", source.toString(), "--out", out.toString(), "--max-source-hours", "0");
    assertThat(zero.err().strip()).isEqualTo("transcode: --max-source-hours must be between 1 second (0.0003) and"
        + " 1000 hours, got 0.0");
  }

  @Test
  void unknownLadderIsOneLine() {
    Run run = streamkit("transcode", "in.mp4", "--out", dir.resolve("t").toString(), "--ladder", "huge");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("transcode: ladder 'huge' is neither a preset (apple, bench, small, auto)"
        + " nor a readable file");
  }
}
