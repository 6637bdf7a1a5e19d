package io.streamkit.server.live;

import io.streamkit.hls.live.LiveStats;

/**
 * How a live stream on air here is doing.
 *
 * @param stats the transcoder's input and encoder figures
 * @param viewers playback sessions that fetched from the stream in the last {@link LiveEvents#VIEWER_WINDOW}
 * @param runs how many times a publisher has connected in this event (1 + reconnects)
 */
public record LiveHealth(LiveStats stats, long viewers, int runs) {}
