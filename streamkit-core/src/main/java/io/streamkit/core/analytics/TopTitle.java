package io.streamkit.core.analytics;

import java.util.UUID;

/**
 * A title among the most played over a range, from the rollups. Field names are the JSON names of
 * {@code GET /api/analytics/top}.
 *
 * @param titleId the title
 * @param name the title's name
 * @param plays playback sessions that started in the range
 * @param watchTimeSeconds watch time in the range, in seconds (as {@link AnalyticsSummary#watchTimeSeconds()})
 */
public record TopTitle(UUID titleId, String name, long plays, double watchTimeSeconds) {
}
