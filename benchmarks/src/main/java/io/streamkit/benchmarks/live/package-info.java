/**
 * Live streaming harnesses: the real-time capacity of the live transcoder ({@link
 * io.streamkit.benchmarks.live.LiveCapacityBenchmark}), Low-Latency HLS viewers against one origin fed by an RTMP
 * publisher ({@link io.streamkit.benchmarks.live.LiveViewersBenchmark}), and glass-to-player latency of StreamKit's
 * LL-HLS, its standard live HLS and nginx-rtmp, read back in headless Chromium from a clock burned into the frames
 * ({@link io.streamkit.benchmarks.live.LiveLatencyBenchmark}).
 */
package io.streamkit.benchmarks.live;
