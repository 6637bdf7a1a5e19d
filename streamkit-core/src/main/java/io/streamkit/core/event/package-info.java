/**
 * Playback events for analytics: {@link io.streamkit.core.event.PlaybackEvent} and the append-only
 * {@link io.streamkit.core.event.EventStore} port.
 */
package io.streamkit.core.event;
