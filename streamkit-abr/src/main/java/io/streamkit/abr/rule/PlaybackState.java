package io.streamkit.abr.rule;

/**
 * What a bitrate rule may look at when it picks the next chunk's quality: the buffer, the ladder, the
 * sizes of the chunks still to come, and how the chunk just fetched was delivered.
 *
 * <p>The view is read-only and may be a flyweight that the caller refills before each decision, so a
 * rule must not keep a reference to it between calls.
 */
public interface PlaybackState {

  /** Seconds of media buffered ahead of the play head, after the chunk just fetched was added. */
  double bufferSeconds();

  /** Quality index (0 = lowest rung) of the chunk just fetched. */
  int lastQuality();

  /** Index of the chunk about to be requested (0-based); equals the number of chunks fetched so far. */
  int nextChunk();

  /** Number of chunks in the session. */
  int chunkCount();

  /** Number of rungs in the ladder. */
  int qualityCount();

  /** Nominal bitrate of a rung in kbit/s; rungs ascend. */
  int bitrateKbps(int quality);

  /** Size in bytes of a chunk at a quality. */
  long chunkBytes(int quality, int chunk);

  /** Media duration of one chunk in seconds. */
  double chunkSeconds();

  /** Bytes of the chunk just fetched. */
  long lastChunkBytes();

  /** Wall time of the last fetch in seconds, request sent to last byte received. */
  double lastDownloadSeconds();

  /** Time to first byte of the last fetch in seconds (the part of the download time that does not scale with size). */
  double lastLatencySeconds();
}
