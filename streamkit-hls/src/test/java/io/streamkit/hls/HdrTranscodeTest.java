package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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
      // Mis-tagged, as BT.2100 defines neither pairing: taken as the form BT.2100 allows, not a failed transcode.
      "arib-std-b67, 640x360, constant luminance", // HLG is not in constant-luminance Y'C'bC'r
      "iec61966-2-1, 640x360, constant luminance", // nor is sRGB's transfer (wide gamut SDR, no tone map)
      "smpte2084, 640x360, ICtCp on P3", // ICtCp is on BT.2100's primaries only
      "bt709, 640x360, Display P3", // SDR on P3 D65 primaries, as Apple's wide-gamut video states it
      "bt709, 640x360, P3 without a matrix", // taken as Apple's P3 video has it: BT.709's
  })
  void anHdrOrWideGamutVideoComesOutLookingLikeTheSdrPictureItHolds(String transfer, String size, String tagged)
      throws IOException {
    List<String> args = new ArrayList<>(HdrPatches.source(transfer, size));
    int filters = args.indexOf("-vf") + 1;
    MediaInfo.Colour expected = switch (tagged) {
      case "all" -> new MediaInfo.Colour(transfer, "bt2020", "bt2020nc");
      case "transfer only" -> {
        args.subList(args.indexOf("-color_primaries"), args.indexOf("-color_primaries") + 2).clear();
        args.subList(args.indexOf("-colorspace"), args.indexOf("-colorspace") + 2).clear();
        args.set(filters, args.get(filters) + ",setparams=color_primaries=unknown:colorspace=unknown");
        yield new MediaInfo.Colour(transfer, "unknown", "unknown");
      }
      case "constant luminance" -> {
        args.set(args.indexOf("-colorspace") + 1, "bt2020c");
        args.set(filters, args.get(filters) + ",setparams=colorspace=bt2020c");
        yield new MediaInfo.Colour(transfer, "bt2020", "bt2020c");
      }
      case "Display P3", "P3 without a matrix" -> {
        boolean matrix = tagged.equals("Display P3");
        args.set(filters, args.get(filters).replace("p=bt2020:m=bt2020nc", "p=smpte432:m=bt709")
            + (matrix ? "" : ",setparams=colorspace=unknown"));
        args.set(args.indexOf("-color_primaries") + 1, "smpte432");
        if (matrix) {
          args.set(args.indexOf("-colorspace") + 1, "bt709");
        } else {
          args.subList(args.indexOf("-colorspace"), args.indexOf("-colorspace") + 2).clear();
        }
        yield new MediaInfo.Colour(transfer, "smpte432", matrix ? "bt709" : "unknown");
      }
      default -> { // ICtCp samples, primaries stated as P3's
        args.set(filters, args.get(filters).replace("m=bt2020nc", "m=ictcp")
            + ",setparams=color_primaries=smpte432:colorspace=ictcp");
        args.set(args.indexOf("-color_primaries") + 1, "smpte432");
        args.set(args.indexOf("-colorspace") + 1, "ictcp");
        yield new MediaInfo.Colour(transfer, "smpte432", "ictcp");
      }
    };
    Path source = TitleFixture.generate(dir, "hdr.mp4", args.toArray(String[]::new));
    MediaInfo.Colour colour = MediaProbe.probe(source).video().colour();
    assertThat(colour).isEqualTo(expected);
    assertThat(colour.beyondBt709()).isTrue();

    Path out = dir.resolve("title");
    Transcoder.builder().input(source).output(out).format(SegmentFormat.FMP4).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).build().run();
    Path video = TitleFixture.joined(out.resolve("360p"), dir.resolve("360p.mp4"));
    assertThat(FfmpegTool.ffprobe("-select_streams", "v", "-show_entries",
        "stream=color_transfer,color_primaries,color_space,color_range", "-of", "csv=p=0", video.toString()).trim())
        .as("the rendition says it is BT.709 SDR").isEqualTo("tv,bt709,bt709,bt709");
    HdrPatches.assertLooksLikeTheSdrPicture(video);
  }

  @Test
  void hdrRecordingsOfTwoSizesJoinedEndToEndAreBothToneMapped() throws IOException {
    // The tone map's filters, set up for the first part's pictures, are set up again for the second, smaller part's.
    Path first = TitleFixture.generate(dir, "first.ts", HdrPatches.source("smpte2084", "640x360")
        .toArray(String[]::new));
    List<String> smaller = new ArrayList<>(HdrPatches.source("smpte2084", "480x272"));
    smaller.addAll(List.of("-output_ts_offset", "2"));
    Path second = TitleFixture.generate(dir, "second.ts", smaller.toArray(String[]::new));
    Path joined = dir.resolve("joined.ts");
    Files.write(joined, Files.readAllBytes(first));
    Files.write(joined, Files.readAllBytes(second), StandardOpenOption.APPEND);
    Path out = dir.resolve("title");
    Transcoder.builder().input(joined).output(out).format(SegmentFormat.FMP4).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).build().run();
    Path video = TitleFixture.joined(out.resolve("360p"), dir.resolve("360p.mp4"));
    HdrPatches.assertLooksLikeTheSdrPicture(video);
    Path secondPart = dir.resolve("second-part.mkv");
    FfmpegTool.ffmpeg("-ss", "3", "-i", video.toString(), "-frames:v", "1", "-c:v", "ffv1", secondPart.toString());
    HdrPatches.assertLooksLikeTheSdrPicture(secondPart);
  }

  @Test
  void dolbyVisionWithoutABaseLayerOtherPlayersShowIsRefusedAndProfileEightPlaysItsBaseLayer() throws IOException {
    Path hdr10 = TitleFixture.generate(dir, "hdr10.mp4", HdrPatches.source("smpte2084", "640x360")
        .toArray(String[]::new));
    Path profile5 = withDolbyVisionConfiguration(hdr10, dir.resolve("profile5.mp4"), 5, 0);
    Path profile8 = withDolbyVisionConfiguration(hdr10, dir.resolve("profile8.mp4"), 8, 1);

    assertThatThrownBy(() -> MediaProbe.probe(profile5)).isInstanceOf(TranscodeException.class)
        .hasMessageEndingWith("profile5.mp4 is Dolby Vision profile 5, whose pictures show their colours only through"
            + " Dolby's reshaping, which the bundled FFmpeg does not do; export it as HDR10, HLG or SDR, or as Dolby"
            + " Vision profile 8, whose base layer plays as one of them");
    Path out = dir.resolve("title");
    Transcoder.builder().input(profile8).output(out).format(SegmentFormat.FMP4).ladder(Ladder.small())
        .preset("ultrafast").segmentSeconds(2).build().run();
    HdrPatches.assertLooksLikeTheSdrPicture(TitleFixture.joined(out.resolve("360p"), dir.resolve("360p.mp4")));
  }

  /**
   * A copy of an MP4 with a Dolby Vision configuration box ({@code dvcC}) added to its video sample entry, as a
   * Dolby Vision encoder writes it: version 1.0, the profile, level 6, RPU and base layer present, no enhancement
   * layer, and the base layer's signal compatibility id. The movie box follows the media data, so no chunk offset
   * moves.
   */
  private static Path withDolbyVisionConfiguration(Path mp4, Path copy, int profile, int compatibilityId)
      throws IOException {
    byte[] file = Files.readAllBytes(mp4);
    ByteBuffer in = ByteBuffer.wrap(file);
    List<Integer> path = new ArrayList<>();
    int start = 0;
    int end = file.length;
    // Each box: where its children start (after its own fields), then look for the next one in them.
    String[][] steps = {{"moov", "8"}, {"trak", "8"}, {"mdia", "8"}, {"minf", "8"}, {"stbl", "8"}, {"stsd", "16"},
        {null, "86"}};
    for (String[] step : steps) {
      int box = start;
      while (box < end && !(step[0] == null || new String(file, box + 4, 4, StandardCharsets.ISO_8859_1)
          .equals(step[0]))) {
        box += in.getInt(box);
      }
      assertThat(box).as("box %s", step[0]).isLessThan(end);
      path.add(box);
      start = box + Integer.parseInt(step[1]);
      end = box + in.getInt(box);
    }
    ByteBuffer dvcc = ByteBuffer.allocate(32).putInt(32).put("dvcC".getBytes(StandardCharsets.ISO_8859_1))
        .put((byte) 1).put((byte) 0).putShort((short) (profile << 9 | 6 << 3 | 0b101))
        .put((byte) (compatibilityId << 4));
    for (int box : path) {
      in.putInt(box, in.getInt(box) + 32);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, end);
    out.write(dvcc.array());
    out.write(file, end, file.length - end);
    return Files.write(copy, out.toByteArray());
  }

  @Test
  void aColourNoConversionExistsForFailsInOneLineThatSaysWhatToDo() throws IOException {
    List<String> args = new ArrayList<>(HdrPatches.source("smpte2084", "640x360"));
    int filters = args.indexOf("-vf") + 1;
    args.set(filters, args.get(filters) + ",setparams=color_primaries=smpte428:colorspace=chroma-derived-nc");
    args.set(args.indexOf("-color_primaries") + 1, "smpte428"); // CIE XYZ, whose white no matrix derives from
    args.set(args.indexOf("-colorspace") + 1, "chroma-derived-nc");
    Path source = TitleFixture.generate(dir, "xyz.mp4", args.toArray(String[]::new));
    Path out = dir.resolve("title");

    assertThatThrownBy(() -> Transcoder.builder().input(source).output(out).format(SegmentFormat.FMP4)
        .ladder(Ladder.small()).preset("ultrafast").segmentSeconds(2).build().run())
        .isInstanceOf(TranscodeException.class)
        .hasMessageStartingWith("cannot convert the source's colour (transfer smpte2084, primaries smpte428, matrix"
            + " chroma-derived-nc) to BT.709 SDR: ")
        .hasMessageContaining("; re-encode the source with its colour stated")
        .hasMessageNotContaining("\n");
    assertThat(out.resolve("master.m3u8")).as("nothing published").doesNotExist();
  }
}
