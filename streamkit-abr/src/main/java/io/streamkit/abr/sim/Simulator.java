package io.streamkit.abr.sim;

import io.streamkit.abr.rule.AbrRule;
import io.streamkit.abr.rule.PlaybackState;
import java.util.function.Supplier;

/**
 * Trace-driven playback simulator reproducing the session model of the Pensieve study's simulator
 * ({@code sim/fixed_env.py} of hongzimao/pensieve, described in Mao et al., SIGCOMM 2017).
 *
 * <p>One session fetches the chunks in order. The first is fetched at {@link Builder#startQuality};
 * every later quality is the rule's choice. A download walks the trace from where the last one
 * stopped: each interval of duration {@code d} at {@code b} Mbit/s carries {@code b·1e6/8·d·payloadShare}
 * bytes, the chunk completes inside the interval where the bytes add up (the fraction of the interval is
 * added), and past the last sample the walk wraps to the second sample with the clock at zero. A fixed
 * round trip is added to every download. Then {@code rebuffer = max(download − buffer, 0)} and {@code
 * buffer = max(buffer − download, 0) + chunk}. Above the buffer cap the player sleeps in fixed steps
 * (rounded up) until under the cap; sleeping advances the trace but is not download time.
 *
 * <p>Arithmetic is done in milliseconds in the study's order of operations, so per-chunk logs match the
 * study's to the last printed digit. A simulator is immutable and thread-safe; each {@link #run} starts
 * a fresh session (empty buffer, trace at its first interval).
 */
public final class Simulator {

  /** The study's chunks per session: 48 (192 s of its 4 s chunks). */
  public static final int DEFAULT_CHUNKS = 48;
  /** The study's rung of the first chunk: 1, the second lowest. */
  public static final int DEFAULT_START_QUALITY = 1;
  /** The study's round trip added to every download: 80 ms. */
  public static final double DEFAULT_ROUND_TRIP_SECONDS = 0.08;
  /** The study's share of link throughput that carries payload: 0.95. */
  public static final double DEFAULT_PAYLOAD_SHARE = 0.95;
  /** The study's buffer cap, above which the player sleeps: 60 s. */
  public static final double DEFAULT_BUFFER_CAP_SECONDS = 60;
  /** The study's sleep step when the buffer is over the cap: 500 ms. */
  public static final double DEFAULT_SLEEP_STEP_SECONDS = 0.5;

  private final int chunks;
  private final int startQuality;
  private final double roundTripMs;
  private final double payloadShare;
  private final double bufferCapMs;
  private final double sleepStepMs;

  private Simulator(Builder b) {
    this.chunks = b.chunks;
    this.startQuality = b.startQuality;
    this.roundTripMs = b.roundTripSeconds * 1000;
    this.payloadShare = b.payloadShare;
    this.bufferCapMs = b.bufferCapSeconds * 1000;
    this.sleepStepMs = b.sleepStepSeconds * 1000;
  }

  /** {@return a simulator with the study's session model, the {@code DEFAULT_} constants} */
  public static Simulator study() {
    return builder().build();
  }

  /** {@return settings starting from the study's session model} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the number of chunks per session} */
  public int chunks() {
    return chunks;
  }

