package io.streamkit.server.origin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory titles are served from ({@code <data>/titles/<id>/...}), and the one place a request path becomes a
 * file. {@link RequestPath} has already refused every segment that could climb out; this adds the check that the
 * file's real path (symbolic links resolved) is still under the real root, so a link planted inside a title cannot
 * expose the rest of the disk.
 *
 * <p>Cost: resolving a real path is an {@code lstat} per path component plus {@code readlink}s, which at tens of
 * thousands of requests a second is most of the per-request work. So a directory, once resolved and found inside
 * the root, is trusted for {@link #DIRECTORY_RECHECK_NANOS} (the same idea as nginx's {@code open_file_cache_valid});
 * the file itself is {@code lstat}ed on every request, and only a symlinked file pays for a full resolution.
 */
final class MediaRoot {

  /** How long a directory's resolved location is trusted before it is checked again. */
  static final long DIRECTORY_RECHECK_NANOS = 1_000_000_000L;
  static final int MAX_TRUSTED_DIRECTORIES = 50_000;

  /** A regular file under the root, with the attributes read while checking it. */
  record File(Path path, BasicFileAttributes attributes) {}

  private final Path realRoot;
  private final ConcurrentHashMap<Path, Long> trustedDirectories = new ConcurrentHashMap<>();

  MediaRoot(Path dataDirectory) {
    try {
      this.realRoot = dataDirectory.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("data directory " + dataDirectory + " does not exist or is unreadable", e);
    }
  }

  Path root() {
    return realRoot;
  }

  /** The regular file the request names, or {@code null} when there is none under the root. */
  File resolve(RequestPath path) {
    Path directory = realRoot;
    int last = path.size() - 1;
    for (int i = 0; i < last; i++) {
      directory = directory.resolve(path.segment(i));
    }
    if (!directoryInsideRoot(directory)) {
      return null;
    }
    Path file = directory.resolve(path.segment(last));
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot)) {
          return null;
        }
        attributes = Files.readAttributes(real, BasicFileAttributes.class);
      }
      return attributes.isRegularFile() ? new File(file, attributes) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private boolean directoryInsideRoot(Path directory) {
    long now = System.nanoTime();
    Long checkedAt = trustedDirectories.get(directory);
    if (checkedAt != null && now - checkedAt < DIRECTORY_RECHECK_NANOS) {
      return true;
    }
    try {
      if (!directory.toRealPath().startsWith(realRoot)) {
        trustedDirectories.remove(directory);
        return false;
      }
    } catch (IOException e) {
      trustedDirectories.remove(directory);
      return false;
    }
    if (trustedDirectories.size() >= MAX_TRUSTED_DIRECTORIES) {
      trustedDirectories.clear();
    }
    trustedDirectories.put(directory, now);
    return true;
  }

  /** The master playlist of a title (not checked for existence). */
  Path masterPlaylist(String titleId) {
    return realRoot.resolve(RequestDecoder.TITLES).resolve(titleId).resolve(PlaylistHandler.MASTER_PLAYLIST);
  }
}
