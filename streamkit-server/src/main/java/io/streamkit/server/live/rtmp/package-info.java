/**
 * RTMP ingest for live streaming: {@link io.streamkit.server.live.rtmp.RtmpServer} accepts publishers (FFmpeg, OBS),
 * asks {@link io.streamkit.server.live.rtmp.RtmpPublishers} who may publish, and hands each accepted
 * {@link io.streamkit.server.live.rtmp.RtmpPublication} over with its media as an FLV byte stream read on the
 * application's own thread.
 */
package io.streamkit.server.live.rtmp;