  /**
   * Plays one session: the first {@link #chunks()} chunks of the video over the trace.
   *
   * @param trace the network, walked from its first interval
   * @param video the chunk sizes per rung
   * @param rules supplies a fresh rule for the session
   * @return the per-chunk record of the session
   * @throws IllegalArgumentException when the video has fewer chunks than a session plays or fewer rungs than the start quality
   * @throws IllegalStateException when the rule returns a quality outside the ladder
   */
  public SessionResult run(NetworkTrace trace, VideoModel video, Supplier<? extends AbrRule> rules) {
    if (video.chunkCount() < chunks) {
      throw new IllegalArgumentException(
          "video has " + video.chunkCount() + " chunks but a session plays " + chunks + "; use a longer video or fewer chunks");
    }
    if (startQuality >= video.qualityCount()) {
      throw new IllegalArgumentException(
          "start quality " + startQuality + " is outside the video's " + video.qualityCount() + " rungs");
    }
    AbrRule rule = rules.get();
    Session session = new Session(trace, video);
    double[] timeS = new double[chunks];
    int[] quality = new int[chunks];
    double[] bufferS = new double[chunks];
    double[] rebufferS = new double[chunks];
    long[] bytes = new long[chunks];
    double[] downloadMs = new double[chunks];
    double clockMs = 0;
    int q = startQuality;
    for (int chunk = 0; chunk < chunks; chunk++) {
      long size = video.chunkBytes(q, chunk);
      double delayMs = session.download(size);
      double rebufferMs = Math.max(delayMs - session.bufferMs, 0.0);
      session.bufferMs = Math.max(session.bufferMs - delayMs, 0.0) + video.chunkSeconds() * 1000;
      double sleepMs = session.sleepIfFull();
      clockMs += delayMs + sleepMs;
      timeS[chunk] = clockMs / 1000;
      quality[chunk] = q;
      bufferS[chunk] = session.bufferMs / 1000;
      rebufferS[chunk] = rebufferMs / 1000;
      bytes[chunk] = size;
      downloadMs[chunk] = delayMs;
      if (chunk + 1 < chunks) {
        session.lastQuality = q;
        session.nextChunk = chunk + 1;
        session.lastBytes = size;
        session.lastDownloadMs = delayMs;
        q = rule.nextQuality(session);
        if (q < 0 || q >= video.qualityCount()) {
          throw new IllegalStateException(
              "rule " + rule.getClass().getSimpleName() + " chose quality " + q + " for chunk " + (chunk + 1)
                  + "; valid rungs are 0.." + (video.qualityCount() - 1));
        }
      }
    }
    return new SessionResult(
        trace.name(), ladder(video), timeS, quality, bufferS, rebufferS, bytes, downloadMs);
  }

  private static int[] ladder(VideoModel video) {
    int[] ladder = new int[video.qualityCount()];
    for (int q = 0; q < ladder.length; q++) {
      ladder[q] = video.bitrateKbps(q);
    }
    return ladder;
  }

  /** One session's mutable state, doubling as the rule's read-only view. */
  private final class Session implements PlaybackState {
    private final NetworkTrace trace;
    private final VideoModel video;
    private int pointer = 1;
    private double lastTraceTime;
    double bufferMs;
    int lastQuality;
    int nextChunk;
    long lastBytes;
    double lastDownloadMs;

    Session(NetworkTrace trace, VideoModel video) {
      this.trace = trace;
      this.video = video;
      this.lastTraceTime = trace.timeSeconds(0);
    }

    /** Walks the trace until {@code size} bytes are delivered; returns milliseconds including the round trip. */
    double download(long size) {
      double delay = 0;
      double sent = 0;
      while (true) {
        double throughput = trace.megabitsPerSecond(pointer) * 1000000.0 / 8.0;
        double duration = trace.timeSeconds(pointer) - lastTraceTime;
        double payload = throughput * duration * payloadShare;
        if (sent + payload > size) {
          double fraction = (size - sent) / throughput / payloadShare;
          delay += fraction;
          lastTraceTime += fraction;
          break;
        }
        sent += payload;
        delay += duration;
        lastTraceTime = trace.timeSeconds(pointer);
        advance();
      }
      return delay * 1000 + roundTripMs;
    }

    /** Sleeps while the buffer is over the cap; returns the sleep in milliseconds. */
    double sleepIfFull() {
      if (bufferMs <= bufferCapMs) {
        return 0;
      }
      double sleepMs = Math.ceil((bufferMs - bufferCapMs) / sleepStepMs) * sleepStepMs;
      bufferMs -= sleepMs;
      double remaining = sleepMs;
      while (true) {
        double duration = trace.timeSeconds(pointer) - lastTraceTime;
        if (duration > remaining / 1000) {
          lastTraceTime += remaining / 1000;
          break;
        }
        remaining -= duration * 1000;
        lastTraceTime = trace.timeSeconds(pointer);
        advance();
      }
      return sleepMs;
    }

    private void advance() {
      pointer++;
      if (pointer >= trace.size()) {
        pointer = 1;
        lastTraceTime = 0;
      }
    }

    @Override
    public double bufferSeconds() {
      return bufferMs / 1000;
    }

    @Override
    public int lastQuality() {
      return lastQuality;
    }

