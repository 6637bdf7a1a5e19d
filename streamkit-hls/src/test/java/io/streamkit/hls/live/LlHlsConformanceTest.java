package io.streamkit.hls.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checker passes a hand-written conforming playlist and catches each hand-made break of it. */
class LlHlsConformanceTest {

  /** Segments 10..23 of 2 s (23 with its parts), then two parts of 24; target 2 s, parts 0.5 s: 29 s in all. */
  private static String playlist(String hint) {
    StringBuilder out = new StringBuilder("""
        #EXTM3U
        #EXT-X-VERSION:9
        #EXT-X-TARGETDURATION:2
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.0,HOLD-BACK=6.0,PART-HOLD-BACK=1.5
        #EXT-X-PART-INF:PART-TARGET=0.5
        #EXT-X-MEDIA-SEQUENCE:10
        #EXT-X-MAP:URI="init_0.mp4"
        """);
    Instant start = Instant.parse("2026-12-02T18:00:00Z");
    for (int msn = 10; msn <= 23; msn++) {
      out.append("#EXT-X-PROGRAM-DATE-TIME:").append(start.plusSeconds(2L * (msn - 10))).append('\n');
      if (msn == 23) {
        out.append(parts(23, 4));
      }
      out.append("#EXTINF:2.000000,\nseg_").append(msn).append(".m4s\n");
    }
    out.append("#EXT-X-PROGRAM-DATE-TIME:").append(start.plusSeconds(28)).append('\n').append(parts(24, 2));
    out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(hint).append("\"\n");
    out.append("#EXT-X-RENDITION-REPORT:URI=\"../360p/index.m3u8\",LAST-MSN=24,LAST-PART=1\n");
    return out.toString();
  }

  private static final String GOOD = playlist("part_24_2.m4s?token=a");

