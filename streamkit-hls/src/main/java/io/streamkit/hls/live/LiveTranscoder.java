package io.streamkit.hls.live;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.hls.Transcoder;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Entry point: configure a real-time transcode of one live FLV stream (H.264 and AAC, as an RTMP publisher sends
 * it) into a keyframe-aligned ladder of CMAF chunks handed to a {@link LiveSink}.
 *
 * <pre>{@code
 * LiveTranscode live = LiveTranscoder.builder()
 *     .input(publisherStream)
 *     .sink(packager)
 *     .build();
 * live.run(); // until the publisher stops, or live.stop() from another thread
 * }</pre>
 *
 * Defaults: the ladder video-on-demand titles use ({@link Ladder#apple()}) fitted to the input, segments of
 * {@value #DEFAULT_SEGMENT_SECONDS} s in parts of {@value #DEFAULT_PART_SECONDS} s, x264 preset
 * {@value #DEFAULT_PRESET}.
 */
public final class LiveTranscoder {

  /** The name of the audio rendition. */
  public static final String AUDIO = "audio";
  /** Segment duration used unless {@link Builder#segmentSeconds} says otherwise, in seconds. */
  public static final int DEFAULT_SEGMENT_SECONDS = 2;
  /** Shortest segment duration accepted, in seconds. */
  public static final int MIN_SEGMENT_SECONDS = 1;
  /** Longest segment duration accepted, in seconds: live latency grows with it. */
  public static final int MAX_SEGMENT_SECONDS = 10;
  /** Partial segment duration used unless {@link Builder#partSeconds} says otherwise (RFC 8216bis appendix B). */
  public static final double DEFAULT_PART_SECONDS = 0.5;
  /** Shortest partial segment duration accepted, in seconds: a few frames. */
  public static final double MIN_PART_SECONDS = 0.1;
  /**
   * x264 preset used unless {@link Builder#preset} says otherwise: with {@code tune=zerolatency} it keeps the default
   * ladder of a 1080p30 input (six rungs, 1080p to 234p) in real time on two cores, where {@code superfast} does
   * not. CABAC and 8x8 transforms, which ultrafast turns off, are turned back on so every rung is High profile.
   */
  public static final String DEFAULT_PRESET = "ultrafast";

  private LiveTranscoder() {}

  /** {@return a new builder with the defaults above; {@code input} and {@code sink} must be set} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Validates each value as it is set, naming the property and its limit; {@link #build()} checks that the settings
   * fit together. Not thread-safe: configure it on one thread.
   */
  public static final class Builder {
    private InputStream input;
    private LiveSink sink;
    private Ladder ladder = Ladder.apple();
    private List<PlannedRendition> renditions;
    private int segmentSeconds = DEFAULT_SEGMENT_SECONDS;
    private double partSeconds = DEFAULT_PART_SECONDS;
    private String preset = DEFAULT_PRESET;
    private String name = "live";
    private double maxLagSeconds = Double.NaN;

    private Builder() {}

    /**
     * The FLV byte stream to transcode (FLV header, then tags), read on the thread that calls
     * {@link LiveTranscode#run()}; its end is the end of the stream. The transcode does not close it.
     *
     * @param flv the publisher's stream
     * @return this builder
     * @throws NullPointerException if {@code flv} is null
     */
    public Builder input(InputStream flv) {
      this.input = Objects.requireNonNull(flv, "input");
      return this;
    }

    /**
     * Where the renditions' chunks go.
     *
     * @param sink receives the chunks on the transcoding thread, in order
     * @return this builder
     * @throws NullPointerException if {@code sink} is null
     */
    public Builder sink(LiveSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * The ladder fitted to the input's picture and frame rate once its first frame is decoded, as for a
     * video-on-demand title ({@link io.streamkit.abr.ladder.LadderPlanner}). Ignored when {@link #renditions} is set.
     *
     * @param ladder the rungs to plan from; default {@link Ladder#apple()}
     * @return this builder
     * @throws NullPointerException if {@code ladder} is null
     */
    public Builder ladder(Ladder ladder) {
      this.ladder = Objects.requireNonNull(ladder, "ladder");
      return this;
    }

    /**
     * A fixed plan instead of one fitted to the input: a publisher that reconnects continues with the renditions it
     * had ({@link LiveTranscode#renditions()} of the previous run), each scaled from the new input.
     *
     * @param renditions 1 to {@value Ladder#MAX_RUNGS} renditions, largest first, names unique and not
     *     {@value #AUDIO}
     * @return this builder
     * @throws IllegalArgumentException if the list is empty, too long, or names a rendition twice or {@value #AUDIO}
     * @throws NullPointerException if {@code renditions} or an element is null
     */
    public Builder renditions(List<PlannedRendition> renditions) {
      List<PlannedRendition> copy = List.copyOf(renditions);
      if (copy.isEmpty() || copy.size() > Ladder.MAX_RUNGS) {
        throw new IllegalArgumentException("renditions must hold 1 to " + Ladder.MAX_RUNGS + " renditions, got "
            + copy.size());
      }
      Set<String> names = new HashSet<>();
      for (PlannedRendition rendition : copy) {
        if (rendition.name().equals(AUDIO) || !names.add(rendition.name())) {
          throw new IllegalArgumentException("renditions must have unique names other than '" + AUDIO + "', got '"
              + rendition.name() + "' twice or reserved");
        }
      }
      this.renditions = copy;
      return this;
    }

    /**
     * The segment duration; every rendition has an IDR at each multiple of it.
     *
     * @param seconds {@value LiveTranscoder#MIN_SEGMENT_SECONDS} to {@value LiveTranscoder#MAX_SEGMENT_SECONDS};
     *     default {@value LiveTranscoder#DEFAULT_SEGMENT_SECONDS}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder segmentSeconds(int seconds) {
      if (seconds < MIN_SEGMENT_SECONDS || seconds > MAX_SEGMENT_SECONDS) {
        throw new IllegalArgumentException("segmentSeconds must be between " + MIN_SEGMENT_SECONDS + " and "
            + MAX_SEGMENT_SECONDS + ", got " + seconds);
      }
      this.segmentSeconds = seconds;
      return this;
    }

    /**
     * The partial segment target ({@code PART-TARGET}); no part is longer, and a segment must be a whole number of
     * them (checked by {@link #build()}).
     *
     * @param seconds at least {@value LiveTranscoder#MIN_PART_SECONDS}; default
     *     {@value LiveTranscoder#DEFAULT_PART_SECONDS}
     * @return this builder
     * @throws IllegalArgumentException if below the minimum or not finite
     */
    public Builder partSeconds(double seconds) {
      if (!(seconds >= MIN_PART_SECONDS) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException("partSeconds must be at least " + MIN_PART_SECONDS + ", got " + seconds);
      }
      this.partSeconds = seconds;
      return this;
    }

    /**
     * The x264 speed preset; slower presets compress better but may not keep up with real time, and then the top
     * rendition is dropped.
     *
     * @param preset one of {@link Transcoder#PRESETS}; default {@value LiveTranscoder#DEFAULT_PRESET}
     * @return this builder
     * @throws IllegalArgumentException if {@code preset} is not one of {@link Transcoder#PRESETS}
     * @throws NullPointerException if {@code preset} is null
     */
    public Builder preset(String preset) {
      if (!Transcoder.PRESETS.contains(Objects.requireNonNull(preset, "preset"))) {
        throw new IllegalArgumentException("preset must be one of " + Transcoder.PRESETS + ", got '" + preset + "'");
      }
      this.preset = preset;
      return this;
    }

    /**
     * The stream's name in log lines and error messages, e.g. the RTMP stream key's public part.
     *
     * @param name not blank; default {@code live}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** How far behind real time the encoder may fall before it degrades; default one segment. */
    Builder maxLagSeconds(double seconds) {
      this.maxLagSeconds = seconds;
      return this;
    }

    /**
     * {@return a transcode of these settings, to {@link LiveTranscode#run()} once}
     *
     * @throws IllegalStateException if {@code input} or {@code sink} is missing, or the segment is not a whole
     *     number of parts
     */
    public LiveTranscode build() {
      if (input == null) {
        throw new IllegalStateException("input is required: call input(InputStream) with the publisher's FLV stream");
      }
      if (sink == null) {
        throw new IllegalStateException("sink is required: call sink(LiveSink) with what packages the chunks");
      }
      double partsPerSegment = segmentSeconds / partSeconds;
      if (partSeconds > segmentSeconds || Math.abs(partsPerSegment - Math.rint(partsPerSegment)) > 1e-6) {
        double fitting = partSeconds >= 1 ? 1 : partSeconds >= 0.5 ? 0.5 : partSeconds >= 0.25 ? 0.25
            : partSeconds >= 0.2 ? 0.2 : MIN_PART_SECONDS;
        throw new IllegalStateException("segmentSeconds (" + segmentSeconds + ") must be a whole number of "
            + "partSeconds (" + partSeconds + "), e.g. partSeconds " + fitting);
      }
      return new LiveTranscode(new LiveTranscode.Settings(input, sink, ladder, renditions, segmentSeconds,
          partSeconds, preset, name, Double.isNaN(maxLagSeconds) ? segmentSeconds : maxLagSeconds));
    }
  }
}
