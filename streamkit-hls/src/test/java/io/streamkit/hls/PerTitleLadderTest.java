package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.Rung;
import io.streamkit.abr.ladder.SourceVideo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ladder auto}: each title gets the sizes and bitrates that reach the authored rungs' quality with the
 * fewest bits. Easy content spends far less than the authored ladder at no loss of quality; content that needs every
 * bit keeps the authored bitrates.
 */
class PerTitleLadderTest {

  private static final Ladder APPLE = Ladder.perTitle(Ladder.apple());
  private static final List<PlannedRendition> APPLE_1080P30 = LadderPlanner.plan(APPLE,
      new SourceVideo(1920, 1080, new FrameRate(30, 1), 0));

  @Test
  void contentThatNeedsEveryBitKeepsTheAuthoredRungs() {
    // Each size well below the ceiling at its own rate, and no other size reaching its quality for fewer bits.
    Ladder chosen = PerTitleLadder.choose(APPLE, trials(r -> 30 + 3 * Math.log(r.videoBitrate() / 1e5)
        - 4 * Math.abs(Math.log(r.height() / 1080.0))));
    assertThat(chosen.rungs()).extracting(Rung::name).containsExactly("1080p", "720p", "540p", "432p", "360p",
        "234p");
    for (int i = 0; i < chosen.rungs().size(); i++) {
      assertThat(chosen.rungs().get(i).videoBitrate()).as(chosen.rungs().get(i).name())
          .isEqualTo(APPLE_1080P30.get(i).videoBitrate());
    }
  }

  @Test
  void aRungAboveTheCeilingSpendsOnlyWhatTheCeilingNeeds() {
    // 1080p at 6000k would reach 52 dB; 45 dB needs far fewer bits.
    Ladder chosen = PerTitleLadder.choose(APPLE, trials(r -> r.height() == 1080 ? 52 + 6 * Math.log(
        r.videoBitrate() / 6e6) : 20 + r.height() / 100.0 + 2 * Math.log(r.videoBitrate() / 1e5)));
    Rung top = chosen.rungs().get(0);
    assertThat(top.name()).isEqualTo("1080p");
    assertThat(top.videoBitrate()).isLessThan(3_000_000).isGreaterThanOrEqualTo(1_500_000);
  }

  @Test
  void belowTheTopASmallerSizeTakesARungWhenItReachesTheRungsQualityForFewerBits() {
    // A source scaled up from 540p: the larger sizes add pixels to code and no detail.
    Ladder chosen = PerTitleLadder.choose(APPLE, trials(r -> 28 + 2 * Math.log(r.videoBitrate() / 1e5)
        + (r.height() > 540 ? 2.7 - (r.height() - 540) / 300.0 : r.height() / 200.0)));
    assertThat(chosen.rungs().get(0).name()).as("the top keeps its size").isEqualTo("1080p");
    assertThat(chosen.rungs().get(1).name()).isEqualTo("540p");
    assertThat(chosen.rungs().get(1).videoBitrate()).as("540p at 720p's quality").isLessThan(3_000_000);
    long[] rates = chosen.rungs().stream().mapToLong(Rung::videoBitrate).toArray();
    for (int i = 1; i < rates.length; i++) {
      assertThat(rates[i]).as("rates fall from rung to rung").isLessThan(rates[i - 1]);
    }
  }

  @Test
  void anEncoderThatUndershootsIsGivenTheTargetThatSpendsTheChosenRate() {
    // Static content: every size spends a third of what it is given; quality as in the first test.
    List<LadderProbe.Point> points = new ArrayList<>();
    for (LadderProbe.Point p : trials(r -> 30 + 3 * Math.log(r.videoBitrate() / 1e5)
        - 4 * Math.abs(Math.log(r.height() / 1080.0)))) {
      points.add(new LadderProbe.Point(p.rendition(), p.target(), p.bitrate() / 3, p.psnr()));
    }
    Ladder chosen = PerTitleLadder.choose(APPLE, points);
    assertThat(chosen.rungs()).extracting(Rung::videoBitrate)
        .containsExactlyElementsOf(APPLE_1080P30.stream().map(PlannedRendition::videoBitrate).toList());
  }

