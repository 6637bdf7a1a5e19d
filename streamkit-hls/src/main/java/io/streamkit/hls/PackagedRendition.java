package io.streamkit.hls;

import io.streamkit.abr.ladder.FrameRate;

/**
 * One variant of a packaged title — a video variant, or an audio-only variant of an audio-only title — with its
 * bitrates as measured on the written segments: the values of its {@code EXT-X-STREAM-INF} entry in the master
 * playlist (RFC 8216 section 4.3.4.2).
 *
 * @param name rung name, e.g. {@code 720p}, or the audio rendition's name, e.g. {@code audio}; also the directory
 *     holding its playlist and segments
 * @param playlist URI of the media playlist relative to the master playlist, e.g. {@code 720p/index.m3u8}
 * @param width picture width in (square) pixels, as encoded; 0 for an audio-only variant
 * @param height picture height in pixels, as encoded; 0 for an audio-only variant
 * @param frameRate constant output frame rate ({@code FRAME-RATE}); null for an audio-only variant
 * @param codecs the {@code CODECS} attribute (RFC 6381), e.g. {@code avc1.64001f,mp4a.40.2}, or {@code mp4a.40.2}
 *     for an audio-only variant
 * @param targetBitrate the video bitrate the encoder aimed for (the AAC bitrate for an audio-only variant), in bit/s
 * @param peakBandwidth {@code BANDWIDTH}: largest segment bitrate, in bit/s, audio included (the largest stereo audio
 *     rendition's, which section 4.3.4.2 asks of a variant with an audio group)
 * @param averageBandwidth {@code AVERAGE-BANDWIDTH}: bitrate over the whole title, in bit/s, audio included likewise
 * @param segments number of media segments; the same for every variant of a title (segments are aligned)
 */
public record PackagedRendition(String name, String playlist, int width, int height, FrameRate frameRate, String codecs,
    long targetBitrate, long peakBandwidth, long averageBandwidth, int segments) {

  /** {@return whether the variant is audio only (no picture: no size, no frame rate)} */
  public boolean audioOnly() {
    return frameRate == null;
  }
}
