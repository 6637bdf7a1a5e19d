package io.streamkit.abr.ladder;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An authored bitrate ladder: rungs ordered from the largest picture to the smallest. Presets:
 *
 * <ul>
 *   <li>{@link #apple()} ({@code apple}, the default) follows the H.264 ladder of Apple's HLS Authoring Specification
 *       (section 1.3 / appendix "Video average bit rate"), keeping one rung per resolution tier: 1080p 6000k, 720p
 *       3000k, 540p 2000k, 432p 1100k, 360p 730k, 234p 145k;
 *   <li>{@link #bench()} ({@code bench}) is the five-rung 1080/720/480/360/240 ladder the transcode benchmark uses;
 *   <li>{@link #small()} ({@code small}) is a two-rung 360p/180p ladder for previews and quick tests;
 *   <li>{@link #perTitle(Ladder)} ({@code auto}: the Apple ladder's) asks the transcoder to choose each rung's size
 *       and bitrate for the title from trial encodes of a few of its scenes, with these rungs as the candidates.
 * </ul>
 *
 * <p>A ladder file is UTF-8 text (a leading byte order mark, as Windows editors write, is skipped) with one rung per
 * line, {@code SHORT_SIDE KBPS [MAX_FPS]}, e.g. {@code 720 3000 60}; a {@code #} starts a comment to the end of its
 * line, and blank lines are ignored.
 *
 * <p>Immutable and thread-safe.
 */
public final class Ladder {

  /** U+FEFF, which Windows editors put at the start of a UTF-8 file. */
  private static final String BYTE_ORDER_MARK = "\uFEFF";

  /** The most rungs a ladder may have. */
  public static final int MAX_RUNGS = 12;

  private final String name;
  private final List<Rung> rungs;
  private final boolean perTitle;

  /**
   * A ladder of the given rungs, sorted largest first (by short side, then bitrate).
   *
   * @param name the ladder's name, for messages and logs
   * @param rungs 1 to {@link #MAX_RUNGS} rungs in any order, names unique
   * @throws IllegalArgumentException if there are no rungs, too many, or two share a name
   */
  public Ladder(String name, List<Rung> rungs) {
    this(name, rungs, false);
  }

  private Ladder(String name, List<Rung> rungs, boolean perTitle) {
    if (rungs == null || rungs.isEmpty()) {
      throw new IllegalArgumentException("ladder " + name + " has no rungs; give at least one");
    }
    if (rungs.size() > MAX_RUNGS) {
      throw new IllegalArgumentException("ladder " + name + " has " + rungs.size() + " rungs; at most " + MAX_RUNGS
          + " are allowed");
    }
    Set<String> names = new HashSet<>();
    for (Rung rung : rungs) {
      if (!names.add(rung.name())) {
        throw new IllegalArgumentException("ladder " + name + " has two rungs named " + rung.name());
      }
    }
    this.name = name;
    this.rungs = rungs.stream()
        .sorted(Comparator.comparingInt(Rung::shortSide).thenComparingLong(Rung::videoBitrate).reversed())
        .toList();
    this.perTitle = perTitle;
  }

  /**
   * {@return a per-title ladder: the transcoder probes each title and picks, for each of {@code candidates}' rungs,
   * the size and bitrate that reach that rung's quality with the fewest bits} The rungs are the candidates; where
   * no title can be probed (live streams, very short sources) they are used as they are.
   *
   * @param candidates the rungs to start from; its name, prefixed with {@code auto-}, names the ladder (just
   *     {@code auto} for the Apple ladder)
   */
  public static Ladder perTitle(Ladder candidates) {
    if (candidates.perTitle) {
      return candidates;
    }
    String name = candidates.name.equals("apple") ? "auto" : "auto-" + candidates.name;
    return new Ladder(name, candidates.rungs, true);
  }

  /** {@return the default preset, after Apple's HLS Authoring Specification: 1080p 6000k down to 234p 145k} */
  public static Ladder apple() {
    return new Ladder("apple", List.of(
        Rung.of(1080, 6000), Rung.of(720, 3000), Rung.of(540, 2000), Rung.of(432, 1100), Rung.of(360, 730),
        Rung.of(234, 145)));
  }

  /** {@return the transcode benchmark's five rungs: 1080p 5000k, 720p 2800k, 480p 1400k, 360p 800k, 240p 400k} */
  public static Ladder bench() {
    return new Ladder("bench", List.of(
        Rung.of(1080, 5000), Rung.of(720, 2800), Rung.of(480, 1400), Rung.of(360, 800), Rung.of(240, 400)));
  }

  /** {@return two rungs for previews and quick tests: 360p 800k and 180p 250k} */
  public static Ladder small() {
    return new Ladder("small", List.of(Rung.of(360, 800), Rung.of(180, 250)));
  }

  /** The names {@link #preset} knows, as they are written: the built-in ladders and {@code auto}. */
  public static final List<String> PRESET_NAMES = List.of("apple", "bench", "small", "auto");

  /**
   * {@return the preset of that name, in any case ({@code apple}, {@code bench}, {@code small}, {@code auto} for
   * {@link #perTitle} of the Apple ladder), or empty for any other name} Never reads a file: this is what a caller
   * naming a ladder over the network may choose from.
   *
   * @param name a preset name
   */
  public static Optional<Ladder> preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "apple" -> Optional.of(apple());
      case "bench" -> Optional.of(bench());
      case "small" -> Optional.of(small());
      case "auto" -> Optional.of(perTitle(apple()));
      default -> Optional.empty();
    };
  }

  /**
   * {@return a {@link #preset} by name, in any case, or else the ladder file at that path}
   *
   * @param nameOrFile a preset name or a path
   * @throws IllegalArgumentException if it is neither a preset nor a regular file, or the file is malformed
   */
  public static Ladder named(String nameOrFile) {
    return preset(nameOrFile).orElseGet(() -> {
      Path file = Path.of(nameOrFile);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("ladder '" + nameOrFile
            + "' is neither a preset (" + String.join(", ", PRESET_NAMES) + ") nor a readable file");
      }
      return parse(file);
    });
  }

  /**
   * Reads a ladder file ({@code SHORT_SIDE KBPS [MAX_FPS]} per line). Rungs are named {@code <SHORT_SIDE>p}, with
   * {@code -<KBPS>k} appended when two share a short side; without {@code MAX_FPS} the cap is 30 fps up to
   * {@value Rung#SMALL_RUNG_SHORT_SIDE}p and 60 above.
   *
   * @param file the ladder file; its file name becomes the ladder's name
   * @return the ladder
   * @throws IllegalArgumentException if the file cannot be read, or naming the line and the format when a line is
   *     malformed or a rung out of range
   */
  public static Ladder parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("ladder file " + file + " is not UTF-8 text; save it as UTF-8", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read ladder file " + file + ": " + e.getMessage(), e);
    }
    List<Rung> rungs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i == 0 && line.startsWith(BYTE_ORDER_MARK)) {
        line = line.substring(1);
      }
      line = line.strip();
      int comment = line.indexOf('#');
      String[] fields = (comment < 0 ? line : line.substring(0, comment)).strip().split("\\s+");
      if (fields[0].isEmpty()) {
        continue;
      }
      try {
        if (fields.length < 2 || fields.length > 3) {
          throw new IllegalArgumentException("expected SHORT_SIDE KBPS [MAX_FPS]");
        }
        int shortSide = wholeNumber("SHORT_SIDE", fields[0]);
        int kbps = wholeNumber("KBPS", fields[1]);
        Rung rung = Rung.of(shortSide, kbps);
        String rungName = names.contains(rung.name()) ? rung.name() + "-" + kbps + "k" : rung.name();
        double maxFps = fields.length == 3 ? number("MAX_FPS", fields[2]) : rung.maxFrameRate();
        rung = new Rung(rungName, shortSide, rung.videoBitrate(), maxFps);
        names.add(rungName);
        rungs.add(rung);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("ladder file " + file + " line " + (i + 1) + " '" + line + "': "
            + e.getMessage() + " (format: SHORT_SIDE KBPS [MAX_FPS], e.g. '720 3000 60')", e);
      }
    }
    return new Ladder(file.getFileName().toString(), rungs);
  }

  private static int wholeNumber(String field, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " '" + text + "' is not a whole number");
    }
  }

  private static double number(String field, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " '" + text + "' is not a number");
    }
  }

  /** {@return the ladder's name, e.g. {@code apple}, or a ladder file's file name} */
  public String name() {
    return name;
  }

  /** {@return the rungs, largest picture first, unmodifiable; a per-title ladder's candidates} */
  public List<Rung> rungs() {
    return rungs;
  }

  /** {@return whether each title gets its own sizes and bitrates from these rungs ({@link #perTitle})} */
  public boolean isPerTitle() {
    return perTitle;
  }

  @Override
  public String toString() {
    return "Ladder[" + name + (perTitle ? ", per title from " : ", ") + rungs + "]";
  }
}
