package io.streamkit.server.origin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The directory titles are served from ({@code <data>/titles/<id>/...}), and the one place a request path becomes a
 * file. {@link RequestPath} has already refused every segment that could climb out; this adds the check that the
 * file's real path (symbolic links resolved) is still under the real root, so a link planted inside a title cannot
 * expose the rest of the disk.
 */
final class MediaRoot {

  private final Path realRoot;

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

  /** The real path of the regular file the request names, or {@code null} when there is none under the root. */
  Path resolve(RequestPath path) {
    Path candidate = realRoot;
    for (String segment : path.segments()) {
      candidate = candidate.resolve(segment);
    }
    try {
      Path real = candidate.toRealPath();
      if (!real.startsWith(realRoot) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      return real;
    } catch (IOException e) {
      return null;
    }
  }

  /** The master playlist of a title (not checked for existence). */
  Path masterPlaylist(String titleId) {
    return realRoot.resolve(RequestDecoder.TITLES).resolve(titleId).resolve(PlaylistHandler.MASTER_PLAYLIST);
  }
}
