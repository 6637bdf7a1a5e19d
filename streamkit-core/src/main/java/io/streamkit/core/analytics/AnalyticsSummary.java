package io.streamkit.core.analytics;

/**
 * The measures of a title, or of every title, over a span of time, read from the rollups of
 * {@link AnalyticsRollups}. Field names are JSON names in {@code GET /api/analytics/series}.
 *
 * @param plays playback sessions that started (the first {@code play} or {@code startup} event of a session)
 * @param uniqueViewers distinct viewers with any event, estimated by a HyperLogLog sketch (about 3 % error at
 *     scale, near exact below a few thousand)
 * @param watchTimeSeconds position advanced during playback, each step capped by the wall-clock time between the
 *     session's events, in seconds
 * @param completions {@code ended} events
 * @param startupMsP50 median startup time in milliseconds within 5 %, null without {@code startup} events
 * @param startupMsP95 95th percentile of the same, null without {@code startup} events
 * @param rebufferRatio stalled time / (watch time + stalled time), 0 to 1
 * @param averageBitrate time-weighted mean of the reported bitrates, bits per second; null without reports
 * @param errors {@code error} events
 * @param bufferLengthMs mean buffer length the player reported with its media requests (CMCD {@code bl}), in
 *     milliseconds; null without such reports
 * @param measuredThroughputKbps mean throughput the player measured, as reported with its media requests (CMCD
 *     {@code mtp}), in kbit/s; null without such reports
 * @param encodedBitrateKbps mean encoded bitrate of the media objects requested (CMCD {@code br}), weighted by
 *     their duration ({@code d}), in kbit/s; null without such reports
 * @param starvations media requests that reported a buffer starvation since the player's previous request (CMCD
 *     {@code bs})
 */
public record AnalyticsSummary(long plays, long uniqueViewers, double watchTimeSeconds, long completions,
    Long startupMsP50, Long startupMsP95, double rebufferRatio, Long averageBitrate, long errors,
    Long bufferLengthMs, Long measuredThroughputKbps, Long encodedBitrateKbps, long starvations) {
}
