package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Phones record HDR video by default (HLG on iPhones, PQ on many others). Shown as BT.709 SDR without a conversion,
 * such a video looks grey and washed out; a title made from it must look like the SDR picture it shows.
 */
class HdrTranscodeTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource({"arib-std-b67, 1280x720", "smpte2084, 640x360"})
  void anHdrVideoComesOutLookingLikeTheSdrPictureItHolds(String transfer, String size) throws IOException {
    // At 1280x720, larger than the ladder's top rung, it is converted at that rung's size.
    Path source = TitleFixture.generate(dir, "hdr.mp4", HdrPatches.source(transfer, size).toArray(String[]::new));
    MediaInfo.Colour colour = MediaProbe.probe(source).video().colour();
    assertThat(colour).isEqualTo(new MediaInfo.Colour(transfer, "bt2020", "bt2020nc"));
    assertThat(colour.highDynamicRange()).isTrue();

    Path out = dir.resolve("title");
    Transcoder.builder().input(source).output(out).format(SegmentFormat.FMP4).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).build().run();
    Path video = TitleFixture.joined(out.resolve("360p"), dir.resolve("360p.mp4"));
    assertThat(FfmpegTool.ffprobe("-select_streams", "v", "-show_entries",
        "stream=color_transfer,color_primaries,color_space,color_range", "-of", "csv=p=0", video.toString()).trim())
        .as("the rendition says it is BT.709 SDR").isEqualTo("tv,bt709,bt709,bt709");
    HdrPatches.assertLooksLikeTheSdrPicture(video);
  }
}
