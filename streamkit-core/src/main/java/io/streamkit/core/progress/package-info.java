/**
 * Watch progress: {@link io.streamkit.core.progress.WatchProgress} readings, the
 * {@link io.streamkit.core.progress.ProgressStore} port (newest client timestamp wins, "continue watching"), and the
 * write-behind {@link io.streamkit.core.progress.ProgressWriter} for heartbeat traffic.
 */
package io.streamkit.core.progress;
