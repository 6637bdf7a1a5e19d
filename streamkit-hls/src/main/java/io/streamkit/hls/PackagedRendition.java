package io.streamkit.hls;

import io.streamkit.abr.ladder.FrameRate;

/**
 * One video variant of a packaged title, with its bitrates as measured on the written segments.
 *
 * @param name rung name, also the directory holding its playlist and segments
 * @param playlist URI of the media playlist relative to the master playlist
 * @param width picture width
 * @param height picture height
 * @param frameRate constant output frame rate
 * @param codecs the {@code CODECS} attribute, e.g. {@code avc1.64001f,mp4a.40.2}
 * @param targetBitrate the video bitrate the encoder aimed for, in bit/s
 * @param peakBandwidth {@code BANDWIDTH}: largest segment bitrate (audio included), in bit/s
 * @param averageBandwidth {@code AVERAGE-BANDWIDTH}: bitrate over the whole title (audio included), in bit/s
 * @param segments number of media segments
 */
public record PackagedRendition(String name, String playlist, int width, int height, FrameRate frameRate, String codecs,
    long targetBitrate, long peakBandwidth, long averageBandwidth, int segments) {}
