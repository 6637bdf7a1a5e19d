package io.streamkit.hls;

import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The files of a packaged title that an edit ({@link TitleSubtitles}) reads and writes: a title directory edited in
 * place, or a staging directory that starts empty and is filled on demand from a stored version
 * ({@link TitleVersions}) with just the files the edit reads (the master playlist, the DASH manifest, a media
 * playlist and its first segment), so one edit serves both and an edit of a stored title fetches kilobytes, not the
 * title.
 */
final class TitleFiles {

  private final Path directory;
  private final MediaStorage storage;
  private final String title;
  private final String version;
  private final Set<String> fetched = new HashSet<>();

  private TitleFiles(Path directory, MediaStorage storage, String title, String version) {
    this.directory = directory;
    this.storage = storage;
    this.title = title;
    this.version = version;
  }

  /** A title directory, read and written in place. */
  static TitleFiles in(Path directory) {
    return new TitleFiles(directory, null, null, null);
  }

  /** An empty staging directory that takes the files of {@code title}'s {@code version} as they are asked for. */
  static TitleFiles staged(Path staging, MediaStorage storage, String title, String version) {
    return new TitleFiles(staging, storage, title, version);
  }

  /** {@return the directory the edit reads and writes in} */
  Path directory() {
    return directory;
  }

  /**
   * The title's file at {@code relative}, fetched first when staged. It does not exist when the title has no such
   * file.
   */
  Path need(String relative) {
    Path file = directory.resolve(relative);
    if (storage == null || !fetched.add(relative)) {
      return file;
    }
    try (InputStream in = storage.read(TitleVersions.key(title, version, relative))) {
      Files.createDirectories(file.getParent());
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (StorageException e) {
      if (!e.missing()) {
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage " + relative + " of " + title + ": " + e.getMessage(), e);
    }
    return file;
  }

  /**
   * The media playlist at {@code relative}. Staged, only the playlist is fetched: its segments' sizes come from one
   * listing of its directory in the version.
   */
  MediaPlaylist playlist(String relative) {
    Path file = need(relative);
    if (storage == null) {
      return MediaPlaylist.read(file);
    }
    String directoryKey = TitleVersions.key(title, version, relative.contains("/")
        ? relative.substring(0, relative.lastIndexOf('/')) : relative);
    Map<String, Long> sizes = new HashMap<>();
    for (StoredObject object : storage.list(directoryKey)) {
      sizes.put(object.key().substring(directoryKey.length() + 1), object.size());
    }
    return MediaPlaylist.read(file, uri -> {
      Long size = sizes.get(uri);
      if (size == null) {
        throw new IllegalStateException("segment " + uri + " listed in " + relative + " of " + title + " is not in"
            + " the storage; publish the title again");
      }
      return size;
    });
  }

  /** A URI a playlist at {@code playlist} names, as a path relative to the title (RFC 3986 section 5.2). */
  static String sibling(String playlist, String uri) {
    int slash = playlist.lastIndexOf('/');
    return slash < 0 ? uri : playlist.substring(0, slash + 1) + uri;
  }
}