  @Test
  void aProbedEasyTitleSpendsLessThanTheAuthoredLadderAtNoLossOfQuality(@TempDir Path dir) {
    // A soft moving picture: the authored 730k buy far more quality than anyone can see.
    Path source = TitleFixture.generate(dir, "easy.mp4", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-t", "24", "-vf", "gblur=sigma=3", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10");
    TranscodeResult fixed = TitleFixture.transcode(source, dir.resolve("fixed"), SegmentFormat.FMP4, Ladder.apple());
    TranscodeResult auto = TitleFixture.transcode(source, dir.resolve("auto"), SegmentFormat.FMP4, APPLE);

    long fixedRate = fixed.renditions().get(0).averageBandwidth();
    long autoRate = auto.renditions().get(0).averageBandwidth();
    assertThat(autoRate).as("top rendition's average bandwidth").isLessThan(fixedRate / 2);
    double fixedPsnr = psnr(source, dir.resolve("fixed").resolve(fixed.renditions().get(0).playlist()));
    double autoPsnr = psnr(source, dir.resolve("auto").resolve(auto.renditions().get(0).playlist()));
    assertThat(autoPsnr).as("PSNR of the top rendition (fixed ladder: %.2f dB)", fixedPsnr)
        .isGreaterThanOrEqualTo(Math.min(fixedPsnr, PerTitleLadder.QUALITY_CEILING_DB) - 1);
    assertThat(HlsConformance.check(dir.resolve("auto"),
        new HlsConformance.Source(640, 360, false, TitleFixture.SEGMENT_SECONDS))).isEmpty();
  }

  @Test
  void aProbedTitleOfNoiseKeepsTheAuthoredBitrates(@TempDir Path dir) {
    // Fresh noise in every frame: nothing to predict, every bit buys quality.
    Path source = TitleFixture.generate(dir, "noise.mp4", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-t", "24", "-vf", "noise=alls=60:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10");
    MediaInfo info = MediaProbe.probe(source);
    Ladder chosen = PerTitleLadder.forTitle(source, info, APPLE, new SourceVideo(640, 360, new FrameRate(30, 1),
        info.video().bitrate()), "ultrafast", () -> false);
    assertThat(chosen.rungs()).extracting(Rung::name).containsExactly("360p", "234p");
    Map<String, Long> authored = Map.of("360p", 730_000L, "234p", 145_000L);
    for (Rung rung : chosen.rungs()) {
      assertThat(rung.videoBitrate()).as(rung.name()).isGreaterThanOrEqualTo(authored.get(rung.name()) * 9 / 10);
    }
  }

  @Test
  void aSourceTooShortToProbeKeepsTheCandidates(@TempDir Path dir) {
    Path source = TitleFixture.pattern(dir, "short.mp4", "640x360", "30", 4.0, false, "-c:v", "libx264",
        "-preset", "ultrafast");
    TranscodeResult result = TitleFixture.transcode(source, dir.resolve("title"), SegmentFormat.FMP4,
        Ladder.perTitle(Ladder.small()));
    assertThat(result.renditions()).extracting(PackagedRendition::name).containsExactly("360p", "180p");
    assertThat(LadderPlanner.plan(Ladder.small(), new SourceVideo(640, 360, new FrameRate(30, 1), 0)))
        .extracting(PlannedRendition::videoBitrate).containsExactly(800_000L, 250_000L);
  }

  /** Two trial points per planned rendition of the Apple ladder at 1080p30, quality from {@code model}. */
  private static List<LadderProbe.Point> trials(ToDoubleFunction<PlannedRendition> model) {
    List<LadderProbe.Point> points = new ArrayList<>();
    for (PlannedRendition r : APPLE_1080P30) {
      for (double factor : new double[] {1, LadderProbe.LOW_RATE_FACTOR}) {
        long rate = Math.round(r.videoBitrate() * factor);
        PlannedRendition at = new PlannedRendition(r.name(), r.width(), r.height(), r.frameRate(), rate, rate);
        points.add(new LadderProbe.Point(r, rate, rate, model.applyAsDouble(at)));
      }
    }
    return points;
  }

  /** Luma PSNR of a rendition against the source, by FFmpeg's psnr filter at the source's size. */
  private static double psnr(Path source, Path playlist) {
    FfmpegTool.Output out = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-hide_banner", "-i", playlist.toString(),
        "-i", source.toString(), "-lavfi", "[0:v]scale=640:360:flags=bicubic[d];[d][1:v]psnr", "-f", "null", "-"));
    Matcher y = Pattern.compile("PSNR y:([0-9.]+|inf)").matcher(out.stderr());
    assertThat(y.find()).as(out.stderr()).isTrue();
    return y.group(1).equals("inf") ? 100 : Double.parseDouble(y.group(1));
  }
}
