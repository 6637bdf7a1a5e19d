package io.streamkit.core.analytics;

/**
 * The whole catalog at a glance. Field names are the JSON names of {@code GET /api/analytics}; the measures are
 * defined as in {@link TitleAnalytics}, taken over every title and all time as folded into the rollups so far.
 *
 * @param titles titles in the catalog, whatever their status
 * @param publishedTitles titles viewers can play
 * @param plays playback sessions that started
 * @param uniqueViewers distinct viewers across all titles, estimated by a HyperLogLog sketch
 * @param watchTimeSeconds summed watch time, in seconds
 * @param startupMsP50 median startup time in milliseconds within 5 %, null without {@code startup} events
 * @param rebufferRatio stalled time / (watch time + stalled time), 0 to 1
 * @param errors {@code error} events
 */
public record PlatformAnalytics(long titles, long publishedTitles, long plays, long uniqueViewers,
    double watchTimeSeconds, Long startupMsP50, double rebufferRatio, long errors) {
}
