package io.streamkit.hls.live;

/**
 * One rendition a live transcode produces, as the multivariant playlist advertises it.
 *
 * @param name directory-safe name, unique in the stream ({@code "audio"} for the audio rendition)
 * @param audio whether this is the audio rendition every video rendition plays with
 * @param width output width in pixels, 0 for audio
 * @param height output height in pixels, 0 for audio
 * @param frameRate output frame rate, 0 for audio
 * @param bandwidth the encoder's peak rate in bit/s ({@code BANDWIDTH} before the audio is added)
 * @param codecs RFC 6381 codecs string of this rendition alone ({@code avc1.64001f}, {@code mp4a.40.2})
 */
public record LiveRendition(String name, boolean audio, int width, int height, double frameRate, long bandwidth,
    String codecs) {}
