package io.streamkit.hls;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.protection.ContentKeyStore;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.TitleVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
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
 * Defaults: clear fMP4 segments of {@value #DEFAULT_SEGMENT_SECONDS} s, the Apple ladder ({@link Ladder#apple()}), x264
 * preset {@value #DEFAULT_PRESET}, and a storyboard (thumbnail sprite sheets with a WebVTT index in
 * {@code storyboard/}) with a tile every 2 s, or less often for a long title ({@link Builder#storyboardSeconds}).
 *
 * <p>A source without video becomes an audio-only title: each audio track packaged as for a video title (AAC-LC
 * 48 kHz stereo, plus 5.1 for a surround track; the main track only in TS), audio-only variants in the master
 * playlist, and no poster, storyboard, I-frame playlists or subtitles.
 */
public final class Transcoder {

  /** Segment duration used unless {@link Builder#segmentSeconds} says otherwise, in seconds (Apple spec 7.5). */
  public static final int DEFAULT_SEGMENT_SECONDS = 6;
  /** Shortest segment duration accepted, in seconds: at least one two-second GOP per segment. */
  public static final int MIN_SEGMENT_SECONDS = 2;
  /** Longest segment duration accepted, in seconds. */
  public static final int MAX_SEGMENT_SECONDS = 30;
  /** x264 preset used unless {@link Builder#preset} says otherwise. */
  public static final String DEFAULT_PRESET = "veryfast";
  /** The x264 speed presets {@link Builder#preset} accepts (x264's own names, unordered). */
  public static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
      "slow", "slower", "veryslow");

  /** Most subtitle files one title takes ({@link Builder#subtitles}). */
  public static final int MAX_SUBTITLE_TRACKS = 32;
  /** Longest subtitle label ({@link Builder#subtitles}), in characters: it is a menu entry. */
  public static final int MAX_SUBTITLE_LABEL_LENGTH = 64;
  /** Shortest storyboard interval accepted, in seconds. */
  public static final int MIN_STORYBOARD_SECONDS = 1;
  /** Longest storyboard interval accepted, in seconds: beyond it the thumbnails no longer help to find a scene. */
  public static final int MAX_STORYBOARD_SECONDS = 60;
  /** {@link #DEFAULT_MAX_SOURCE_DURATION} in hours, for command-line defaults. */
  public static final int DEFAULT_MAX_SOURCE_HOURS = 12;
  /**
   * The longest source a transcode takes unless {@link Builder#maxSourceDuration} says otherwise: longer than any
   * film, short of what a few kilobytes can claim (two pictures an hour apart make an hour of video, at every rung).
   */
  public static final Duration DEFAULT_MAX_SOURCE_DURATION = Duration.ofHours(DEFAULT_MAX_SOURCE_HOURS);
  /** The builder's storyboard interval until one is set: chosen from the source's duration when the job runs. */
  static final int AUTOMATIC_STORYBOARD_SECONDS = 0;

  private Transcoder() {}

  /** {@return a new builder with the defaults above; {@code input} and {@code output} must be set} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Hands the native memory that finished transcodes freed back to the operating system. The FFmpeg libraries free
   * their frame buffers into the C library's heap, which keeps them for the next transcode: a process that ran
   * transcodes keeps the resident set of its busiest one until it exits (760–850 MB after 20 1080p ladders on two
   * cores, 200–380 MB released). Call this when the process goes idle, as {@link io.streamkit.hls.ingest.IngestWorkers}
   * do when the queue is empty; not between back-to-back transcodes, which would then fault those pages in again
   * (5–10 % more wall time each; benchmarks/README.md, "Native memory handed back when a worker goes idle"). Safe
   * while transcodes run; does nothing where the C library is not glibc.
   */
  public static void releaseNativeMemory() {
    NativeHeap.release();
  }

  /**
   * Validates each value as it is set, naming the property and its limit; {@link #build()} checks that the settings
   * fit together. Not thread-safe: configure it on one thread.
   */
  public static final class Builder {
    private Path input;
    private Path output;
    private MediaStorage storage;
    private String titleKey;
    private boolean replace;
    private Path stagingDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private SegmentFormat format = SegmentFormat.FMP4;
    private int segmentSeconds = DEFAULT_SEGMENT_SECONDS;
    private Ladder ladder = Ladder.apple();
    private String preset = DEFAULT_PRESET;
    private SegmentEncryption encryption = SegmentEncryption.none();
    private ContentKeyStore keyStore;
    private String keyTitleId;
    private boolean storyboard = true;
    private int storyboardSeconds = AUTOMATIC_STORYBOARD_SECONDS;
    private TranscodeListener listener = progress -> { };
    private Duration maxSourceDuration = DEFAULT_MAX_SOURCE_DURATION;
    private final List<TranscodeJob.SidecarSubtitles> subtitles = new ArrayList<>();

    private Builder() {}

    /**
     * The source video or audio file (required). It is probed when the job runs, not here.
     *
     * @param input any file the bundled FFmpeg can demux, with a video stream or, for an audio-only title (a
     *     podcast episode, say), at least one decodable audio stream
     * @return this builder
     * @throws NullPointerException if {@code input} is null
     */
    public Builder input(Path input) {
      this.input = Objects.requireNonNull(input, "input");
      return this;
    }

    /**
     * The title directory to create (required). It must not exist yet (or be empty); it appears, complete, only when
     * the transcode succeeds, by a rename from a hidden staging directory made beside it.
     *
     * @param output directory path; its parent directories are created as needed
     * @return this builder
     * @throws NullPointerException if {@code output} is null
     */
    public Builder output(Path output) {
      this.output = Objects.requireNonNull(output, "output");
      this.storage = null;
      this.titleKey = null;
      return this;
    }

    /**
     * Publishes into a storage instead of a directory (replacing {@link #output(Path)}): the title is staged in a
     * local temporary directory and published as a new version under {@code titleKey}
     * ({@link TitleVersions}), visible only once every object is written.
     *
     * @param storage where to publish, such as an S3 bucket
     * @param titleKey the title's key, e.g. {@code titles/42}; it must not hold a published title unless
     *     {@link #replaceExisting} is set
     * @return this builder
     * @throws IllegalArgumentException if {@code titleKey} breaks the rules of {@link MediaStorage#checkKey}
     * @throws NullPointerException if an argument is null
     */
    public Builder output(MediaStorage storage, String titleKey) {
      this.storage = Objects.requireNonNull(storage, "storage");
      this.titleKey = MediaStorage.checkKey(Objects.requireNonNull(titleKey, "titleKey"));
      this.output = null;
      return this;
    }

    /**
     * For a storage output: publish a new version even when the title key already holds one (a re-transcode); the
     * old version stays readable until {@link TitleVersions#sweep} removes it.
     *
     * @param replace whether to replace a published title; default false
     * @return this builder
     */
    public Builder replaceExisting(boolean replace) {
      this.replace = replace;
      return this;
    }

    /**
     * For a storage output: the local directory the title is staged in before upload; it needs room for the whole
     * packaged title.
     *
     * @param directory a directory (created when missing); default the system's temporary directory
     * @return this builder
     * @throws NullPointerException if {@code directory} is null
     */
    public Builder stagingDirectory(Path directory) {
      this.stagingDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The segment container.
     *
     * @param format {@link SegmentFormat#FMP4} (default) or {@link SegmentFormat#TS}
     * @return this builder
     * @throws NullPointerException if {@code format} is null
     */
    public Builder format(SegmentFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * The target segment duration. Segments are cut at keyframes, which come every two seconds, so a multiple of two
     * gives equal segments; {@code EXT-X-TARGETDURATION} (RFC 8216 section 4.3.3.1) follows from the cut.
     *
     * @param seconds whole seconds, {@value Transcoder#MIN_SEGMENT_SECONDS} to
     *     {@value Transcoder#MAX_SEGMENT_SECONDS}; default {@value Transcoder#DEFAULT_SEGMENT_SECONDS} (Apple spec 7.5)
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds} is outside that range
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
     * The renditions to encode; they are fitted to the source when the job runs (no upscaling, aspect ratio kept,
     * bitrates capped by the source's), see {@link io.streamkit.abr.ladder.LadderPlanner}.
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
     * The x264 speed preset; faster presets trade compression (quality at the same bitrate) for time.
     *
     * @param preset one of {@link Transcoder#PRESETS}; default {@value Transcoder#DEFAULT_PRESET}
     * @return this builder
     * @throws IllegalArgumentException if {@code preset} is not one of {@link Transcoder#PRESETS}
     * @throws NullPointerException if {@code preset} is null
     */
    public Builder preset(String preset) {
      if (!PRESETS.contains(preset)) {
        throw new IllegalArgumentException("preset must be one of " + PRESETS + ", got '" + preset + "'");
      }
      this.preset = preset;
      return this;
    }

    /**
     * Encrypts the title's media segments. The keys come back in {@link TranscodeResult#contentKeys()} and are not
     * published with the title: its media playlists name each key {@code ../keys/<id>}, which resolves to
     * {@code <title>/keys/<id>}, so store the keys where that path is answered before the title is served. A title
     * encrypted with {@link SegmentEncryption#aes128(int)} has no I-frame playlists.
     *
     * @param encryption {@link SegmentEncryption#none()} (default), {@link SegmentEncryption#aes128(int)} or, for
     *     fMP4 only, {@link SegmentEncryption#cbcs(int)}
     * @return this builder
     * @throws NullPointerException if {@code encryption} is null
     */
    public Builder encryption(SegmentEncryption encryption) {
      this.encryption = Objects.requireNonNull(encryption, "encryption");
      return this;
    }

    /**
     * Keeps an encrypted title's keys in {@code store} under {@code titleId} before the title is published, so a
     * published title always has its keys: when they cannot be kept, the run fails and publishes nothing. The keys
     * still come back in {@link TranscodeResult#contentKeys()}.
     *
     * @param store e.g. a {@link io.streamkit.core.protection.ContentKeyFile} or a database's key store
     * @param titleId the id the title will be served under ({@code /titles/<id>/keys/...})
     * @return this builder
     * @throws NullPointerException if either is null
     */
    public Builder keys(ContentKeyStore store, String titleId) {
      this.keyStore = Objects.requireNonNull(store, "store");
      this.keyTitleId = Objects.requireNonNull(titleId, "titleId");
      return this;
    }

    /**
     * Adds a subtitle track from a SubRip ({@code .srt}) or WebVTT ({@code .vtt}) file in UTF-8. It is packaged as
     * segmented WebVTT in {@code subtitles/<language>/} and named in the master playlist
     * ({@code EXT-X-MEDIA:TYPE=SUBTITLES}), aligned with the video segments. The file is read when the job runs,
     * before anything is encoded: a broken timing line, a cue ending before it starts, a byte that is not UTF-8 or an
     * empty file fails the run with the file name and line; so does a cue starting after the end of the video, once
     * that is known. Text subtitle streams of the input itself are packaged too, without being added here.
     *
     * @param file the subtitle file; it must exist
     * @param language BCP 47 language tag (RFC 5646) such as {@code en}, {@code pt-BR} or {@code und} (unknown)
     * @param label the name players show, 1 to {@value Transcoder#MAX_SUBTITLE_LABEL_LENGTH} characters without
     *     double quotes or control characters, unique among this title's subtitle files
     * @param isDefault whether players show this track without being asked; at most one track may be the default
     * @return this builder
     * @throws IllegalArgumentException if the file does not exist, the language is not a BCP 47 tag, the label breaks
     *     the rules above, or more than {@value Transcoder#MAX_SUBTITLE_TRACKS} tracks are added
     * @throws NullPointerException if an argument is null
     */
    public Builder subtitles(Path file, String language, String label, boolean isDefault) {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(language, "language");
      Objects.requireNonNull(label, "label");
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("subtitles file " + file + " does not exist; check the path");
      }
      String tag = languageTag(language);
      subtitleLabel(label);
      if (subtitles.size() == MAX_SUBTITLE_TRACKS) {
        throw new IllegalArgumentException("at most " + MAX_SUBTITLE_TRACKS + " subtitle files per title; "
            + file + " is one too many");
      }
      for (TranscodeJob.SidecarSubtitles other : subtitles) {
        if (other.label().equals(label.strip())) {
          throw new IllegalArgumentException("subtitle label '" + label + "' is used by " + other.file()
              + " already; give each track its own label");
        }
        if (isDefault && other.isDefault()) {
          throw new IllegalArgumentException("subtitles " + file + " and " + other.file() + " are both marked"
              + " default; a title has at most one default subtitle track");
        }
      }
      subtitles.add(new TranscodeJob.SidecarSubtitles(file, tag, label.strip(), isDefault));
      return this;
    }

    /**
     * Writes the storyboard with a thumbnail every {@code seconds} instead of the automatic interval (every 2 s, but
     * at most 500 thumbnails, so a two-hour title gets one every 15 s). The storyboard is
     * {@code storyboard/storyboard.vtt}, a WebVTT file whose cues point at 256-pixel-wide tiles of JPEG sprite sheets
     * ({@code storyboard/sheet_000.jpg#xywh=x,y,w,h}, W3C Media Fragments URI 1.0 section 4.2.1), for seek-bar
     * previews.
     *
     * @param seconds whole seconds between thumbnails, {@value Transcoder#MIN_STORYBOARD_SECONDS} to
     *     {@value Transcoder#MAX_STORYBOARD_SECONDS}
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds} is outside that range
     */
    public Builder storyboardSeconds(int seconds) {
      if (seconds < MIN_STORYBOARD_SECONDS || seconds > MAX_STORYBOARD_SECONDS) {
        throw new IllegalArgumentException("storyboardSeconds must be between " + MIN_STORYBOARD_SECONDS + " and "
            + MAX_STORYBOARD_SECONDS + ", got " + seconds + "; use storyboard(false) for no storyboard");
      }
      this.storyboardSeconds = seconds;
      return this;
    }

    /**
     * Whether to write the storyboard ({@link #storyboardSeconds}).
     *
     * @param enabled false for a title without {@code storyboard/}; default true
     * @return this builder
     */
    public Builder storyboard(boolean enabled) {
      this.storyboard = enabled;
      return this;
    }

    /**
     * The longest source this transcode takes. A source that states a longer duration is refused before anything
     * is encoded; one whose pictures or sound run past it (a source that states none, or states less than it holds)
     * fails there, and nothing is published either way.
     *
     * @param maxSourceDuration positive; default {@link Transcoder#DEFAULT_MAX_SOURCE_DURATION} (12 hours)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxSourceDuration} is zero or negative
     * @throws NullPointerException if {@code maxSourceDuration} is null
     */
    public Builder maxSourceDuration(Duration maxSourceDuration) {
      Objects.requireNonNull(maxSourceDuration, "maxSourceDuration");
      if (maxSourceDuration.isNegative() || maxSourceDuration.isZero()) {
        throw new IllegalArgumentException("maxSourceDuration must be positive, got " + maxSourceDuration);
      }
      this.maxSourceDuration = maxSourceDuration;
      return this;
    }

    /**
     * Where progress reports go, on the thread that runs the job.
     *
     * @param listener receives each report; default: none
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(TranscodeListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Checks that the settings fit together and makes the job; nothing is read or written until
     * {@link TranscodeJob#run()}.
     *
     * @return a job ready to run once
     * @throws IllegalStateException if {@code input} or {@code output} is not set, {@code keys} without
     *     encryption, or {@code storyboardSeconds} with {@code storyboard(false)}
     * @throws IllegalArgumentException if {@code output} has no parent directory, is the input file, or is an existing
     *     regular file, or if {@link SegmentEncryption#cbcs(int)} is asked of a transport stream title
     */
    public TranscodeJob build() {
      if (input == null) {
        throw new IllegalStateException("input is not set; call input(Path)");
      }
      if (encryption.method() == SegmentEncryption.Method.SAMPLE_AES && format != SegmentFormat.FMP4) {
        throw new IllegalArgumentException("cbcs encryption needs fMP4 segments, not " + format
            + "; use SegmentEncryption.aes128 for a TS title, or format(SegmentFormat.FMP4)");
      }
      if (keyStore != null && encryption.method() == SegmentEncryption.Method.NONE) {
        throw new IllegalStateException("keys(...) is set but the title is not encrypted; call encryption(...) too");
      }
      if (!storyboard && storyboardSeconds != AUTOMATIC_STORYBOARD_SECONDS) {
        throw new IllegalStateException("cannot use storyboardSeconds(" + storyboardSeconds + ") together with"
            + " storyboard(false); drop one of them");
      }
      TranscodeJob.KeyDestination keys = keyStore == null ? null
          : new TranscodeJob.KeyDestination(keyStore, keyTitleId);
      if (storage != null) {
        return new TranscodeJob(input, new TitleDestination.Stored(storage, titleKey, stagingDirectory, replace),
            format, segmentSeconds, ladder, preset, encryption, keys, storyboard, storyboardSeconds, listener,
            List.copyOf(subtitles), maxSourceDuration);
      }
      if (output == null) {
        throw new IllegalStateException("output is not set; call output(Path) or output(MediaStorage, String)");
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
      return new TranscodeJob(input, new TitleDestination.Directory(absoluteOutput), format, segmentSeconds, ladder,
          preset, encryption, keys, storyboard, storyboardSeconds, listener, List.copyOf(subtitles),
          maxSourceDuration);
    }
  }

  /**
   * Checks a subtitle label: 1 to {@value #MAX_SUBTITLE_LABEL_LENGTH} characters without double quotes or control
   * characters, since it becomes an RFC 8216 section 4.2 quoted-string; returns it stripped.
   */
  static String subtitleLabel(String label) {
    if (label.isBlank() || label.length() > MAX_SUBTITLE_LABEL_LENGTH
        || label.chars().anyMatch(c -> c == '"' || Character.isISOControl(c))) {
      throw new IllegalArgumentException("subtitle label must be 1 to " + MAX_SUBTITLE_LABEL_LENGTH
          + " characters without double quotes or control characters (RFC 8216 section 4.2 quoted-string), got '"
          + label + "'");
    }
    return label.strip();
  }

  /**
   * Checks a BCP 47 language tag (RFC 5646): well-formed, with an ISO 639 primary language of two or three letters
   * (or {@code und}); returns it in canonical case, e.g. {@code pt-BR}.
   */
  static String languageTag(String language) {
    try {
      Locale locale = new Locale.Builder().setLanguageTag(language).build();
      if (!language.split("-", 2)[0].matches("[A-Za-z]{2,3}")) {
        throw new IllformedLocaleException("primary language must have 2 or 3 letters");
      }
      return locale.toLanguageTag();
    } catch (IllformedLocaleException e) {
      throw new IllegalArgumentException("subtitle language must be a BCP 47 tag such as en, pt-BR or und,"
          + " got '" + language + "'");
    }
  }
}
