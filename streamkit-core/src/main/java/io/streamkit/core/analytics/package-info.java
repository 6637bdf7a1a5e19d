/**
 * Playback analytics computed from what viewers' players reported:
 * {@link io.streamkit.core.analytics.PlaybackAnalytics} answers per-title reports
 * ({@link io.streamkit.core.analytics.TitleAnalytics}) and a platform summary
 * ({@link io.streamkit.core.analytics.PlatformAnalytics}) over all time, and
 * {@link io.streamkit.core.analytics.AnalyticsRollups} series, top titles and breakdowns by kind of client over recent
 * ranges, all read from hourly rollups folded from the event table of a
 * {@link io.streamkit.core.store.StreamkitStore}, the same way on H2 and PostgreSQL.
 */
package io.streamkit.core.analytics;
