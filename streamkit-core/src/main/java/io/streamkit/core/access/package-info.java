/**
 * Access policy beyond a token's own claims, shared by every origin node through the database:
 * {@link io.streamkit.core.access.Revocations} (tokens withdrawn before they expire) and
 * {@link io.streamkit.core.access.PlaybackSessions} (how many streams a viewer watches at once).
 */
package io.streamkit.core.access;
