package io.streamkit.abr.ladder;

/**
 * One rendition to encode, fitted to a particular source.
 *
 * @param name directory-safe name, from the rung
 * @param width output width, even, square pixels
 * @param height output height, even
 * @param frameRate output constant frame rate
 * @param videoBitrate target average video bitrate in bit/s
 * @param maxVideoBitrate VBV maximum rate in bit/s
 */
public record PlannedRendition(String name, int width, int height, FrameRate frameRate, long videoBitrate,
    long maxVideoBitrate) {}
