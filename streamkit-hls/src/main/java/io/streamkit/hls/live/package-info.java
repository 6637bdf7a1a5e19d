/**
 * Live streams to HLS and Low-Latency HLS (RFC 8216bis): a live input decoded once and encoded to a ladder in real
 * time, packaged as CMAF chunks that are served as partial segments while the segment they belong to is still being
 * encoded, with a recording that becomes a video-on-demand title when the stream ends.
 *
 * <p>{@link io.streamkit.hls.live.LiveSink} is the contract between the transcoder, which produces
 * {@link io.streamkit.hls.live.LiveRendition}s chunk by chunk, and what packages and serves them.
 */
package io.streamkit.hls.live;
