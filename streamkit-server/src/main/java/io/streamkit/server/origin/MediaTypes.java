package io.streamkit.server.origin;

import java.util.Locale;
import java.util.Map;

/** Content types by file extension, and which files are immutable segments (cached for a year) or playlists. */
final class MediaTypes {

  static final String PLAYLIST = "application/vnd.apple.mpegurl";
  /** ISO/IEC 23009-1 Annex C (IANA registration of application/dash+xml). */
  static final String DASH_MANIFEST = "application/dash+xml";
  static final String OCTET_STREAM = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("m3u8", PLAYLIST),
      Map.entry("mpd", DASH_MANIFEST),
      Map.entry("m4s", "video/iso.segment"), // RFC 8216 §3.3 / IANA registration for fMP4 media segments
      Map.entry("mp4", "video/mp4"),
      Map.entry("m4a", "audio/mp4"),
      Map.entry("m4v", "video/mp4"),
      Map.entry("ts", "video/mp2t"),
      Map.entry("aac", "audio/aac"),
      Map.entry("vtt", "text/vtt; charset=utf-8"),
      Map.entry("webvtt", "text/vtt; charset=utf-8"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("png", "image/png"),
      Map.entry("webp", "image/webp"),
      Map.entry("json", "application/json"),
      Map.entry("key", OCTET_STREAM));

  private MediaTypes() {}

  static String of(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0) {
      return OCTET_STREAM;
    }
    return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
  }
}
