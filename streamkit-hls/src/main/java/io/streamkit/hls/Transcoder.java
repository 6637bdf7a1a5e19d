package io.streamkit.hls;

import io.streamkit.abr.ladder.Ladder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Entry point: configure a transcode of one source file into one HLS title directory.
 *
 * <pre>{@code
 * TranscodeResult title = Transcoder.builder()
 *     .input(Path.of("movie.mov"))
 *     .output(Path.of("titles/movie"))
 *     .build()
 *     .run();
 * }</pre>
 *
 * Defaults: fMP4 segments of {@value #DEFAULT_SEGMENT_SECONDS} s, the Apple ladder, x264 preset
 * {@value #DEFAULT_PRESET}.
 */
public final class Transcoder {

  public static final int DEFAULT_SEGMENT_SECONDS = 6;
  /** At least one two-second GOP per segment. */
  public static final int MIN_SEGMENT_SECONDS = 2;
  public static final int MAX_SEGMENT_SECONDS = 30;
  public static final String DEFAULT_PRESET = "veryfast";
  public static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
      "slow", "slower", "veryslow");

  private Transcoder() {}

  public static Builder builder() {
    return new Builder();
  }

  /** Validates each value as it is set, naming the property and its limit. */
  public static final class Builder {
    private Path input;
    private Path output;
    private SegmentFormat format = SegmentFormat.FMP4;
    private int segmentSeconds = DEFAULT_SEGMENT_SECONDS;
    private Ladder ladder = Ladder.apple();
    private String preset = DEFAULT_PRESET;
    private TranscodeListener listener = progress -> { };

    private Builder() {}

    /** The source video file. */
    public Builder input(Path input) {
      this.input = Objects.requireNonNull(input, "input");
      return this;
    }

    /**
     * The title directory to create. It must not exist yet (or be empty); it appears, complete, only when the
     * transcode succeeds.
     */
    public Builder output(Path output) {
      this.output = Objects.requireNonNull(output, "output");
      return this;
    }

    public Builder format(SegmentFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /** Whole seconds, a multiple of the two-second keyframe interval is best; default 6 (Apple spec 7.5). */
    public Builder segmentSeconds(int seconds) {
      if (seconds < MIN_SEGMENT_SECONDS || seconds > MAX_SEGMENT_SECONDS) {
        throw new IllegalArgumentException("segmentSeconds must be between " + MIN_SEGMENT_SECONDS + " and "
            + MAX_SEGMENT_SECONDS + ", got " + seconds);
      }
      this.segmentSeconds = seconds;
      return this;
    }

    public Builder ladder(Ladder ladder) {
      this.ladder = Objects.requireNonNull(ladder, "ladder");
      return this;
    }

    /** x264 speed preset; faster presets trade compression for time. */
    public Builder preset(String preset) {
      if (!PRESETS.contains(preset)) {
        throw new IllegalArgumentException("preset must be one of " + PRESETS + ", got '" + preset + "'");
      }
      this.preset = preset;
      return this;
    }

    public Builder listener(TranscodeListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public TranscodeJob build() {
      if (input == null) {
        throw new IllegalStateException("input is not set; call input(Path)");
      }
      if (output == null) {
        throw new IllegalStateException("output is not set; call output(Path)");
      }
      Path absoluteOutput = output.toAbsolutePath().normalize();
      if (absoluteOutput.getParent() == null) {
        throw new IllegalArgumentException("output " + output + " must have a parent directory");
      }
      if (absoluteOutput.equals(input.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("output " + output + " is the input file; choose a directory");
      }
      if (Files.isRegularFile(absoluteOutput)) {
        throw new IllegalArgumentException("output " + output + " is a file; give a directory path");
      }
      return new TranscodeJob(input, absoluteOutput, format, segmentSeconds, ladder, preset, listener);
    }
  }
}
