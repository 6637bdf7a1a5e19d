package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading fragments from a segment file (headers and {@code moof} boxes only) against reading it whole. */
class Fmp4FragmentsTest {

  @TempDir static Path dir;
  static Path rendition;
  static Fmp4Fragments.Track track;

  @BeforeAll
  static void transcode() {
    Path source = TitleFixture.pattern(dir, "source.mp4", "320x180", "30", 4, true, "-c:v", "libx264",
        "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac");
    Path out = dir.resolve("title");
    TranscodeResult result = TitleFixture.transcode(source, out, SegmentFormat.FMP4, Ladder.small());
    rendition = out.resolve(result.renditions().get(0).name());
    track = Fmp4Fragments.track(rendition.resolve(HlsSegmenter.INIT_SEGMENT));
  }

  @Test
  void aSegmentFileReadsAsTheSameFragmentsAsItsBytes() throws Exception {
    Path segment = rendition.resolve("seg_00000.m4s");
    List<Fmp4Fragments.Fragment> fromFile = Fmp4Fragments.fragments(segment, track);
    assertThat(fromFile).isNotEmpty();
    assertThat(fromFile.get(fromFile.size() - 1).mdatEnd()).isEqualTo(Files.size(segment));
    assertThat(fromFile).isEqualTo(Fmp4Fragments.fragments(Files.readAllBytes(segment), track, segment));
  }

  @Test
  void aSegmentCutInsideItsMediaDataSaysWhichFileAndWhatToDo() throws Exception {
    Path segment = rendition.resolve("seg_00000.m4s");
    byte[] whole = Files.readAllBytes(segment);
    Path cut = Files.write(dir.resolve("cut.m4s"), Arrays.copyOf(whole, whole.length - 100));
    assertThatThrownBy(() -> Fmp4Fragments.fragments(cut, track)).isInstanceOf(TranscodeException.class)
        .hasMessageContaining(cut.toString()).hasMessageContaining("has size")
        .hasMessageContaining("transcode the title again");
  }

  @Test
  void aSegmentEndingInsideABoxHeaderSaysSo() throws Exception {
    byte[] whole = Files.readAllBytes(rendition.resolve("seg_00000.m4s"));
    byte[] bytes = Arrays.copyOf(whole, whole.length + 4);
    bytes[bytes.length - 1] = 16; // the first four bytes of a 16-byte box's header, and no more
    Path cut = Files.write(dir.resolve("header-cut.m4s"), bytes);
    assertThatThrownBy(() -> Fmp4Fragments.fragments(cut, track)).isInstanceOf(TranscodeException.class)
        .hasMessageContaining("a box header at byte " + whole.length + " is cut off");
  }
}
