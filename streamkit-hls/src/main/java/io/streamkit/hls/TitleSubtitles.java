package io.streamkit.hls;

import io.streamkit.core.storage.TitleVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds subtitle tracks to a title that is already packaged in a directory, lists them and removes them, the way the
 * transcoder packages a sidecar file ({@link Transcoder.Builder#subtitles}): segmented WebVTT in
 * {@code subtitles/<language>/}, aligned with the top video rendition's segments, and one {@code EXT-X-MEDIA} line of
 * the subtitle group in {@code master.m3u8}.
 *
 * <p>RFC 8216 section 4.3.4.1: the members of the group have different {@code NAME}s and at most one has
 * {@code DEFAULT=YES}, so a label already taken is refused and a new default track takes the mark from the old one.
 * Section 4.3.4.2: every {@code EXT-X-STREAM-INF} names the group ({@code SUBTITLES="subs"}) while it has a member,
 * and none does once the last track is removed, since a variant must not name an empty group.
 *
 * <p>A reader never sees half an edit: a new track's files are written in a hidden directory inside the title and
 * renamed into place before the master names them; the master is replaced by renaming a complete copy over it
 * (rename within a directory is atomic on POSIX file systems); a removed track's files go only after the master no
 * longer names them. Its modified time always moves forward, so a cache keyed by modified time and size, such as the
 * origin's, never keeps the old master. Any refusal leaves the title exactly as it was. Edits are serialised within
 * this process; a title is edited by one process at a time.
 *
 * <p>A title kept in a storage ({@link TitleVersions}) is never changed in place: the same edit runs on a staging
 * directory that holds only the files it reads from the version the title shows (the master playlist, the DASH
 * manifest, the top video rendition's playlist and first segment, an existing track's first cue segment), and the
 * result becomes a new version ({@link TitleVersions#publishChange}) whose other objects are copied inside the
 * storage, the pointer switched last; so a viewer sees the old track set or the new one, each complete. An edit made
 * from a version another process has replaced meanwhile is refused rather than allowed to drop that change.
 *
 * <p>The cues are timed like the transcoder's: the {@code X-TIMESTAMP-MAP} of every segment names the title's first
 * video frame (RFC 8216 section 3.5), read from a subtitle track the title already has or else from the top video
 * rendition's first segment. A title encrypted whole-segment with AES-128 and without subtitles cannot be read that
 * way, and takes its subtitles at transcode time.
 */
public final class TitleSubtitles {

  /** Largest subtitle file taken, in bytes: a feature film's SubRip file is about 100 KB. */
  public static final int MAX_FILE_BYTES = 4 << 20;

  /** The subtitle file formats read ({@link SubtitleReader}). */
  public enum Format {
    /** SubRip, {@code .srt}, {@code application/x-subrip}. */
    SUBRIP(".srt"),
    /** WebVTT, {@code .vtt}, {@code text/vtt}. */
    WEBVTT(".vtt");

    private final String extension;

    Format(String extension) {
      this.extension = extension;
    }
  }

  /**
   * A subtitle track of a title, as its master playlist names it.
   *
   * @param language the BCP 47 language tag ({@code LANGUAGE})
   * @param label the name players show ({@code NAME})
   * @param isDefault whether players show it without being asked ({@code DEFAULT=YES})
   * @param uri its media playlist, relative to the title, e.g. {@code subtitles/en/index.m3u8}
   */
  public record Track(String language, String label, boolean isDefault, String uri) {

    /** The track's directory under {@code subtitles/}, which names it for {@link #remove}. */
    String directory() {
      String[] parts = uri.split("/");
      return parts.length == 3 ? parts[1] : uri;
    }
  }

  private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");
  private static final Pattern SUBTITLE_GROUP_ATTRIBUTE = Pattern.compile(",SUBTITLES=\"[^\"]*\"");
  private static final Pattern TIMESTAMP_MAP = Pattern.compile("X-TIMESTAMP-MAP=MPEGTS:(\\d+)");
  private static final String MEDIA = "#EXT-X-MEDIA:";
  private static final String STREAM_INF = "#EXT-X-STREAM-INF:";
  private static final Object EDITS = new Object();

  private TitleSubtitles() {}

  /**
   * The subtitle tracks the title's master playlist names, in its order.
   *
   * @param title the title directory, holding {@code master.m3u8}
   * @return the tracks, empty when it has none
   * @throws IllegalStateException if the directory holds no packaged title
   * @throws UncheckedIOException if the master playlist cannot be read
   */
  public static List<Track> list(Path title) {
    return tracks(readMaster(TitleFiles.in(title)));
  }

  /**
   * The subtitle tracks of a title kept in a storage, as the master playlist of the version it shows now names them.
   *
   * @param versions the storage's titles
   * @param title the title's key, e.g. {@code titles/42}
   * @return the tracks, empty when it has none
   * @throws IllegalStateException if the title is not published in the storage
   * @throws io.streamkit.core.storage.StorageException if the storage fails
   */
  public static List<Track> list(TitleVersions versions, String title) {
    return onStagedVersion(versions, title, (files, version) -> tracks(readMaster(files)));
  }

  /**
   * Packages a subtitle file as a new track of the title and names it in the master playlist.
   *
   * @param title the title directory, holding {@code master.m3u8} and its renditions
   * @param file the subtitle file's bytes, UTF-8, at most {@link #MAX_FILE_BYTES}
   * @param format how to read it; a file starting with {@code WEBVTT} is read as WebVTT either way
   * @param language BCP 47 language tag such as {@code en} or {@code pt-BR}; the title may have one track per language
   * @param label the name players show, 1 to {@value Transcoder#MAX_SUBTITLE_LABEL_LENGTH} characters without double
   *     quotes or control characters, not used by another of the title's tracks
   * @param isDefault whether players show it without being asked; the title's previous default track loses the mark
   * @return the new track
   * @throws IllegalArgumentException if the language, label or size breaks the rules above
   * @throws TranscodeException with one line naming the line to fix when the file is not UTF-8, has no cue or a
   *     broken one, or a cue starts after the end of the video
   * @throws IllegalStateException if the directory holds no packaged title, the title is audio-only (audio-only
   *     titles carry no subtitles), already has a track in that language or with that label, has
   *     {@value Transcoder#MAX_SUBTITLE_TRACKS} tracks, or is encrypted whole-segment without subtitles to time the new
   *     ones against
   * @throws UncheckedIOException if writing fails; the title is then as it was
   */
  public static Track add(Path title, byte[] file, Format format, String language, String label,
      boolean isDefault) {
    return add(TitleFiles.in(Objects.requireNonNull(title, "title")), file, format, language, label, isDefault);
  }

  /**
   * As {@link #add(Path, byte[], Format, String, String, boolean)}, for a title kept in a storage: the edit runs on a
   * staging copy of the few files it reads from the version the title shows now, and its result is published as a
   * new version ({@link TitleVersions#publishChange}): the new track's files and the rewritten playlists uploaded,
   * every other object copied inside the storage, the title pointed at it last.
   *
   * @param versions the storage's titles
   * @param title the title's key, e.g. {@code titles/42}
   * @param file the subtitle file's bytes
   * @param format how to read it
   * @param language BCP 47 language tag
   * @param label the name players show
   * @param isDefault whether players show it without being asked
   * @return the new track
   * @throws IllegalArgumentException as for a title directory
   * @throws TranscodeException as for a title directory
   * @throws IllegalStateException as for a title directory, when the title is not published in the storage, or when
   *     it got a new version while this one was made; the title then shows what it showed
   * @throws io.streamkit.core.storage.StorageException if the storage fails; the title then shows what it showed
   */
  public static Track add(TitleVersions versions, String title, byte[] file, Format format, String language,
      String label, boolean isDefault) {
    synchronized (EDITS) {
      return onStagedVersion(versions, title, (files, version) -> {
        Track track = add(files, file, format, language, label, isDefault);
        List<String> changed = new ArrayList<>(playlists(files));
        changed.add(SubtitlePackager.DIRECTORY + "/" + track.directory());
        versions.publishChange(title, version, files.directory(), changed, List.of());
        return track;
      });
    }
  }

  private static Track add(TitleFiles files, byte[] file, Format format, String language, String label,
      boolean isDefault) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    String tag = Transcoder.languageTag(Objects.requireNonNull(language, "language"));
    String name = Transcoder.subtitleLabel(Objects.requireNonNull(label, "label"));
    if (file.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException("the subtitle file is " + file.length + " bytes, more than the "
          + MAX_FILE_BYTES + " taken; split it or remove styling");
    }
    List<SubtitleCue> cues = SubtitleReader.parse(tag + format.extension, file);
    synchronized (EDITS) {
      Path title = files.directory();
      List<String> master = readMaster(files);
      List<Track> tracks = tracks(master);
      for (Track track : tracks) {
        if (track.language().equalsIgnoreCase(tag) || track.directory().equalsIgnoreCase(tag)) {
          throw new IllegalStateException("the title already has a subtitle track in " + tag + " (" + track.uri()
              + "); remove it first to replace it");
        }
        if (track.label().equals(name)) {
          throw new IllegalStateException("the title's " + track.language() + " subtitle track is labelled '"
              + name + "' already; give each track its own label");
        }
      }
      if (tracks.size() >= Transcoder.MAX_SUBTITLE_TRACKS) {
        throw new IllegalStateException("the title has " + tracks.size() + " subtitle tracks, the most it takes;"
            + " remove one first");
      }
      String videoUri = topVideoUri(master);
      MediaPlaylist video = files.playlist(videoUri);
      long mpegTs = firstFrameTimestamp(files, tracks, videoUri, video);
      Path staging = null;
      Path directory = title.resolve(SubtitlePackager.DIRECTORY).resolve(tag);
      boolean placed = false;
      try {
        staging = Files.createTempDirectory(title, ".subtitles-");
        // A title with a DASH manifest gets the whole-title WebVTT file its text AdaptationSet names.
        boolean dash = Files.isRegularFile(files.need(DashManifest.MANIFEST));
        SubtitlePackager.Rendition rendition = SubtitlePackager.write(staging,
            List.of(new SubtitleTrack(tag + format.extension, tag, name, isDefault, cues, true)), video, mpegTs,
            dash ? OptionalLong.of(DashManifest.periodStart(title)) : OptionalLong.empty()).get(0);
        // Left by an edit that crashed before its master was written: no master names it.
        TitleDestination.deleteRecursively(directory);
        Files.createDirectories(directory.getParent());
        Files.move(staging.resolve(SubtitlePackager.DIRECTORY).resolve(tag), directory,
            StandardCopyOption.ATOMIC_MOVE);
        placed = true;
        if (dash) {
          DashManifest.addText(title, rendition);
        }
        try {
          writeMaster(title, withSubtitleMedia(master, TitlePackager.subtitleMedia(rendition), null));
        } catch (RuntimeException e) {
          if (dash) {
            DashManifest.removeText(title, rendition.wholeTitleUri());
          }
          throw e;
        }
        return new Track(tag, name, isDefault, rendition.uri());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot add subtitles to " + title + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        if (placed) {
          TitleDestination.deleteRecursively(directory);
        }
        throw e;
      } finally {
        if (staging != null) {
          TitleDestination.deleteRecursively(staging);
        }
      }
    }
  }

  /**
   * Removes a subtitle track: the master playlist stops naming it, then its files are deleted.
   *
   * @param title the title directory
   * @param language the track's language, or the directory in its URI ({@code en-2} for a second English track the
   *     transcoder packaged)
   * @return the removed track, or {@code null} when the title has none by that name
   * @throws IllegalStateException if the directory holds no packaged title
   * @throws UncheckedIOException if the master playlist cannot be rewritten; the title is then as it was
   */
  public static Track remove(Path title, String language) {
    return remove(TitleFiles.in(Objects.requireNonNull(title, "title")), language);
  }

  /**
   * As {@link #remove(Path, String)}, for a title kept in a storage: published as a new version
   * ({@link TitleVersions#publishChange}) without the track's files, with the rewritten playlists, every other object
   * copied inside the storage.
   *
   * @param versions the storage's titles
   * @param title the title's key, e.g. {@code titles/42}
   * @param language the track's language, or the directory in its URI
   * @return the removed track, or {@code null} when the title has none by that name
   * @throws IllegalStateException if the title is not published in the storage, or got a new version while this one
   *     was made; the title then shows what it showed
   * @throws io.streamkit.core.storage.StorageException if the storage fails; the title then shows what it showed
   */
  public static Track remove(TitleVersions versions, String title, String language) {
    synchronized (EDITS) {
      return onStagedVersion(versions, title, (files, version) -> {
        Track removed = remove(files, language);
        if (removed != null) {
          String uri = removed.uri();
          versions.publishChange(title, version, files.directory(), playlists(files),
              List.of(uri.contains("/") ? uri.substring(0, uri.lastIndexOf('/')) : uri));
        }
        return removed;
      });
    }
  }

  private static Track remove(TitleFiles files, String language) {
    Objects.requireNonNull(language, "language");
    synchronized (EDITS) {
      Path title = files.directory();
      List<String> master = readMaster(files);
      Track removed = tracks(master).stream().filter(t -> t.directory().equalsIgnoreCase(language)).findFirst()
          .orElse(null);
      if (removed == null) {
        return null;
      }
      writeMaster(title, withSubtitleMedia(master, null, removed));
      if (Files.isRegularFile(files.need(DashManifest.MANIFEST))) {
        try {
          DashManifest.removeText(title, SubtitlePackager.DIRECTORY + "/" + removed.directory() + "/"
              + SubtitlePackager.WHOLE_TITLE);
        } catch (RuntimeException e) {
          writeMaster(title, master);
          throw e;
        }
      }
      TitleDestination.deleteRecursively(title.resolve(SubtitlePackager.DIRECTORY).resolve(removed.directory()));
      return removed;
    }
  }

  /** Work on a staging copy of the version a stored title shows. */
  private interface StagedWork<T> {
    T apply(TitleFiles staged, String version);
  }

  /** Runs {@code work} on a staging directory that fetches the files it asks for from the title's current version. */
  private static <T> T onStagedVersion(TitleVersions versions, String title, StagedWork<T> work) {
    Objects.requireNonNull(versions, "versions");
    String version = versions.current(title).orElseThrow(() -> new IllegalStateException("the title is not"
        + " published in the storage yet; edit its subtitles once it is transcoded"));
    Path staging;
    try {
      staging = Files.createTempDirectory("streamkit-subtitles-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage an edit of " + title + ": " + e.getMessage(), e);
    }
    try {
      return work.apply(TitleFiles.staged(staging, versions.storage(), title, version), version);
    } finally {
      TitleDestination.deleteRecursively(staging);
    }
  }

  /** The title-wide playlists an edit rewrites: the master playlist, and the DASH manifest when the title has one. */
  private static List<String> playlists(TitleFiles files) {
    return Files.isRegularFile(files.need(DashManifest.MANIFEST))
        ? List.of(TitlePackager.MASTER, DashManifest.MANIFEST) : List.of(TitlePackager.MASTER);
  }

  private static List<String> readMaster(TitleFiles files) {
    Path master = files.need(TitlePackager.MASTER);
    if (!Files.isRegularFile(master)) {
      throw new IllegalStateException("the title has no " + TitlePackager.MASTER + " yet; add subtitles once it is"
          + " transcoded");
    }
    try {
      return Files.readAllLines(master, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + master + ": " + e.getMessage(), e);
    }
  }

  private static List<Track> tracks(List<String> master) {
    List<Track> tracks = new ArrayList<>();
    for (String line : master) {
      if (isSubtitleMedia(line)) {
        String language = attribute(line, "LANGUAGE");
        tracks.add(new Track(language == null ? "und" : language, Objects.requireNonNullElse(attribute(line, "NAME"),
            ""), "YES".equals(attribute(line, "DEFAULT")), Objects.requireNonNullElse(attribute(line, "URI"), "")));
      }
    }
    return tracks;
  }

  private static boolean isSubtitleMedia(String line) {
    return line.startsWith(MEDIA) && "SUBTITLES".equals(attribute(line, "TYPE"));
  }

  /** An attribute's value (RFC 8216 section 4.2), unquoted, or null. */
  private static String attribute(String line, String name) {
    Matcher m = ATTRIBUTE.matcher(line.substring(line.indexOf(':') + 1));
    while (m.find()) {
      if (m.group(1).equals(name)) {
        String value = m.group(2);
        return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
      }
    }
    return null;
  }

  /** The URI of the first variant: the transcoder lists the top rendition first. */
  private static String topVideoUri(List<String> master) {
    for (int i = 0; i < master.size(); i++) {
      if (master.get(i).startsWith(STREAM_INF) && attribute(master.get(i), "RESOLUTION") == null) {
        throw new IllegalStateException("the title is audio-only (its variants have no picture) and audio-only"
            + " titles carry no subtitles");
      }
      if (master.get(i).startsWith(STREAM_INF)) {
        for (int j = i + 1; j < master.size(); j++) {
          String uri = master.get(j).strip();
          if (!uri.isEmpty() && !uri.startsWith("#")) {
            return uri;
          }
        }
      }
    }
    throw new IllegalStateException("the title's " + TitlePackager.MASTER + " lists no video variant; package the"
        + " title again");
  }

  /**
   * The {@code MPEGTS} value the title's subtitle segments map to: an existing track's, so that every track is timed
   * alike, else the top video rendition's first frame ({@link VideoTimelineStart}).
   */
  private static long firstFrameTimestamp(TitleFiles files, List<Track> tracks, String videoUri,
      MediaPlaylist video) {
    for (Track track : tracks) {
      if (Files.isRegularFile(files.need(track.uri()))) {
        try {
          MediaPlaylist subtitles = files.playlist(track.uri());
          Matcher map = TIMESTAMP_MAP.matcher(Files.readString(
              files.need(TitleFiles.sibling(track.uri(), subtitles.segments().get(0).uri())), StandardCharsets.UTF_8));
          if (map.find()) {
            return Long.parseLong(map.group(1));
          }
        } catch (IOException | RuntimeException e) {
          // A damaged track: time against the video instead.
        }
      }
    }
    String key = video.segments().get(0).keyTag();
    if (key != null && key.contains("METHOD=AES-128")) {
      throw new IllegalStateException("the title's segments are encrypted whole with AES-128, so its first video"
          + " timestamp cannot be read; add subtitles to an encrypted title when transcoding it");
    }
    files.need(TitleFiles.sibling(videoUri, video.segments().get(0).uri()));
    if (video.mapUri() != null) {
      files.need(TitleFiles.sibling(videoUri, video.mapUri()));
    }
    return VideoTimelineStart.of(video, video.mapUri() != null ? SegmentFormat.FMP4 : SegmentFormat.TS);
  }

  /**
   * The master with {@code added} after its last {@code EXT-X-MEDIA} line (before the first variant when it has
   * none) and without {@code removed}'s line; a new default takes the mark from the others, and every variant names
   * the subtitle group exactly when a member is left.
   */
  private static List<String> withSubtitleMedia(List<String> master, String added, Track removed) {
    boolean addedDefault = added != null && "YES".equals(attribute(added, "DEFAULT"));
    int remaining = added == null ? 0 : 1;
    List<String> out = new ArrayList<>();
    int insertAt = -1;
    for (String line : master) {
      if (isSubtitleMedia(line)) {
        if (removed != null && removed.uri().equals(attribute(line, "URI"))) {
          continue;
        }
        remaining++;
        out.add(addedDefault ? line.replace(",DEFAULT=YES", ",DEFAULT=NO") : line);
        insertAt = out.size();
      } else if (line.startsWith(MEDIA)) {
        out.add(line);
        insertAt = out.size();
      } else {
        if (line.startsWith(STREAM_INF) && insertAt < 0) {
          insertAt = out.size();
        }
        out.add(line);
      }
    }
    if (added != null) {
      out.add(insertAt < 0 ? out.size() : insertAt, added);
    }
    String group = ",SUBTITLES=\"" + TitlePackager.SUBTITLE_GROUP + "\"";
    for (int i = 0; i < out.size(); i++) {
      String line = out.get(i);
      if (line.startsWith(STREAM_INF)) {
        String without = SUBTITLE_GROUP_ATTRIBUTE.matcher(line).replaceAll("");
        out.set(i, remaining > 0 ? without + group : without);
      }
    }
    return out;
  }

  private static void writeMaster(Path title, List<String> lines) {
    FileReplacement.replace(title.resolve(TitlePackager.MASTER), String.join("\n", lines) + "\n");
  }
}
