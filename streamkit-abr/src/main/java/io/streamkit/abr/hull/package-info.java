/**
 * Per-title ladder construction: {@link io.streamkit.abr.hull.ConvexHullLadder} takes measured
 * {@link io.streamkit.abr.hull.EncodePoint}s (resolution, bit rate, quality) and returns the
 * rate–quality convex hull and the rungs chosen on it.
 */
package io.streamkit.abr.hull;
