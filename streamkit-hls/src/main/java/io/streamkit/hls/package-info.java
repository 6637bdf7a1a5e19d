/**
 * Video files to adaptive-bitrate HLS titles.
 *
 * <p>Public API: {@link io.streamkit.hls.MediaProbe} (what is in a file), {@link io.streamkit.hls.Transcoder} (a
 * builder for a {@link io.streamkit.hls.TranscodeJob}, which runs, reports {@link io.streamkit.hls.TranscodeProgress}
 * and can be cancelled) and {@link io.streamkit.hls.TranscodeResult} with its measured
 * {@link io.streamkit.hls.PackagedRendition}s; {@link io.streamkit.hls.SampleVideo} writes a test-pattern video to
 * ingest. Failures are {@link io.streamkit.hls.TranscodeException}s with one-line messages. Everything else in this
 * package (decoder loop, per-rendition workers, segmenter, playlist writing) is package-private.
 */
package io.streamkit.hls;
