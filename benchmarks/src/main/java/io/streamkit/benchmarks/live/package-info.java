/**
 * Live streaming harnesses: the real-time capacity of the live transcoder ({@link
 * io.streamkit.benchmarks.live.LiveCapacityBenchmark}) and Low-Latency HLS viewers against one origin fed by an RTMP
 * publisher ({@link io.streamkit.benchmarks.live.LiveViewersBenchmark}).
 */
package io.streamkit.benchmarks.live;
