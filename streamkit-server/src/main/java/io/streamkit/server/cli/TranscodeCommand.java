package io.streamkit.server.cli;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.protection.ContentKeyFile;
import io.streamkit.hls.SegmentEncryption;
import io.streamkit.hls.SegmentFormat;
import io.streamkit.hls.TranscodeJob;
import io.streamkit.hls.TranscodeProgress;
import io.streamkit.hls.TranscodeResult;
import io.streamkit.hls.Transcoder;
import io.streamkit.storage.s3.S3Storage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamkit transcode INPUT --out DIR}: one source file to one HLS title directory ({@code DIR/master.m3u8}),
 * with a progress bar on a terminal and a one-line summary. {@code --out s3://BUCKET/KEY} publishes the title to S3
 * instead, as a new version under {@code KEY} (see {@link io.streamkit.core.storage.TitleVersions}).
 */
@Command(
    name = "transcode",
    mixinStandardHelpOptions = true,
    description = "Transcode a video file into an adaptive-bitrate HLS title (DIR/master.m3u8), or an audio file"
        + " into an audio-only one.")
final class TranscodeCommand implements Callable<Integer> {

  static final int BAR_WIDTH = 30;
  static final String S3_SCHEME = "s3://";
  /** The largest {@code --max-source-hours}: six weeks. */
  static final int MAX_SOURCE_HOURS = 1000;

  enum Format {
    fmp4(SegmentFormat.FMP4),
    ts(SegmentFormat.TS);

    final SegmentFormat segmentFormat;

    Format(SegmentFormat segmentFormat) {
      this.segmentFormat = segmentFormat;
    }
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "INPUT", description = "Source video or audio file.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "DIR|s3://BUCKET/KEY",
      description = "Title directory to create (must not exist or be empty), or an S3 location such as"
          + " s3://media/titles/42 that must not hold a title yet.")
  String out;

  @CommandLine.Mixin S3Options s3;

  @Option(names = "--format", paramLabel = "fmp4|ts", defaultValue = "fmp4",
      description = "Segment format (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--segment-seconds", paramLabel = "N", defaultValue = "" + Transcoder.DEFAULT_SEGMENT_SECONDS,
      description = "Segment duration in seconds (default: ${DEFAULT-VALUE}).")
  int segmentSeconds;

  @Option(names = "--ladder", paramLabel = "NAME|FILE", defaultValue = "apple",
      description = "Ladder preset (apple, bench, small), auto (the apple ladder's sizes and bitrates chosen per title"
          + " from trial encodes of a few scenes) or a file of 'SHORT_SIDE KBPS [MAX_FPS]' lines"
          + " (default: ${DEFAULT-VALUE}).")
  String ladder;

  @Option(names = "--preset", paramLabel = "X264_PRESET", defaultValue = Transcoder.DEFAULT_PRESET,
      description = "x264 preset (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--encrypt", paramLabel = "none|aes-128|cbcs", defaultValue = "none",
      description = "Encrypt every media segment: aes-128 (HLS METHOD=AES-128, whole segments, any player) or cbcs"
          + " (CMAF sample encryption, METHOD=SAMPLE-AES, fMP4 only, for DRM players). The keys go to --key-file,"
          + " never into the title (default: ${DEFAULT-VALUE}).")
  String encrypt;

  @Option(names = "--key-rotation-segments", paramLabel = "N", defaultValue = "0",
      description = "With --encrypt: a new key every N segments; 0 (default) keeps one key for the whole title.")
  int keyRotationSegments;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "With --encrypt: the key file to append the title's keys to, outside the title directory"
          + " (default: DIR.keys beside the title directory; required for an s3:// output). Point"
          + " 'streamkit serve --key-file' at it.")
  Path keyFile;

  @Option(names = "--subtitles", paramLabel = "FILE[:LANG]",
      description = "Add a SubRip (.srt) or WebVTT (.vtt) file in UTF-8 as a subtitle track; repeatable. LANG is a"
          + " BCP 47 tag such as en or pt-BR (default: from a name like movie.en.srt, else und). Text subtitle"
          + " streams of INPUT are added without this option.")
  List<String> subtitles = new ArrayList<>();

  @Option(names = "--storyboard-interval", paramLabel = "auto|off|SECONDS", defaultValue = "auto",
      description = "Seconds between storyboard thumbnails (storyboard/storyboard.vtt with JPEG sprite sheets, for"
          + " seek-bar previews), " + Transcoder.MIN_STORYBOARD_SECONDS + " to " + Transcoder.MAX_STORYBOARD_SECONDS
          + "; auto: every 2 s, less often for titles over 1000 s; off: no storyboard (default: ${DEFAULT-VALUE}).")
  String storyboardInterval;

  @Option(names = "--max-source-hours", paramLabel = "HOURS",
      defaultValue = "" + Transcoder.DEFAULT_MAX_SOURCE_HOURS,
      description = "Refuse a source longer than this, before encoding or where it runs past it (default:"
          + " ${DEFAULT-VALUE}).")
  double maxSourceHours;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    boolean terminal = System.console() != null;
    Transcoder.Builder builder = Transcoder.builder().input(input);
    addSubtitles(builder);
    storyboard(builder);
    ContentKeyFile keys = encryption(builder);
    if (out.startsWith(S3_SCHEME)) {
      return transcodeToS3(builder, keys, err, terminal);
    }
    builder.output(Path.of(out));
    return run(builder, keys, Path.of(out).getFileName().toString(), err, terminal);
  }

  /**
   * Each {@code --subtitles FILE[:LANG]}: the text after the last colon is the language when it is a BCP 47 tag (a
   * path may hold colons too), else a second extension such as {@code movie.pt-BR.srt} names it. The label is the
   * language's English name, numbered when two tracks share it; no track is the default, so players choose by the
   * viewer's language ({@code AUTOSELECT=YES}).
   */
  private void addSubtitles(Transcoder.Builder builder) {
    Set<String> labels = new HashSet<>();
    for (String value : subtitles) {
      int colon = value.lastIndexOf(':');
      String file = value;
      String language = null;
      if (colon > 0 && isLanguageTag(value.substring(colon + 1))) {
        file = value.substring(0, colon);
        language = value.substring(colon + 1);
      } else {
        String name = Path.of(value).getFileName().toString();
        String[] parts = name.split("\\.");
        language = parts.length >= 3 && isLanguageTag(parts[parts.length - 2]) ? parts[parts.length - 2] : "und";
      }
      String english = Locale.forLanguageTag(language).getDisplayName(Locale.ENGLISH);
      String label = english.isEmpty() || language.equals("und") ? "Subtitles" : english;
      String unique = label;
      for (int n = 2; !labels.add(unique); n++) {
        unique = label + " (" + n + ")";
      }
      try {
        builder.subtitles(Path.of(file), language, unique, false);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--subtitles " + value + ": " + e.getMessage());
      }
    }
  }

  /** {@return an option's hours as a duration} Shared with {@code serve}, which limits uploads the same way. */
  static Duration sourceHours(String option, double hours) {
    if (!(hours * 3600 >= 1) || hours > MAX_SOURCE_HOURS) {
      throw new IllegalArgumentException(option + " must be between 1 second (0.0003) and " + MAX_SOURCE_HOURS
          + " hours, got " + hours);
    }
    return Duration.ofMillis(Math.round(hours * 3_600_000));
  }

  /** Sets the storyboard {@code --storyboard-interval} asks for. */
  private void storyboard(Transcoder.Builder builder) {
    switch (storyboardInterval) {
      case "auto" -> { }
      case "off" -> builder.storyboard(false);
      default -> {
        try {
          builder.storyboardSeconds(Integer.parseInt(storyboardInterval));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--storyboard-interval must be auto, off or"
              + " whole seconds from " + Transcoder.MIN_STORYBOARD_SECONDS + " to " + Transcoder.MAX_STORYBOARD_SECONDS
              + ", got '" + storyboardInterval + "'");
        }
      }
    }
  }

  private static boolean isLanguageTag(String text) {
    try {
      new Locale.Builder().setLanguageTag(text);
      return text.split("-", 2)[0].matches("[A-Za-z]{2,3}");
    } catch (java.util.IllformedLocaleException e) {
      return false;
    }
  }

  /** Sets the encryption {@code --encrypt} asks for; returns where its keys go, or null for a clear title. */
  private ContentKeyFile encryption(Transcoder.Builder builder) {
    SegmentEncryption encryption;
    try {
      encryption = EncryptionOptions.segmentEncryption(encrypt, keyRotationSegments);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!encryption.encrypts()) {
      for (String option : new String[] {"--key-rotation-segments", "--key-file"}) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new CommandLine.ParameterException(spec.commandLine(), option + " needs --encrypt aes-128 or cbcs;"
              + " add it, or leave " + option + " out for a clear title");
        }
      }
      return null;
    }
    if (encrypt.equals("cbcs") && format == Format.ts) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--encrypt cbcs needs fMP4 segments; drop"
          + " --format ts, or use --encrypt aes-128 for a TS title");
    }
    builder.encryption(encryption);
    Path file = keyFile;
    if (file == null) {
      if (out.startsWith(S3_SCHEME)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--encrypt with an s3:// output needs"
            + " --key-file FILE, where the title's keys are kept apart from the bucket");
      }
      Path title = Path.of(out).toAbsolutePath().normalize();
      file = title.resolveSibling(title.getFileName() + ".keys");
    }
    Path title = out.startsWith(S3_SCHEME) ? null : Path.of(out).toAbsolutePath().normalize();
    if (title != null && file.toAbsolutePath().normalize().startsWith(title)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--key-file " + file + " lies inside the title"
          + " directory, where it would be served and copied with the media; put it outside " + title);
    }
    return ContentKeyFile.at(file);
  }

  /** The bucket is the location's first segment; the rest is the title's key (no storage prefix). */
  private Integer transcodeToS3(Transcoder.Builder builder, ContentKeyFile keys, PrintWriter err, boolean terminal) {
    String rest = out.substring(S3_SCHEME.length());
    int slash = rest.indexOf('/');
    String key = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
    if (key.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " names no key for the title;"
          + " give s3://BUCKET/KEY, e.g. s3://media/titles/42");
    }
    try (S3Storage storage = s3.storage(S3_SCHEME + rest.substring(0, slash))) {
      builder.output(storage, key);
      return run(builder, keys, key.substring(key.lastIndexOf('/') + 1), err, terminal);
    }
  }

  /** Runs the transcode; an encrypted title's keys go to {@code keys} under {@code titleId} before it is published. */
  private Integer run(Transcoder.Builder builder, ContentKeyFile keys, String titleId, PrintWriter err,
      boolean terminal) {
    if (keys != null) {
      builder.keys(keys, titleId);
    }
    TranscodeJob job = builder
        .format(format.segmentFormat)
        .segmentSeconds(segmentSeconds)
        .ladder(Ladder.named(ladder))
        .preset(preset)
        .maxSourceDuration(sourceHours("--max-source-hours", maxSourceHours))
        .listener(progress -> {
          if (terminal) {
            err.print("\r" + bar(progress));
            err.flush();
          }
        })
        .build();
    TranscodeResult result = job.run();
    if (terminal) {
      err.println();
    }
    spec.commandLine().getOut().println(summary(result));
    if (result.dashManifest() != null) {
      spec.commandLine().getOut().println("DASH manifest: " + result.dashManifest());
    }
    if (keys != null) {
      spec.commandLine().getOut().println(result.contentKeys().size() + " content key"
          + (result.contentKeys().size() == 1 ? "" : "s") + " of title '" + titleId + "' in " + keys.file()
          + "; serve it with: streamkit serve --key-file " + keys.file());
    }
    return 0;
  }

  static String bar(TranscodeProgress progress) {
    int filled = (int) Math.round(progress.percent() / 100 * BAR_WIDTH);
    return String.format(Locale.ROOT, "[%s%s] %5.1f%%  %6.1f fps  %5.2fx", "#".repeat(filled),
        ".".repeat(BAR_WIDTH - filled), progress.percent(), progress.framesPerSecond(), progress.speed());
  }

  static String summary(TranscodeResult result) {
    if (result.audioOnly()) {
      String variants = result.renditions().stream()
          .map(r -> String.format(Locale.ROOT, "%s@%.0fk", r.name(), r.peakBandwidth() / 1e3))
          .collect(Collectors.joining(" "));
      return String.format(Locale.ROOT, "%s: audio-only, %d AAC variant%s (%s), %.1f s of media in %.1f s (%.2fx)",
          result.masterPlaylist(), result.renditions().size(), result.renditions().size() == 1 ? "" : "s", variants,
          result.durationSeconds(), result.wallSeconds(), result.speed());
    }
    String renditions = result.renditions().stream()
        .map(r -> String.format(Locale.ROOT, "%dx%d@%.1fM", r.width(), r.height(), r.peakBandwidth() / 1e6))
        .collect(Collectors.joining(" "));
    return String.format(Locale.ROOT, "%s: %d rendition%s (%s)%s, %.1f s of media in %.1f s (%.2fx)",
        result.masterPlaylist(), result.renditions().size(), result.renditions().size() == 1 ? "" : "s", renditions,
        result.hasAudio() ? " + AAC stereo" : "",
        result.durationSeconds(), result.wallSeconds(), result.speed());
  }
}
