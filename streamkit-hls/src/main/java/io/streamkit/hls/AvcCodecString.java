package io.streamkit.hls;

/**
 * The {@code CODECS} value of an H.264 stream (RFC 6381 section 3.3: {@code avc1.PPCCLL}, profile_idc,
 * constraint flags and level_idc in hex), read from the encoder's own SPS so it states the real profile and level.
 */
final class AvcCodecString {

  private static final int NAL_SPS = 7;

  private AvcCodecString() {}

  /** From Annex B extradata (start codes) or an avcC record. */
  static String of(byte[] configuration) {
    if (configuration.length >= 4 && configuration[0] == 1) {
      return format(configuration[1], configuration[2], configuration[3]);
    }
    for (int i = 0; i + 4 < configuration.length; i++) {
      boolean startCode = configuration[i] == 0 && configuration[i + 1] == 0 && configuration[i + 2] == 1;
      if (startCode && (configuration[i + 3] & 0x1f) == NAL_SPS && i + 6 < configuration.length) {
        return format(configuration[i + 4], configuration[i + 5], configuration[i + 6]);
      }
    }
    throw new IllegalStateException("the H.264 encoder produced no sequence parameter set");
  }

  private static String format(byte profile, byte constraints, byte level) {
    return String.format("avc1.%02x%02x%02x", profile & 0xff, constraints & 0xff, level & 0xff);
  }
}
