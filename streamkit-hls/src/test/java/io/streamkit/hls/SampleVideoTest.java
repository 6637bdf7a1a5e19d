package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated sample is a real H.264 + AAC MP4 of the length asked for, and a failed write leaves nothing. */
class SampleVideoTest {

  @TempDir Path dir;

  @Test
  void writesAnH264AndAacMp4OfTheRequestedLength() {
    Path sample = dir.resolve(".staged-upload");

    SampleVideo.write(sample, 4);

    MediaInfo info = MediaProbe.probe(sample);
    assertThat(info.container()).contains("mp4");
    assertThat(info.durationSeconds()).isCloseTo(4.0, within(0.1));
    assertThat(info.video().codec()).isEqualTo("h264");
    assertThat(info.video().width()).isEqualTo(640);
    assertThat(info.video().height()).isEqualTo(360);
    assertThat(info.video().frameRateNum() / (double) info.video().frameRateDen()).isEqualTo(30.0);
    assertThat(info.video().pixelFormat()).isEqualTo("yuv420p");
    assertThat(info.audio()).hasValueSatisfying(audio -> {
      assertThat(audio.codec()).isEqualTo("aac");
      assertThat(audio.channels()).isEqualTo(2);
      assertThat(audio.sampleRate()).isEqualTo(48_000);
    });
    // 120 frames, a key frame every 2 s: real inter-coded video, not a run of stills.
    List<String> pictureTypes = FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries", "frame=pict_type",
        "-of", "csv=p=0", sample.toString()).strip().lines().map(String::strip).toList();
    assertThat(pictureTypes).hasSize(120);
    assertThat(pictureTypes.stream().filter(type -> type.startsWith("I"))).hasSize(2);
  }

  @Test
  void aFailedWriteLeavesNoFileAndSaysWhere() {
    Path target = dir.resolve("missing-directory").resolve("sample.mp4");

    assertThatThrownBy(() -> SampleVideo.write(target, 2))
        .isInstanceOf(TranscodeException.class)
        .hasMessageStartingWith("cannot write " + target);
    assertThat(target).doesNotExist();
  }

  @Test
  void lengthIsChecked() {
    assertThatThrownBy(() -> SampleVideo.write(dir.resolve("s.mp4"), 0))
        .hasMessage("seconds must be between 1 and 600, got 0");
  }
}
