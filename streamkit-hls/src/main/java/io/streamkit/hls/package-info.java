/**
 * Video files to adaptive-bitrate HLS titles (RFC 8216): one source in, one directory out with a master playlist,
 * and a media playlist, segments and (for a clear title) an I-frame playlist per rendition, plus segmented WebVTT
 * per subtitle track (sidecar files given to {@link io.streamkit.hls.Transcoder.Builder#subtitles} and the source's
 * text subtitle streams).
 *
 * <p>Public API: {@link io.streamkit.hls.MediaProbe} (what is in a file, as a {@link io.streamkit.hls.MediaInfo}),
 * {@link io.streamkit.hls.Transcoder} (a builder for a {@link io.streamkit.hls.TranscodeJob}, which runs on the calling
 * thread, reports {@link io.streamkit.hls.TranscodeProgress} to a {@link io.streamkit.hls.TranscodeListener} and can
 * be cancelled from any thread) and {@link io.streamkit.hls.TranscodeResult} with its measured
 * {@link io.streamkit.hls.PackagedRendition}s; {@link io.streamkit.hls.SegmentFormat} chooses fMP4 or MPEG-TS
 * segments and {@link io.streamkit.hls.SegmentEncryption} clear or AES-128 encrypted ones, whose keys come back in the
 * result; {@link io.streamkit.hls.TitleSubtitles} adds subtitle tracks to a packaged title and removes them;
 * {@link io.streamkit.hls.SampleVideo} writes a test-pattern video to ingest. Failures are
 * {@link io.streamkit.hls.TranscodeException}s with one-line messages. Everything else in this package (decoder loop,
 * per-rendition workers, segmenter, playlist writing) is package-private. To transcode what the platform's job queue
 * holds, see {@link io.streamkit.hls.ingest.IngestWorkers}.
 */
package io.streamkit.hls;
