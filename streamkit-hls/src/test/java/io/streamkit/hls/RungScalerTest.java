package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.PlannedRendition;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

/**
 * What a rung's filter does to a source picture: a rung of the source's size takes the decoder's picture as it is (no
 * copy), unless the picture is in the full range, which is brought to the limited one; a smaller rung is scaled.
 */
class RungScalerTest {

  private static final FrameRate THIRTY = new FrameRate(30, 1);
  private static final PlannedRendition RUNG_1080P =
      new PlannedRendition("1080p", 1920, 1080, THIRTY, 5_000_000, 7_500_000);
  private static final PlannedRendition RUNG_720P =
      new PlannedRendition("720p", 1280, 720, THIRTY, 3_000_000, 4_500_000);

  /** The rung's picture made from a 1920x1080 4:2:0 source picture whose luma is {@code luma} everywhere. */
  private static void filtered(PlannedRendition rung, int range, int luma, PictureCheck check) {
    AVFrame source = av_frame_alloc();
    source.format(AV_PIX_FMT_YUV420P).width(1920).height(1080).color_range(range).pts(0).duration(1);
    Ffmpeg.check(av_frame_get_buffer(source, 0), "cannot allocate a picture");
    for (int plane = 0; plane < 3; plane++) {
      long bytes = (long) source.linesize(plane) * (plane == 0 ? 1080 : 540);
      source.data(plane).capacity(bytes).fill(plane == 0 ? luma : 128);
    }
    long sourceLuma = source.data(0).address();
    String description = RungScaler.filter(rung, AV_PIX_FMT_YUV420P, 1920, 1080, range == AVCOL_RANGE_JPEG, false,
        1);
    try (FilterChain chain = FilterChain.video(TranscodePipeline.videoSourceArgs(source, Ffmpeg.rational(1, 30)),
        description)) {
      chain.push(source);
      chain.push(null);
      AVFrame picture = chain.next();
      assertThat(picture).as(description).isNotNull();
      try {
        check.accept(picture, sourceLuma);
      } finally {
        av_frame_unref(picture);
      }
    } finally {
      av_frame_free(source);
    }
  }

  private interface PictureCheck {
    void accept(AVFrame picture, long sourceLuma);
  }

  @Test
  void aRungOfTheSourcesSizeTakesTheDecodersPictureUncopied() {
    filtered(RUNG_1080P, AVCOL_RANGE_MPEG, 180, (picture, sourceLuma) -> {
      assertThat(picture.width()).isEqualTo(1920);
      assertThat(picture.data(0).address()).as("the picture's luma plane").isEqualTo(sourceLuma);
      assertThat(picture.data(0).get(1919) & 0xff).isEqualTo(180);
    });
  }

  @Test
  void aFullRangePictureOfTheSourcesSizeIsBroughtToTheLimitedRange() {
    filtered(RUNG_1080P, AVCOL_RANGE_JPEG, 255, (picture, sourceLuma) -> {
      assertThat(picture.data(0).address()).isNotEqualTo(sourceLuma);
      assertThat(picture.data(0).get(960) & 0xff).as("full-range white").isEqualTo(235);
    });
  }

  @Test
  void aSmallerRungIsScaled() {
    filtered(RUNG_720P, AVCOL_RANGE_MPEG, 180, (picture, sourceLuma) -> {
      assertThat(picture.width()).isEqualTo(1280);
      assertThat(picture.height()).isEqualTo(720);
      assertThat(picture.data(0).get(640) & 0xff).isEqualTo(180);
    });
  }
}
