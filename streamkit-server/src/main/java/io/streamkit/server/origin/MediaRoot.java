package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * The directory titles are served from ({@code <data>/titles/<id>/...}), and the one place a request path becomes a
 * file. {@link RequestPath} has already refused every segment that could climb out; this adds containment against
 * symbolic links: a served file's real path (links resolved) must lie inside its own title's directory, and that
 * directory must really be {@code <data>/titles/<id>} (not a link to another title's). So a link planted inside a
 * title can expose neither the rest of the disk, nor the catalog database in the data directory, nor another title
 * (one that was rejected, say) under this title's token.
 *
 * <p>Cost: resolving a real path is an {@code lstat} per path component plus {@code readlink}s, which at tens of
 * thousands of requests a second is most of the per-request work. So a directory, once resolved and found inside its
 * title, is trusted for {@link #DIRECTORY_RECHECK} (the same idea as nginx's {@code open_file_cache_valid}) in a
 * bounded Caffeine cache; the file itself is {@code lstat}ed on every request, and only a symlinked file pays for a
 * full resolution.
 *
 * <p>Where a request path's title, directory and file lie is a function of the path alone, so it is worked out once
 * per path (for paths that named a file) and kept in a bounded cache.
 *
 * <p>Files served are kept open ({@link #open}), as nginx's {@code open_file_cache} with {@code open_file_cache_valid}
 * does: a bounded Caffeine cache of {@link OpenFile}s keyed by the file's path, each trusted for {@link #FILE_RECHECK}
 * after the path was last checked ({@code lstat}, the symbolic-link rule above, regular file). Within that time finding
 * the file costs no system call: no {@code lstat}, no {@code open}, no {@code fstat} (which with its
 * {@code FileChannel} bookkeeping was 5 % of the origin's CPU per 256 KiB response at 1,000 connections). When the
 * check finds another file (new identity, size or modification time), the new one is opened and replaces the old in
 * the cache; the old descriptor closes when the last response sending it is done ({@link OpenFile}'s references). So a
 * file deleted or replaced by a rename is still served as it was for at most {@link #FILE_RECHECK}, never a file
 * outside its title. A file rewritten in place (not how StreamKit writes: it renames finished files into place) shows
 * within that time too, and sooner when it shrank: a response from the open descriptor cannot send the length its
 * head announced, so the connection closes before the body's end and no client or cache keeps it; a response that
 * ends short, for that reason or because its client left, has the path checked again at the next request. A small
 * file whose bytes are in memory ({@link MemoryBodies}) sends the bytes read when it was opened, whole and consistent.
 */
final class MediaRoot {

  /** How long a directory's resolved location is trusted before it is checked again. */
  static final Duration DIRECTORY_RECHECK = Duration.ofSeconds(1);
  static final long MAX_TRUSTED_DIRECTORIES = 50_000;

  static final long MAX_LOCATIONS = 50_000;

  /** How long an open file is served before its path is checked again. */
  static final Duration FILE_RECHECK = Duration.ofSeconds(1);
  /** Open descriptors kept at most (each response in flight may hold one more until it is done). */
  static final long MAX_OPEN_FILES = 1_000;

  /** A regular file inside its title, with the attributes read while checking it. */
  record File(Path path, BasicFileAttributes attributes) {}

  /** A file {@link #resolveTrusted} found, and when, from the ticker. */
  private record Checked(File file, long checkedNanos) {}

  /** Where a request path's file would lie, and the directories it must lie in. */
  private record Location(Path title, Path directory, Path file) {}

  private final Path realRoot;
  private final Path titles;
  private final Cache<Path, Boolean> trustedDirectories;
  private final Cache<RequestPath, Location> locations;
  private final Cache<Path, OpenFile> openFiles;
  private final Cache<RequestPath, Checked> checkedFiles;
  private final Ticker ticker;
  private final long fileRecheckNanos = FILE_RECHECK.toNanos();

  MediaRoot(Path dataDirectory) {
    this(dataDirectory, Ticker.systemTicker());
  }

  MediaRoot(Path dataDirectory, Ticker ticker) {
    try {
      this.realRoot = dataDirectory.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("data directory " + dataDirectory + " does not exist or is unreadable", e);
    }
    this.titles = realRoot.resolve(RequestDecoder.TITLES);
    this.trustedDirectories = Caffeine.newBuilder()
        .maximumSize(MAX_TRUSTED_DIRECTORIES)
        .expireAfterWrite(DIRECTORY_RECHECK)
        .ticker(ticker)
        .build();
    this.locations = Caffeine.newBuilder().maximumSize(MAX_LOCATIONS).build();
    this.ticker = ticker;
    this.checkedFiles = Caffeine.newBuilder().maximumSize(MAX_LOCATIONS).build();
    // Evicted, replaced or invalidated: the cache's reference goes; responses still sending the file keep theirs.
    this.openFiles = Caffeine.newBuilder()
        .maximumSize(MAX_OPEN_FILES)
        .executor(Runnable::run)
        .<Path, OpenFile>removalListener((path, file, cause) -> file.release())
        .build();
  }

  Path root() {
    return realRoot;
  }

  /**
   * The regular file a title request names ({@code titles/<id>/<path>}), or {@code null} when there is none inside
   * that title.
   */
  File resolve(RequestPath path) {
    if (path.size() < 3 || !path.segment(0).equals(RequestDecoder.TITLES)) {
      return null;
    }
    Location location = locations.getIfPresent(path);
    boolean known = location != null;
    if (!known) {
      location = locate(path);
    }
    Path title = location.title();
    if (!directoryInside(location.directory(), title)) {
      return null;
    }
    Path file = location.file();
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        Path real = file.toRealPath();
        if (!real.startsWith(title)) {
          return null;
        }
        attributes = Files.readAttributes(real, BasicFileAttributes.class);
      }
      if (!attributes.isRegularFile()) {
        return null;
      }
      if (!known) {
        locations.put(path, location);
      }
      return new File(file, attributes);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * As {@link #resolve}, but a file found is then trusted for {@link #FILE_RECHECK} without a look at the disk, as
   * {@link #open} trusts an open file: for playlists, DASH manifests and storyboard indexes, which are parsed once per
   * version ({@link PlaylistCache}), so that the {@code lstat} is all a request would cost the file system. An edit
   * made through this origin ({@link #titleChanged}) ends the trust in that title's files at once.
   */
  File resolveTrusted(RequestPath path) {
    Checked checked = checkedFiles.getIfPresent(path);
    long now = ticker.read();
    if (checked != null && now - checked.checkedNanos() < fileRecheckNanos) {
      return checked.file();
    }
    File file = resolve(path);
    if (file != null) {
      checkedFiles.put(path, new Checked(file, now));
    } else if (checked != null) {
      checkedFiles.invalidate(path);
    }
    return file;
  }

  /** A title's files were rewritten through this origin: {@link #resolveTrusted} looks at them again. */
  void titleChanged(String titleId) {
    checkedFiles.asMap().keySet().removeIf(path -> path.segment(1).equals(titleId));
  }

  /**
   * The regular file a title request names, open, with one reference taken for the caller (who must release it,
   * normally by handing it to the response body); {@code null} when there is none inside that title.
   */
  OpenFile open(RequestPath path) {
    if (path.size() < 3 || !path.segment(0).equals(RequestDecoder.TITLES)) {
      return null;
    }
    Location location = locations.getIfPresent(path);
    OpenFile open = location == null ? null : openFiles.getIfPresent(location.file());
    if (open != null && directoryInside(location.directory(), location.title())
        && open.trusted(ticker.read(), fileRecheckNanos) && open.tryRetain()) {
      return open;
    }
    File file = resolve(path);
    if (file == null) {
      if (location != null) {
        openFiles.invalidate(location.file());
      }
      return null;
    }
    BasicFileAttributes attributes = file.attributes();
    long modified = attributes.lastModifiedTime().toMillis();
    long now = ticker.read();
    if (open != null && open.isSame(attributes.fileKey(), attributes.size(), modified) && open.tryRetain()) {
      open.checked(now);
      return open;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file.path(), StandardOpenOption.READ);
    } catch (IOException e) {
      return null;
    }
    OpenFile opened = new OpenFile(channel, attributes.size(), modified, attributes.fileKey(), now);
    opened.retain();
    openFiles.put(file.path(), opened);
    return opened;
  }

  /** Closes the open files no response is sending; the others close when their responses are done. */
  void closeFiles() {
    openFiles.invalidateAll();
  }

  private Location locate(RequestPath path) {
    Path title = titles.resolve(path.segment(1));
    Path directory = title;
    int last = path.size() - 1;
    for (int i = 2; i < last; i++) {
      directory = directory.resolve(path.segment(i));
    }
    return new Location(title, directory, directory.resolve(path.segment(last)));
  }

  /** Whether {@code directory} really lies in {@code title}, and {@code title} really is where it is named. */
  private boolean directoryInside(Path directory, Path title) {
    if (trustedDirectories.getIfPresent(directory) != null) {
      return true;
    }
    try {
      if (!title.toRealPath().equals(title) || !directory.toRealPath().startsWith(title)) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    trustedDirectories.put(directory, Boolean.TRUE);
    return true;
  }

  /** The master playlist of a title (not checked for existence). */
  Path masterPlaylist(String titleId) {
    return titles.resolve(titleId).resolve(PlaylistHandler.MASTER_PLAYLIST);
  }
}
