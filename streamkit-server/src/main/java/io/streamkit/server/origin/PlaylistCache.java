package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Parsed playlists keyed by path, valid while the file's modification time and size are unchanged (one {@code stat}
 * per request, as nginx's {@code open_file_cache_valid} would do at its most careful). Bounded to
 * {@link #MAX_ENTRIES} in a Caffeine cache, whose W-TinyLFU eviction keeps the playlists of titles being watched.
 */
final class PlaylistCache {

  static final long MAX_ENTRIES = 20_000;
  /** Playlists larger than this are refused: a VOD media playlist of a three-hour film is about 300 KB. */
  static final long MAX_PLAYLIST_BYTES = 8L * 1024 * 1024;

  /**
   * A parsed playlist: exactly one of {@code master} and {@code media} is set; a storyboard index
   * ({@link StoryboardHandler}) is a {@code media} template.
   */
  record Parsed(long modifiedMillis, long size, MasterPlaylist master, PlaylistTemplate media) {}

  private final Cache<Path, Parsed> entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

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
    Parsed cached = entries.getIfPresent(file);
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
    // By content, not name: a stored title's files sit in the disk cache under names of their own.
    Parsed parsed = StoryboardHandler.isIndex(text)
        ? new Parsed(modified, attributes.size(), null, PlaylistTemplate.parseStoryboard(text))
        : MasterPlaylist.isMaster(text)
        ? new Parsed(modified, attributes.size(), MasterPlaylist.parse(text), null)
        : new Parsed(modified, attributes.size(), null, PlaylistTemplate.parse(text));
    entries.put(file, parsed);
    return parsed;
  }
}
