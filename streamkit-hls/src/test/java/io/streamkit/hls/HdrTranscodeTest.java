package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Phones record HDR video by default (HLG on iPhones, PQ on many others). Shown as BT.709 SDR without a conversion,
 * such a video looks grey and washed out; a title made from it must look like the SDR picture it shows.
 */
class HdrTranscodeTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} at {1}, tagged {2}")
  @CsvSource({
      "arib-std-b67, 1280x720, all", // larger than the ladder's top rung: converted at that rung's size
      "smpte2084, 640x360, all",
      "arib-std-b67, 640x360, transfer only", // primaries and matrix unnamed: taken as BT.2020's
  })
  void anHdrVideoComesOutLookingLikeTheSdrPictureItHolds(String transfer, String size, String tagged)
      throws IOException {
    List<String> args = new ArrayList<>(HdrPatches.source(transfer, size));
    if (tagged.equals("transfer only")) {
      args.subList(args.indexOf("-color_primaries"), args.indexOf("-color_primaries") + 2).clear();
      args.subList(args.indexOf("-colorspace"), args.indexOf("-colorspace") + 2).clear();
      int filters = args.indexOf("-vf") + 1;
      args.set(filters, args.get(filters) + ",setparams=color_primaries=unknown:colorspace=unknown");
    }
    Path source = TitleFixture.generate(dir, "hdr.mp4", args.toArray(String[]::new));
    MediaInfo.Colour colour = MediaProbe.probe(source).video().colour();
    assertThat(colour).isEqualTo(tagged.equals("all") ? new MediaInfo.Colour(transfer, "bt2020", "bt2020nc")
        : new MediaInfo.Colour(transfer, "unknown", "unknown"));
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