    @Override
    public int nextChunk() {
      return nextChunk;
    }

    @Override
    public int chunkCount() {
      return chunks;
    }

    @Override
    public int qualityCount() {
      return video.qualityCount();
    }

    @Override
    public int bitrateKbps(int quality) {
      return video.bitrateKbps(quality);
    }

    @Override
    public long chunkBytes(int quality, int chunk) {
      return video.chunkBytes(quality, chunk);
    }

    @Override
    public double chunkSeconds() {
      return video.chunkSeconds();
    }

    @Override
    public long lastChunkBytes() {
      return lastBytes;
    }

    @Override
    public double lastDownloadSeconds() {
      return lastDownloadMs / 1000;
    }

    @Override
    public double lastLatencySeconds() {
      return roundTripMs / 1000;
    }
  }

  /** Settings of the session model; each setter validates at once. */
  public static final class Builder {
    private int chunks = DEFAULT_CHUNKS;
    private int startQuality = DEFAULT_START_QUALITY;
    private double roundTripSeconds = DEFAULT_ROUND_TRIP_SECONDS;
    private double payloadShare = DEFAULT_PAYLOAD_SHARE;
    private double bufferCapSeconds = DEFAULT_BUFFER_CAP_SECONDS;
    private double sleepStepSeconds = DEFAULT_SLEEP_STEP_SECONDS;

    private Builder() {}

    /**
     * Sets the chunks per session; {@link #DEFAULT_CHUNKS} by default.
     *
     * @param chunks at least 1, and at most the video's chunk count when a session runs
     * @return this builder
     * @throws IllegalArgumentException if {@code chunks} is below 1
     */
    public Builder chunks(int chunks) {
      if (chunks < 1) {
        throw new IllegalArgumentException("chunks must be at least 1, was " + chunks);
      }
      this.chunks = chunks;
      return this;
    }

    /**
     * Sets the rung of the first chunk; {@link #DEFAULT_START_QUALITY} by default.
     *
     * @param startQuality at least 0, and below the video's rung count when a session runs
     * @return this builder
     * @throws IllegalArgumentException if {@code startQuality} is negative
     */
    public Builder startQuality(int startQuality) {
      if (startQuality < 0) {
        throw new IllegalArgumentException("startQuality must be at least 0, was " + startQuality);
      }
      this.startQuality = startQuality;
      return this;
    }

    /**
     * Sets the round trip added to every download; {@link #DEFAULT_ROUND_TRIP_SECONDS} by default.
     *
     * @param seconds 0 to 10
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder roundTripSeconds(double seconds) {
      if (!(seconds >= 0 && seconds <= 10)) {
        throw new IllegalArgumentException("roundTripSeconds must be within [0, 10], was " + seconds);
      }
      this.roundTripSeconds = seconds;
      return this;
    }

    /**
     * Sets the share of link throughput that carries payload; {@link #DEFAULT_PAYLOAD_SHARE} by default.
     *
     * @param share in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder payloadShare(double share) {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("payloadShare must be within (0, 1], was " + share);
      }
      this.payloadShare = share;
      return this;
    }

    /**
     * Sets the buffer cap above which the player sleeps; {@link #DEFAULT_BUFFER_CAP_SECONDS} by default.
     *
     * @param seconds at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds} is below 1
     */
    public Builder bufferCapSeconds(double seconds) {
      if (!(seconds >= 1)) {
        throw new IllegalArgumentException("bufferCapSeconds must be at least 1, was " + seconds);
      }
      this.bufferCapSeconds = seconds;
      return this;
    }

    /**
     * Sets the granularity of the sleep when the buffer is over the cap; {@link #DEFAULT_SLEEP_STEP_SECONDS} by
     * default.
     *
     * @param seconds in (0, 10]
     * @return this builder
     * @throws IllegalArgumentException outside that range
     */
    public Builder sleepStepSeconds(double seconds) {
      if (!(seconds > 0 && seconds <= 10)) {
        throw new IllegalArgumentException("sleepStepSeconds must be within (0, 10], was " + seconds);
      }
      this.sleepStepSeconds = seconds;
      return this;
    }

    /** {@return a simulator with these settings, immutable and thread-safe} */
    public Simulator build() {
      return new Simulator(this);
    }
  }
}
