package io.streamkit.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishes titles atomically on a storage that has no rename (S3 has none): each publication goes under a fresh
 * version key, {@code <title>/<version>/...}, and the title becomes visible only when the small pointer object
 * {@code <title>/}{@value #POINTER} names that version, which is written last. Within a version, media objects are
 * written first and playlists last (the master playlist at the very end), so even a reader that lists the version
 * finds no playlist naming a missing segment.
 *
 * <p>A crash mid-publication leaves a version no pointer names; {@link #sweep} removes such orphans, and versions
 * replaced by a newer publication, once nothing has been written to them for a grace period (players that loaded the
 * old playlists keep their segments until then). Readers resolve a request path with {@link #current} and
 * {@link #key}; versions are immutable, so anything read from one may be cached for good.
 */
public final class TitleVersions {

  /** Name of the pointer object under a title key; its content is the current version and a newline. */
  public static final String POINTER = "current-version";
  /** Name of the multivariant playlist, written last within a version. */
  static final String MASTER = "master.m3u8";

  private static final Pattern VERSION = Pattern.compile("v[0-9]{17}-[0-9a-f]{8}");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS")
      .withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MediaStorage storage;

  /**
   * Versions of titles kept in {@code storage}.
   *
   * @param storage where the titles are
   */
  public TitleVersions(MediaStorage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  /** {@return the storage the titles are kept in} */
  public MediaStorage storage() {
    return storage;
  }

  /**
   * Copies a packaged title directory into storage as a new version and then points the title at it.
   *
   * @param title the title's key, e.g. {@code titles/42}
   * @param directory a complete title directory (its {@code master.m3u8} and everything it references); hidden files
   *     are skipped
   * @return the new version's name
   * @throws StorageException if a write fails; the title then still shows its previous version (or none), and the
   *     objects already written are deleted where possible (or left to {@link #sweep})
   */
  public String publish(String title, Path directory) {
    MediaStorage.checkKey(title);
    List<String> files = filesIn(directory);
    String version = newVersion();
    String versionKey = title + "/" + version;
    try {
      for (String relative : files) {
        storage.put(versionKey + "/" + relative, directory.resolve(relative));
      }
      storage.put(title + "/" + POINTER, (version + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      throw deletingVersion(versionKey, e);
    }
    return version;
  }

  /**
   * Publishes a new version that is {@code base} with some files changed, added or left out, and points the title at
   * it if the title still shows {@code base}: how a published title is edited (a subtitle track added or removed)
   * without being packaged again. The files of {@code base} the change does not touch are copied with
   * {@link MediaStorage#copy} (server-side on S3, a hard link on a local storage: no media passes through this
   * process), the changed files are put, and all of it in {@link #publish}'s order, the master playlist last and the
   * pointer after it; {@code base} itself is not touched, so a player still reading it keeps its segments until
   * {@link #sweep} removes it like any replaced version.
   *
   * <p>Why a copy rather than a reference to {@code base}'s objects: a version is self-contained, so readers resolve
   * any request with {@link #key} and one pointer read, and {@link #sweep} can drop any version the pointer does not
   * name. The cost is one copy request per unchanged object and, until the sweep, the storage of both versions.
   *
   * <p>The pointer has no compare-and-set on every storage, so the check that the title still shows {@code base} is a
   * read just before the pointer is written: a change made meanwhile by another process is refused (the new version
   * is deleted), except within the moment between that read and the write. Callers serialise their own changes.
   *
   * @param title the title's key
   * @param base the version the change was made from, as {@link #current} gave it
   * @param directory where the changed files are
   * @param changed paths relative to {@code directory}, and to the title, of files or directories that replace or
   *     join those of {@code base}; a directory replaces {@code base}'s directory of that name whole
   * @param removed paths of files or directories of {@code base} that the new version leaves out
   * @return the new version's name
   * @throws IllegalStateException if the title no longer shows {@code base}; nothing is then published
   * @throws IllegalArgumentException if a changed path is not in {@code directory}, or {@code base} is not a version
   *     name
   * @throws StorageException if a copy or write fails; the title then still shows {@code base}
   */
  public String publishChange(String title, String base, Path directory, Collection<String> changed,
      Collection<String> removed) {
    MediaStorage.checkKey(title);
    if (!VERSION.matcher(base).matches()) {
      throw new IllegalArgumentException("'" + base + "' is not a version name; give one current() returned");
    }
    Map<String, Path> puts = new HashMap<>();
    for (String path : changed) {
      Path changedPath = directory.resolve(MediaStorage.checkKey(path));
      if (!Files.exists(changedPath)) {
        throw new IllegalArgumentException("changed file " + path + " is not in " + directory);
      }
      for (String relative : Files.isDirectory(changedPath) ? filesUnder(changedPath) : List.of("")) {
        String file = relative.isEmpty() ? path : path + "/" + relative;
        puts.put(file, directory.resolve(file));
      }
    }
    List<String> replaced = new ArrayList<>(changed);
    replaced.addAll(removed);
    String basePrefix = title + "/" + base + "/";
    List<String> copies = new ArrayList<>();
    for (StoredObject object : storage.list(title + "/" + base)) {
      String relative = object.key().substring(basePrefix.length());
      if (replaced.stream().noneMatch(path -> relative.equals(path) || relative.startsWith(path + "/"))) {
        copies.add(relative);
      }
    }
    if (!copies.contains(MASTER) && !puts.containsKey(MASTER)) {
      throw new IllegalStateException("version " + base + " of " + title + " has no " + MASTER + "; publish the"
          + " title again");
    }
    List<String> files = new ArrayList<>(copies);
    files.addAll(puts.keySet());
    files.sort(Comparator.comparingInt(TitleVersions::publishOrder).thenComparing(Comparator.naturalOrder()));
    String version = newVersion();
    String versionKey = title + "/" + version;
    try {
      for (String relative : files) {
        Path file = puts.get(relative);
        if (file == null) {
          storage.copy(basePrefix + relative, versionKey + "/" + relative);
        } else {
          storage.put(versionKey + "/" + relative, file);
        }
      }
      Optional<String> now = current(title);
      if (!now.equals(Optional.of(base))) {
        throw new IllegalStateException(title + " changed while this change was published (it shows "
            + now.orElse("no version") + ", not " + base + "); read it again and repeat the change");
      }
      storage.put(title + "/" + POINTER, (version + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      throw deletingVersion(versionKey, e);
    }
    return version;
  }

  private static String newVersion() {
    return "v" + STAMP.format(Instant.now()) + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt());
  }

  /** Deletes what a failed publication wrote (what cannot be deleted is left to {@link #sweep}) and returns e. */
  private RuntimeException deletingVersion(String versionKey, RuntimeException e) {
    try {
      storage.deleteAll(versionKey);
    } catch (RuntimeException cleanup) {
      e.addSuppressed(cleanup);
    }
    return e;
  }

  /**
   * Media first, then media playlists (and the DASH manifest), then the master playlist: the order a reader can never
   * see half of.
   */
  private static List<String> filesIn(Path directory) {
    List<String> files = filesUnder(directory);
    if (!files.contains(MASTER)) {
      throw new IllegalArgumentException("title directory " + directory + " has no " + MASTER
          + "; publish a complete, packaged title");
    }
    files.sort(Comparator.comparingInt(TitleVersions::publishOrder).thenComparing(Comparator.naturalOrder()));
    return files;
  }

  /** The regular files under a directory, relative to it, hidden ones left out. */
  private static List<String> filesUnder(Path directory) {
    List<String> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.filter(Files::isRegularFile).map(directory::relativize)
          .filter(relative -> Stream.of(relative.toString().split("/")).noneMatch(name -> name.startsWith(".")))
          .forEach(relative -> files.add(MediaStorage.checkKey(relative.toString().replace('\\', '/'))));
    } catch (IOException e) {
      throw new StorageException("cannot read title directory " + directory + ": " + e, e);
    }
    return files;
  }

  private static int publishOrder(String relative) {
    if (relative.equals(MASTER)) {
      return 2;
    }
    return relative.endsWith(".m3u8") || relative.endsWith(".mpd") ? 1 : 0;
  }

  /**
   * The version a title shows now.
   *
   * @param title the title's key
   * @return the current version, or empty when the title was never published (or was deleted)
   * @throws StorageException if the pointer cannot be read or does not name a version
   */
  public Optional<String> current(String title) {
    String pointer = MediaStorage.checkKey(title) + "/" + POINTER;
    byte[] content;
    try (InputStream in = storage.read(pointer)) {
      content = in.readNBytes(64);
    } catch (StorageException e) {
      if (e.missing()) {
        return Optional.empty();
      }
      throw e;
    } catch (IOException e) {
      throw new StorageException("cannot read " + storage.describe(pointer) + ": " + e, e);
    }
    String version = new String(content, StandardCharsets.US_ASCII).strip();
    if (!VERSION.matcher(version).matches()) {
      throw new StorageException("pointer " + storage.describe(pointer) + " does not name a version; publish the"
          + " title again or delete the pointer", null);
    }
    return Optional.of(version);
  }

  /**
   * The storage key of a file of a title version.
   *
   * @param title the title's key
   * @param version a version, as {@link #current} gives it
   * @param relative the file's path inside the title, e.g. {@code 720p/seg-00001.m4s}
   * @return {@code title/version/relative}
   * @throws IllegalArgumentException if the result is not a valid key
   */
  public static String key(String title, String version, String relative) {
    return MediaStorage.checkKey(title + "/" + version + "/" + relative);
  }

  /**
   * Deletes versions of a title that no pointer names and that nothing was written to for {@code idle}: what a
   * crashed publication left, and versions replaced by a newer one.
   *
   * @param title the title's key
   * @param idle how long a version must have been left alone; longer than the time players keep an old playlist
   * @param now the current time
   * @return how many objects were deleted
   * @throws StorageException if listing or deleting fails
   */
  public int sweep(String title, Duration idle, Instant now) {
    Optional<String> current = current(title);
    String prefix = title + "/";
    Map<String, Instant> newestWrite = new HashMap<>();
    for (StoredObject object : storage.list(title)) {
      String rest = object.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0 && VERSION.matcher(rest.substring(0, slash)).matches()) {
        newestWrite.merge(rest.substring(0, slash), object.lastModified(),
            (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    Instant cutoff = now.minus(idle);
    int deleted = 0;
    for (Map.Entry<String, Instant> version : newestWrite.entrySet()) {
      if (!current.equals(Optional.of(version.getKey())) && version.getValue().isBefore(cutoff)) {
        deleted += storage.deleteAll(prefix + version.getKey());
      }
    }
    return deleted;
  }

  /**
   * Unpublishes a title at once (its pointer goes first) and deletes every object under it.
   *
   * @param title the title's key
   * @return how many objects were deleted, the pointer included
   * @throws StorageException if deleting fails
   */
  public int delete(String title) {
    String pointer = MediaStorage.checkKey(title) + "/" + POINTER;
    boolean published = storage.stat(pointer).isPresent();
    storage.delete(pointer);
    return storage.deleteAll(title) + (published ? 1 : 0);
  }
}
