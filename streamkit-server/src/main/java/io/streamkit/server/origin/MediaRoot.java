package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
 * per path (for paths that named a file) and kept in a bounded cache; the checks above still run on every request.
 */
final class MediaRoot {

  /** How long a directory's resolved location is trusted before it is checked again. */
  static final Duration DIRECTORY_RECHECK = Duration.ofSeconds(1);
  static final long MAX_TRUSTED_DIRECTORIES = 50_000;

  static final long MAX_LOCATIONS = 50_000;

  /** A regular file inside its title, with the attributes read while checking it. */
  record File(Path path, BasicFileAttributes attributes) {}

  /** Where a request path's file would lie, and the directories it must lie in. */
  private record Location(Path title, Path directory, Path file) {}

  private final Path realRoot;
  private final Path titles;
  private final Cache<Path, Boolean> trustedDirectories;
  private final Cache<RequestPath, Location> locations;

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
