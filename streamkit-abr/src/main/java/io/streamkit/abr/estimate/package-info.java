/**
 * Network estimators a bitrate rule feeds with each download: {@link
 * io.streamkit.abr.estimate.EwmaBandwidthEstimator} (hls.js's dual half-life average), {@link
 * io.streamkit.abr.estimate.HarmonicMeanEstimator} (RobustMPC's windowed harmonic mean with
 * prediction-error tracking) and {@link io.streamkit.abr.estimate.LatencyEstimator} (time to first
 * byte). All are O(1) or O(window) per sample, allocation-free and meant for one session each.
 */
package io.streamkit.abr.estimate;
