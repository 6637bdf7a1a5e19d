/**
 * Bitrate ladders: authored presets ({@link io.streamkit.abr.ladder.Ladder}) and their fitting to a source
 * ({@link io.streamkit.abr.ladder.LadderPlanner}).
 */
package io.streamkit.abr.ladder;
