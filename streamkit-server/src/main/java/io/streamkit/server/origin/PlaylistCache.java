package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parsed playlists and DASH manifests ({@link DashManifestTemplate}) keyed by path, valid while the file's modification time and size are unchanged (one {@code stat}
 * per request, as nginx's {@code open_file_cache_valid} would do at its most careful). Bounded to
 * {@link #MAX_ENTRIES} in a Caffeine cache, whose W-TinyLFU eviction keeps the playlists of titles being watched.
 */
final class PlaylistCache {

  static final long MAX_ENTRIES = 20_000;
  /** Playlists larger than this are refused: a VOD media playlist of a three-hour film is about 300 KB. */
  static final long MAX_PLAYLIST_BYTES = 8L * 1024 * 1024;

  /**
   * A parsed file: one of {@code master}, {@code media} and {@code dash} is set, or none for a manifest that could
   * not be read (remembered so that it is logged once). Which one is decided by the content, not the name (a stored
   * title's cached file has none): an XML document is a DASH manifest, a storyboard index ({@link StoryboardHandler})
   * a {@code media} template, anything else a playlist.
   */
  record Parsed(long modifiedMillis, long size, MasterPlaylist master, PlaylistTemplate media, DashManifestTemplate dash) {}

  private static final Logger LOG = LoggerFactory.getLogger(PlaylistCache.class);

  private final Cache<Path, Parsed> entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

  /**
   * The parsed playlist or manifest at {@code file}, or {@code null} when it cannot be read, is too large, or is a
   * manifest that is not a well-formed MPD (logged once per file version).
   */
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
      return readable(cached);
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
    Parsed parsed;
    if (DashManifestTemplate.isManifest(text)) {
      try {
        parsed = new Parsed(modified, attributes.size(), null, null,
            DashManifestTemplate.parse(text.getBytes(StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot serve DASH manifest {}: {}; package the title again", file,
            LogText.escape(e.getMessage()));
        parsed = new Parsed(modified, attributes.size(), null, null, null);
      }
    } else if (StoryboardHandler.isIndex(text)) {
      parsed = new Parsed(modified, attributes.size(), null, PlaylistTemplate.parseStoryboard(text), null);
    } else if (MasterPlaylist.isMaster(text)) {
      parsed = new Parsed(modified, attributes.size(), MasterPlaylist.parse(text), null, null);
    } else {
      parsed = new Parsed(modified, attributes.size(), null, PlaylistTemplate.parse(text), null);
    }
    entries.put(file, parsed);
    return readable(parsed);
  }

  private static Parsed readable(Parsed parsed) {
    return parsed.master() == null && parsed.media() == null && parsed.dash() == null ? null : parsed;
  }
}
