package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import java.util.Locale;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.Loader;

/**
 * The H.264 encoder, chosen once for every encode: x264 when the FFmpeg natives have it (bytedeco's {@code -gpl}
 * build, the default), else OpenH264, the H.264 encoder of the LGPL build.
 *
 * <p>Both are opened to one contract, on which keyframe alignment rests (RFC 8216 section 3 and Apple's HLS authoring
 * specification 1.13: every segment begins with an IDR): High profile, an IDR on every frame sent as
 * {@code AV_PICTURE_TYPE_I}, and one at least every {@code gop_size} frames. x264 gets there through its private
 * options: closed GOPs of fixed length, scene-cut detection off, forced frames as IDRs. OpenH264 makes every forced
 * intra frame an IDR by itself ({@code ForceIntraFrame}) and takes its intra period from {@code gop_size}; it has no
 * speed presets, so the preset is ignored, and it runs in bitrate mode, because its default quality mode lets the
 * rate drift from the ladder's target.
 */
enum H264Encoder {

  X264("libx264") {
    @Override
    void configure(AVCodecContext encoder, String preset, AVDictionary options) {
      // Private options: the generic "profile" option of AVCodecContext does not take names.
      Ffmpeg.check(av_opt_set(encoder.priv_data(), "preset", preset, 0), "unknown x264 preset " + preset);
      Ffmpeg.check(av_opt_set(encoder.priv_data(), "profile", "high", 0), "cannot select H.264 High profile");
      Ffmpeg.check(av_opt_set(encoder.priv_data(), "forced-idr", "1", 0), "cannot enable forced IDR frames");
      int gop = encoder.gop_size();
      av_dict_set(options, "x264-params", String.format(Locale.ROOT,
          "keyint=%d:min-keyint=%d:scenecut=0:open-gop=0", gop, gop), 0);
    }
  },

  OPENH264("libopenh264") {
    @Override
    void configure(AVCodecContext encoder, String preset, AVDictionary options) {
      Ffmpeg.check(av_opt_set(encoder.priv_data(), "profile", "high", 0), "cannot select H.264 High profile");
      Ffmpeg.check(av_opt_set(encoder.priv_data(), "rc_mode", "bitrate", 0), "cannot select OpenH264's bitrate mode");
    }
  };

  private static volatile H264Encoder chosen;

  private final String codecName;

  H264Encoder(String codecName) {
    this.codecName = codecName;
  }

  /** x264 if the natives have it, else OpenH264. */
  static H264Encoder available() {
    H264Encoder encoder = chosen;
    if (encoder == null) {
      encoder = choose();
      chosen = encoder;
    }
    return encoder;
  }

  private static H264Encoder choose() {
    Ffmpeg.load();
    for (H264Encoder candidate : values()) {
      if (avcodec_find_encoder_by_name(candidate.codecName) != null) {
        return candidate;
      }
    }
    String platform = Loader.getPlatform();
    throw new TranscodeException("the FFmpeg natives have no H.264 encoder (neither libx264 nor libopenh264); "
        + "use org.bytedeco:ffmpeg with the " + platform + "-gpl or " + platform + " classifier");
  }

  /** FFmpeg's name of the encoder, as error messages give it. */
  String codecName() {
    return codecName;
  }

  /** A context for this encoder, for the caller to size, time and rate before {@link #open}. */
  AVCodecContext allocate() {
    return avcodec_alloc_context3(avcodec_find_encoder_by_name(codecName));
  }

  /**
   * Opens {@code encoder}, whose size, timing, rate and {@code gop_size} the caller has set, to the contract above;
   * {@code purpose} names it in an error ("rendition 720p"). The caller frees the context on failure.
   */
  void open(AVCodecContext encoder, String preset, String purpose) {
    AVDictionary options = new AVDictionary(null);
    try {
      configure(encoder, preset, options);
      Ffmpeg.check(avcodec_open2(encoder, encoder.codec(), options), "cannot open " + codecName + " for " + purpose);
    } finally {
      av_dict_free(options);
    }
  }

  abstract void configure(AVCodecContext encoder, String preset, AVDictionary options);
}
