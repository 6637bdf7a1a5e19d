/**
 * Playback analytics computed from what viewers' players reported:
 * {@link io.streamkit.core.analytics.PlaybackAnalytics} answers per-title reports
 * ({@link io.streamkit.core.analytics.TitleAnalytics}) and a platform summary
 * ({@link io.streamkit.core.analytics.PlatformAnalytics}) from the progress and event tables of a
 * {@link io.streamkit.core.store.StreamkitStore}, the same way on H2 and PostgreSQL.
 */
package io.streamkit.core.analytics;