  private static String parts(int msn, int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append("#EXT-X-PART:DURATION=0.500000,URI=\"part_").append(msn).append('_').append(i).append(".m4s\"")
          .append(i == 0 ? ",INDEPENDENT=YES" : "").append('\n');
    }
    return out.toString();
  }

  /** A delta update of {@link #GOOD}: segments ending by 29 - 12 = 17 s may go, the first eight. */
  private static String delta(int skipped) {
    StringBuilder out = new StringBuilder();
    boolean skipping = false;
    for (String line : GOOD.lines().toList()) {
      if (line.startsWith("#EXT-X-MAP")) {
        out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
        skipping = true;
      }
      if (line.equals("#EXT-X-PROGRAM-DATE-TIME:2026-12-02T18:00:" + String.format("%02d", 2 * skipped) + "Z")) {
        out.append("#EXT-X-MAP:URI=\"init_0.mp4\"\n");
        skipping = false;
      }
      if (!skipping) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void aConformingPlaylistPassesEveryCheck() {
    assertThat(LlHlsConformance.check(GOOD)).isEmpty();
    assertThat(LlHlsConformance.checkDelta(GOOD, delta(3))).isEmpty();
    assertThat(LlHlsConformance.checkDelta(GOOD, delta(1))).isEmpty();
    String next = GOOD.replace("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_24_2.m4s?token=a\"",
        "#EXT-X-PART:DURATION=0.500000,URI=\"part_24_2.m4s\"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_24_3.m4s\"");
    assertThat(LlHlsConformance.check(next)).isEmpty();
    assertThat(LlHlsConformance.checkHint(GOOD, next)).isEmpty();
    assertThat(LlHlsConformance.checkReports(GOOD, Map.of("../360p/index.m3u8", GOOD)::get)).isEmpty();
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(delimiter = '|', value = {
      "DURATION=0.500000,URI=\"part_23_1.m4s\"|DURATION=0.700000,URI=\"part_23_1.m4s\"|above PART-TARGET",
      "DURATION=0.500000,URI=\"part_23_2.m4s\"|DURATION=0.300000,URI=\"part_23_2.m4s\"|under 85% of PART-TARGET",
      "#EXTINF:2.000000,\\nseg_23|#EXTINF:1.500000,\\nseg_23|parts sum to",
      "#EXTINF:2.000000,\\nseg_12|#EXTINF:2.600000,\\nseg_12|rounds above EXT-X-TARGETDURATION",
      "PART-HOLD-BACK=1.5|PART-HOLD-BACK=0.9|below twice PART-TARGET",
      "PART-HOLD-BACK=1.5|PART-HOLD-BACK=1.2|below three PART-TARGETs",
      "CAN-SKIP-UNTIL=12.0|CAN-SKIP-UNTIL=6.0|below six target durations",
      "HOLD-BACK=6.0,|HOLD-BACK=4.0,|below three target durations",
      "CAN-BLOCK-RELOAD=YES,||must offer CAN-BLOCK-RELOAD=YES",
      "part_24_2.m4s?token=a|part_24_3.m4s|not the next part part_24_2.m4s",
      "part_24_2.m4s?token=a|part_24_1.m4s|names a part already listed",
      "#EXT-X-RENDITION-REPORT|#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_24_2.m4s\"\\n#EXT-X-RENDITION-REPORT|at most one",
      "seg_13.m4s|seg_14.m4s|listed at media sequence number 13",
      "part_24_1.m4s|part_24_5.m4s|is listed as part 1 of segment 24",
      "2026-12-02T18:00:10Z|2026-12-02T18:00:07Z|does not follow",
      "2026-12-02T18:00:10Z|2026-12-02T18:00:09Z|is not the previous one plus its duration",
      "#EXT-X-VERSION:9|#EXT-X-VERSION:5|EXT-X-MAP needs EXT-X-VERSION 6",
      ",LAST-PART=1||lacks URI, LAST-MSN or LAST-PART",
      "#EXT-X-MAP:URI=\"init_0.mp4\"\\n||no EXT-X-MAP in effect",
  })
  void aBrokenPlaylistIsCaught(String from, String to, String violation) {
    String broken = GOOD.replace(from.replace("\\n", "\n"), to == null ? "" : to.replace("\\n", "\n"));
    assertThat(broken).isNotEqualTo(GOOD);
    assertThat(LlHlsConformance.check(broken)).anyMatch(v -> v.contains(violation));
  }

  @Test
  void aDeltaUpdateThatSkipsTooMuchOrMiscountsIsCaught() {
    // The eighth segment ends at 16 s, before the boundary; the ninth at 18 s, after it.
    assertThat(LlHlsConformance.checkDelta(GOOD, delta(8))).isEmpty();
    assertThat(LlHlsConformance.checkDelta(GOOD, delta(9))).anyMatch(v -> v.contains("after the skip boundary"));
    String miscounted = delta(3).replace("SKIPPED-SEGMENTS=3", "SKIPPED-SEGMENTS=2");
    assertThat(LlHlsConformance.checkDelta(GOOD, miscounted))
        .anyMatch(v -> v.contains("SKIPPED-SEGMENTS=2 but its segments are not the full playlist's"));
    assertThat(LlHlsConformance.checkDelta(GOOD, delta(3).replace("MEDIA-SEQUENCE:10", "MEDIA-SEQUENCE:13")))
        .anyMatch(v -> v.contains("differ from the full playlist's"));
    assertThat(LlHlsConformance.checkDelta(GOOD, GOOD)).anyMatch(v -> v.contains("no EXT-X-SKIP"));
    assertThat(LlHlsConformance.checkDelta(GOOD, delta(3).replace("VERSION:9", "VERSION:7")))
        .anyMatch(v -> v.contains("EXT-X-SKIP needs EXT-X-VERSION 9"));
  }

  @Test
  void aHintThatIsNotTheNextPartAndAReportOfAMissingPartAreCaught() {
    String skippedAPart = GOOD.replace("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_24_2.m4s?token=a\"",
        "#EXT-X-PART:DURATION=0.500000,URI=\"part_24_3.m4s\"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"part_24_4.m4s\"");
    assertThat(LlHlsConformance.checkHint(GOOD, skippedAPart))
        .anyMatch(v -> v.contains("hinted part_24_2.m4s but the next part listed is part_24_3.m4s"));
    assertThat(LlHlsConformance.checkHint(GOOD, GOOD)).anyMatch(v -> v.contains("lists no part that before did not"));
    assertThat(LlHlsConformance.checkHint(GOOD, GOOD.replace("MEDIA-SEQUENCE:10", "MEDIA-SEQUENCE:9")))
        .anyMatch(v -> v.contains("went back"));
    String behind = GOOD.replace(parts(24, 2), parts(24, 1));
    assertThat(LlHlsConformance.checkReports(GOOD, Map.of("../360p/index.m3u8", behind)::get))
        .anyMatch(v -> v.contains("part_24_1.m4s is not in that playlist"));
    assertThat(LlHlsConformance.checkReports(GOOD, uri -> null)).anyMatch(v -> v.contains("names no playlist"));
  }
}
