package io.streamkit.abr.rule;

/**
 * What a bitrate rule may look at when it picks the next chunk's quality: the buffer, the ladder, the
 * sizes of the chunks still to come, and how the chunk just fetched was delivered.
 *
 * <p>The view is read-only and may be a flyweight that the caller refills before each decision, so a
 * rule must not keep a reference to it between calls.
 */
public interface PlaybackState {

  /** {@return the seconds of media buffered ahead of the play head, after the chunk just fetched was added} */
  double bufferSeconds();

  /** {@return the quality index (0 = lowest rung) of the chunk just fetched} */
  int lastQuality();

  /** {@return the index of the chunk about to be requested (0-based); equals the number of chunks fetched so far} */
  int nextChunk();

  /** {@return the number of chunks in the session} */
  int chunkCount();

  /** {@return the number of rungs in the ladder} */
  int qualityCount();

  /**
   * {@return the nominal bitrate of a rung in kbit/s; rungs ascend}
   *
   * @param quality the rung, {@code 0} to {@code qualityCount() - 1}
   */
  int bitrateKbps(int quality);

  /**
   * {@return the size in bytes of a chunk at a quality}
   *
   * @param quality the rung, {@code 0} to {@code qualityCount() - 1}
   * @param chunk the chunk, {@code 0} to {@code chunkCount() - 1}
   */
  long chunkBytes(int quality, int chunk);

  /** {@return the media duration of one chunk in seconds} */
  double chunkSeconds();

  /** {@return the size in bytes of the chunk just fetched} */
  long lastChunkBytes();

  /** {@return the wall time of the last fetch in seconds, request sent to last byte received} */
  double lastDownloadSeconds();

  /**
   * {@return the time to first byte of the last fetch in seconds} It is the part of the download time that does not
   * scale with size.
   */
  double lastLatencySeconds();
}
