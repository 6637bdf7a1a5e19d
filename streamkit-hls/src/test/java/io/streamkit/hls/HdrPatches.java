package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Colour patches of an SDR picture placed in HDR as ITU-R BT.2408 places SDR content (its white at the reference white,
 * 203 cd/m2), as an HEVC 10-bit source; and the check that a video made from it looks like the SDR picture. Public for
 * the tests of sub-packages.
 */
public final class HdrPatches {

  static final int WIDTH = 640;
  static final int HEIGHT = 360;
  /** SDR's white, limited range. */
  static final int WHITE = 0xEBEBEB;
  /** Patch colours of an SDR picture, RGB: red, green, blue, white, yellow, skin, dark grey on mid grey. */
  static final int[] PATCHES = {0xBF0000, 0x00BF00, 0x0000BF, WHITE, 0xBFBF00, 0xD09070, 0x303030};
  /**
   * Each of the picture's channels may move this much (of 255): BT.709's saturated colours do not come back exactly
   * from HLG and PQ (green by 32 with no tone map at all).
   */
  static final int MAX_CHANNEL_DIFFERENCE = 40;
  /**
   * The white patch, SDR's white, may move only this much: the tone map must leave SDR's levels about where they are
   * (it came out at 222 to 230 for 235; with the curve compressing everything above 30 % of white, at 205 to 208).
   */
  static final int MAX_WHITE_DIFFERENCE = 15;

  private HdrPatches() {}

  /**
   * The ffmpeg arguments, all but the output, of a two-second HEVC 10-bit video of the patches in {@code transfer}
   * ({@code arib-std-b67} for HLG, {@code smpte2084} for PQ) and BT.2020, tagged so, at {@code size} (e.g.
   * {@code 1280x720}).
   */
  public static List<String> source(String transfer, String size) {
    return List.of("-f", "lavfi", "-i", patches(), "-t", "2", "-vf",
        "scale=" + size.replace('x', ':') + ",zscale=tin=bt709:pin=bt709:min=bt709:rin=tv:t=" + transfer
            + ":p=bt2020:m=bt2020nc:r=tv:npl=203,format=yuv420p10le",
        "-c:v", "libx265", "-x265-params", "log-level=error", "-color_primaries", "bt2020", "-color_trc", transfer,
        "-colorspace", "bt2020nc");
  }

  /** Asserts that the first picture of {@code video}, decoded as BT.709, shows each patch as the SDR picture does. */
  public static void assertLooksLikeTheSdrPicture(Path video) {
    byte[] sdr = rgb(List.of("-f", "lavfi", "-i", patches()));
    byte[] shown = rgb(List.of("-i", video.toString()));
    for (int i = 0; i < PATCHES.length; i++) {
      int[] expected = patchColour(sdr, i);
      int[] actual = patchColour(shown, i);
      for (int c = 0; c < 3; c++) {
        assertThat(Math.abs(actual[c] - expected[c]))
            .as("patch %06X: channel %d of %s against the SDR picture's %s", PATCHES[i], c,
                Arrays.toString(actual), Arrays.toString(expected))
            .isLessThanOrEqualTo(PATCHES[i] == WHITE ? MAX_WHITE_DIFFERENCE : MAX_CHANNEL_DIFFERENCE);
      }
    }
  }

  /** The patches in a row of four and a row of three, on mid grey, as a lavfi source. */
  private static String patches() {
    StringBuilder graph = new StringBuilder("color=c=0x808080:size=" + WIDTH + "x" + HEIGHT + ":rate=30");
    for (int i = 0; i < PATCHES.length; i++) {
      graph.append(String.format(Locale.ROOT, ",drawbox=x=%d:y=%d:w=%d:h=%d:color=0x%06X:t=fill",
          (i % 4) * WIDTH / 4, (i / 4) * HEIGHT / 2, WIDTH / 4, HEIGHT / 2, PATCHES[i]));
    }
    return graph.toString();
  }

  /** The first frame of the input, as RGB bytes at the test's size (BT.709, limited range, as a player decodes). */
  private static byte[] rgb(List<String> input) {
    List<String> command = new ArrayList<>(List.of(FfmpegTool.FFMPEG, "-hide_banner", "-v", "error"));
    command.addAll(input);
    command.addAll(List.of("-frames:v", "1", "-vf", "scale=" + WIDTH + ":" + HEIGHT, "-pix_fmt", "rgb24", "-f",
        "rawvideo", "-"));
    FfmpegTool.Output out = FfmpegTool.run(command);
    assertThat(out.exitCode()).as(out.stderr()).isZero();
    byte[] bytes = out.stdout().getBytes(StandardCharsets.ISO_8859_1);
    assertThat(bytes).hasSize(WIDTH * HEIGHT * 3);
    return bytes;
  }

  /** The mean colour of a 40 x 40 square in the middle of patch {@code index}. */
  private static int[] patchColour(byte[] rgb, int index) {
    int centreX = (index % 4) * WIDTH / 4 + WIDTH / 8;
    int centreY = (index / 4) * HEIGHT / 2 + HEIGHT / 4;
    long[] sums = new long[3];
    for (int y = centreY - 20; y < centreY + 20; y++) {
      for (int x = centreX - 20; x < centreX + 20; x++) {
        for (int c = 0; c < 3; c++) {
          sums[c] += rgb[(y * WIDTH + x) * 3 + c] & 0xff;
        }
      }
    }
    return new int[] {(int) (sums[0] / 1600), (int) (sums[1] / 1600), (int) (sums[2] / 1600)};
  }
}
