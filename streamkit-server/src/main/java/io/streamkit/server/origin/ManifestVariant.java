package io.streamkit.server.origin;

/**
 * One entry of a master playlist ({@code EXT-X-STREAM-INF}, RFC 8216 §4.3.4.2) as a {@link VariantOrder} sees it.
 *
 * @param uri the media playlist URI as written in the master playlist
 * @param bandwidth peak bits per second ({@code BANDWIDTH})
 * @param averageBandwidth average bits per second ({@code AVERAGE-BANDWIDTH}), or 0 when absent
 * @param width picture width from {@code RESOLUTION}, or 0 for audio-only or absent
 * @param height picture height from {@code RESOLUTION}, or 0 for audio-only or absent
 * @param codecs the {@code CODECS} attribute, or an empty string
 */
public record ManifestVariant(String uri, long bandwidth, long averageBandwidth, int width, int height, String codecs) {}
