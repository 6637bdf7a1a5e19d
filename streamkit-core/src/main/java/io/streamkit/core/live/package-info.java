/**
 * Live streams as the catalog keeps them: {@link io.streamkit.core.live.LiveStream} (a name, a
 * {@link io.streamkit.core.live.LiveStatus} and the times of its last event), the secret stream key a publisher
 * presents ({@link io.streamkit.core.live.CreatedLiveStream}, shown once), and the
 * {@link io.streamkit.core.live.LiveStreams} port that every ingest node shares through the database.
 */
package io.streamkit.core.live;
