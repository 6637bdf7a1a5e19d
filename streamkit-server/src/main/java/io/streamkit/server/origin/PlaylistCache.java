package io.streamkit.server.origin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed playlists keyed by real path, valid while the file's modification time and size are unchanged (one
 * {@code stat} per request, as nginx's {@code open_file_cache_valid} would do at its most careful). Bounded: when it
 * holds {@link #MAX_ENTRIES} playlists it starts over, which costs one re-parse per playlist still in use.
 */
final class PlaylistCache {

  static final int MAX_ENTRIES = 20_000;
  /** Playlists larger than this are refused: a VOD media playlist of a three-hour film is about 300 KB. */
  static final long MAX_PLAYLIST_BYTES = 8L * 1024 * 1024;

  /** A parsed playlist: exactly one of {@code master} and {@code media} is set. */
  record Parsed(long modifiedMillis, long size, MasterPlaylist master, PlaylistTemplate media) {}

  private final ConcurrentHashMap<Path, Parsed> entries = new ConcurrentHashMap<>();

  /** The parsed playlist at {@code file}, or {@code null} when it cannot be read or is too large. */
  Parsed get(Path file) {
    try {
      return get(file, Files.readAttributes(file, BasicFileAttributes.class));
    } catch (IOException e) {
      return null;
    }
  }

  /** As {@link #get(Path)}, with attributes the caller has just read. */
  Parsed get(Path file, BasicFileAttributes attributes) {
    long modified = attributes.lastModifiedTime().toMillis();
    Parsed cached = entries.get(file);
    if (cached != null && cached.modifiedMillis() == modified && cached.size() == attributes.size()) {
      return cached;
    }
    if (attributes.size() > MAX_PLAYLIST_BYTES) {
      return null;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
    Parsed parsed = MasterPlaylist.isMaster(text)
        ? new Parsed(modified, attributes.size(), MasterPlaylist.parse(text), null)
        : new Parsed(modified, attributes.size(), null, PlaylistTemplate.parse(text));
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(file, parsed);
    return parsed;
  }
}
