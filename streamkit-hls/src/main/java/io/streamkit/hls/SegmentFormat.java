package io.streamkit.hls;

/** Container for HLS media segments, chosen with {@link Transcoder.Builder#format}. */
public enum SegmentFormat {
  /**
   * Fragmented MP4 (CMAF) segments with an {@code EXT-X-MAP} init segment (RFC 8216 section 3.3). The default. Audio
   * is a separate {@code EXT-X-MEDIA TYPE=AUDIO} rendition shared by every video variant, as Apple's authoring spec
   * does for fMP4, so the audio is stored once rather than once per rung.
   */
  FMP4("fmp4", "m4s"),
  /** MPEG-2 transport stream segments (RFC 8216 section 3.2) with the audio muxed into every variant. */
  TS("mpegts", "ts");

  final String muxerValue;
  final String extension;

  SegmentFormat(String muxerValue, String extension) {
    this.muxerValue = muxerValue;
    this.extension = extension;
  }
}
