package io.streamkit.abr.rule;

/** A hand-set playback state for driving rules directly. */
public final class FixedState implements PlaybackState {
  public double buffer;
  public int lastQuality;
  public int nextChunk = 1;
  public int chunkCount = 48;
  public int[] kbps = {300, 750, 1200, 1850, 2850, 4300};
  public long lastBytes;
  public double lastDownload;
  public double latency = 0.08;

  /** Chunk sizes follow the nominal bitrates exactly (constant bit rate, 4 s chunks). */
  @Override
  public long chunkBytes(int quality, int chunk) {
    return kbps[quality] * 1000L / 8 * 4;
  }

  /** Sets the last download as a chunk of the given quality fetched at this link rate. */
  public FixedState fetched(int quality, double linkBps) {
    lastQuality = quality;
    lastBytes = chunkBytes(quality, 0);
    lastDownload = lastBytes * 8 / linkBps + latency;
    return this;
  }

  @Override public double bufferSeconds() { return buffer; }
  @Override public int lastQuality() { return lastQuality; }
  @Override public int nextChunk() { return nextChunk; }
  @Override public int chunkCount() { return chunkCount; }
  @Override public int qualityCount() { return kbps.length; }
  @Override public int bitrateKbps(int quality) { return kbps[quality]; }
  @Override public double chunkSeconds() { return 4; }
  @Override public long lastChunkBytes() { return lastBytes; }
  @Override public double lastDownloadSeconds() { return lastDownload; }
  @Override public double lastLatencySeconds() { return latency; }
}
