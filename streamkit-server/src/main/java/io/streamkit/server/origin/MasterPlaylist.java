package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.streamkit.core.token.PlaybackClaims;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A master playlist taken apart for session manifests: the shared header (with its own URIs, e.g. alternative
 * renditions in EXT-X-MEDIA), the variant streams, and the I-frame playlists, each pre-split as a
 * {@link PlaylistTemplate}. Per request the variants a viewer may see are chosen by height, ordered by the
 * {@link VariantOrder}, and rendered with the token spliced in.
 */
final class MasterPlaylist {

  private record Entry(ManifestVariant variant, PlaylistTemplate template) {}

  private final PlaylistTemplate header;
  private final List<Entry> variants;
  private final List<Entry> iframes;
  private final Map<Integer, Set<String>> deniedDirectoriesByCap = new ConcurrentHashMap<>();

  private MasterPlaylist(PlaylistTemplate header, List<Entry> variants, List<Entry> iframes) {
    this.header = header;
    this.variants = variants;
    this.iframes = iframes;
  }

  static boolean isMaster(String text) {
    return text.contains("#EXT-X-STREAM-INF");
  }

  static MasterPlaylist parse(String text) {
    List<String> header = new ArrayList<>();
    List<Entry> variants = new ArrayList<>();
    List<Entry> iframes = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("#EXT-X-STREAM-INF:")) {
        int uriLine = i + 1;
        while (uriLine < lines.length && (lines[uriLine].isBlank() || lines[uriLine].strip().startsWith("#"))) {
          uriLine++;
        }
        if (uriLine == lines.length) {
          // A variant without a URI line is no variant; the tags after it are still read.
          continue;
        }
        String uri = lines[uriLine].strip();
        variants.add(new Entry(variant(line, uri), PlaylistTemplate.ofLines(List.of(line, uri))));
        i = uriLine;
      } else if (line.startsWith("#EXT-X-I-FRAME-STREAM-INF:")) {
        Map<String, String> attributes = attributes(line);
        iframes.add(new Entry(variant(line, attributes.getOrDefault("URI", "")), PlaylistTemplate.ofLines(List.of(line))));
      } else if (!line.isEmpty()) {
        header.add(line);
      }
    }
    return new MasterPlaylist(PlaylistTemplate.ofLines(header), List.copyOf(variants), List.copyOf(iframes));
  }

  /**
   * Renders the session manifest.
   *
   * @return the playlist, or {@code null} when the claims allow none of the variants
   */
  ByteBuf render(ByteBufAllocator alloc, PlaybackClaims claims, VariantOrder order, byte[] token) {
    int cap = claims == null ? 0 : claims.maxHeight().orElse(0);
    List<ManifestVariant> allowed = new ArrayList<>(variants.size());
    // By identity first: two entries may parse to equal variants (same URI and attributes read), yet each keeps its
    // own lines; equal copies from an order that made new objects still find their entry.
    Map<ManifestVariant, Entry> byIdentity = new IdentityHashMap<>();
    Map<ManifestVariant, Entry> byValue = new HashMap<>();
    for (Entry e : variants) {
      if (allows(cap, e.variant())) {
        allowed.add(e.variant());
        byIdentity.put(e.variant(), e);
        byValue.putIfAbsent(e.variant(), e);
      }
    }
    if (allowed.isEmpty()) {
      return null;
    }
    List<ManifestVariant> ordered = order.order(List.copyOf(allowed), claims);
    List<PlaylistTemplate> parts = new ArrayList<>(ordered.size() + iframes.size() + 1);
    parts.add(header);
    for (ManifestVariant v : ordered) {
      Entry e = byIdentity.containsKey(v) ? byIdentity.get(v) : byValue.get(v);
      if (e != null) {
        parts.add(e.template());
      }
    }
    for (Entry e : iframes) {
      if (allows(cap, e.variant())) {
        parts.add(e.template());
      }
    }
    int length = 0;
    for (PlaylistTemplate t : parts) {
      length += t.renderedLength(token.length);
    }
    ByteBuf out = alloc.buffer(length);
    for (PlaylistTemplate t : parts) {
      t.renderTo(out, token);
    }
    return out;
  }

  /**
   * Directories (relative to the title) that hold only media playlists of variants taller than {@code cap}: requests
   * into them are refused for a capped viewer, so the cap cannot be bypassed by guessing a URI.
   */
  Set<String> deniedDirectories(int cap) {
    return deniedDirectoriesByCap.computeIfAbsent(cap, c -> {
      Set<String> allowed = new HashSet<>();
      Set<String> denied = new HashSet<>();
      List<Entry> all = new ArrayList<>(variants);
      all.addAll(iframes);
      for (Entry e : all) {
        String dir = directoryOf(e.variant().uri());
        (allows(c, e.variant()) ? allowed : denied).add(dir);
      }
      denied.removeAll(allowed);
      denied.remove("");
      return Set.copyOf(denied);
    });
  }

  static String directoryOf(String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static boolean allows(int cap, ManifestVariant v) {
    return cap == 0 || v.height() == 0 || v.height() <= cap;
  }

  private static ManifestVariant variant(String line, String uri) {
    Map<String, String> a = attributes(line);
    int width = 0;
    int height = 0;
    String resolution = a.get("RESOLUTION");
    if (resolution != null) {
      int x = resolution.indexOf('x');
      if (x > 0) {
        width = parseInt(resolution.substring(0, x));
        height = parseInt(resolution.substring(x + 1));
      }
    }
    return new ManifestVariant(uri, parseLong(a.get("BANDWIDTH")), parseLong(a.get("AVERAGE-BANDWIDTH")), width, height,
        a.getOrDefault("CODECS", ""));
  }

  /** The attribute list of a tag (RFC 8216 §4.2): NAME=value pairs, values possibly quoted and holding commas. */
  static Map<String, String> attributes(String line) {
    Map<String, String> out = new HashMap<>();
    int i = line.indexOf(':') + 1;
    while (i > 0 && i < line.length()) {
      int eq = line.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = line.substring(i, eq).strip();
      int end;
      String value;
      if (eq + 1 < line.length() && line.charAt(eq + 1) == '"') {
        int close = line.indexOf('"', eq + 2);
        close = close < 0 ? line.length() : close;
        value = line.substring(eq + 2, close);
        end = line.indexOf(',', close);
      } else {
        end = line.indexOf(',', eq);
        value = line.substring(eq + 1, end < 0 ? line.length() : end);
      }
      out.put(name, value);
      i = end < 0 ? line.length() : end + 1;
    }
    return out;
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long parseLong(String s) {
    if (s == null) {
      return 0;
    }
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
