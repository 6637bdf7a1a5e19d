package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The parts of a media playlist (RFC 8216 section 4.3.3) the packager reads back after segmenting: target duration,
 * media sequence number of the first segment (section 4.3.3.2, 0 when absent), init segment and the segments with
 * their durations, sizes on disk and the {@code EXT-X-KEY} tag that applies to them (section 4.3.2.4).
 */
record MediaPlaylist(Path file, int targetDuration, long mediaSequence, String mapUri, List<Segment> segments) {

  /** A segment; {@code keyTag} is the whole {@code EXT-X-KEY} line in effect, or null for a clear segment. */
  record Segment(String uri, double durationSeconds, long bytes, String keyTag) {
    double bitsPerSecond() {
      return durationSeconds > 0 ? bytes * 8 / durationSeconds : 0;
    }
  }

  static MediaPlaylist read(Path file) {
    return read(file, uri -> {
      try {
        return Files.size(file.resolveSibling(uri));
      } catch (IOException e) {
        throw new UncheckedIOException("segment " + uri + " listed in " + file + " is missing", e);
      }
    });
  }

  /**
   * As {@link #read(Path)}, with each segment's size from {@code sizeOf} (given the URI as listed) rather than from a
   * file beside the playlist: for a playlist staged without its segments.
   */
  static MediaPlaylist read(Path file, ToLongFunction<String> sizeOf) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read playlist " + file, e);
    }
    int target = 0;
    long sequence = 0;
    String map = null;
    String key = null;
    double pendingDuration = -1;
    List<Segment> segments = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#EXT-X-TARGETDURATION:")) {
        target = Integer.parseInt(line.substring("#EXT-X-TARGETDURATION:".length()));
      } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        sequence = Long.parseLong(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()));
      } else if (line.startsWith("#EXT-X-MAP:")) {
        int start = line.indexOf("URI=\"") + 5;
        map = line.substring(start, line.indexOf('"', start));
      } else if (line.startsWith("#EXT-X-KEY:")) {
        key = line.contains("METHOD=NONE") ? null : line;
      } else if (line.startsWith("#EXTINF:")) {
        String value = line.substring("#EXTINF:".length());
        int comma = value.indexOf(',');
        pendingDuration = Double.parseDouble(comma < 0 ? value : value.substring(0, comma));
      } else if (!line.isEmpty() && !line.startsWith("#") && pendingDuration >= 0) {
        segments.add(new Segment(line, pendingDuration, sizeOf.applyAsLong(line), key));
        pendingDuration = -1;
      }
    }
    return new MediaPlaylist(file, target, sequence, map, List.copyOf(segments));
  }

  double totalSeconds() {
    return segments.stream().mapToDouble(Segment::durationSeconds).sum();
  }

  long totalBytes() {
    return segments.stream().mapToLong(Segment::bytes).sum();
  }

  /** Average bitrate over the whole playlist ({@code AVERAGE-BANDWIDTH}, RFC 8216 section 4.3.4.2). */
  long averageBitsPerSecond() {
    double seconds = totalSeconds();
    return seconds > 0 ? (long) Math.ceil(totalBytes() * 8 / seconds) : 0;
  }

  /**
   * Peak segment bitrate ({@code BANDWIDTH}, RFC 8216 section 4.3.4.2), over segments at least half the target
   * duration long — the final short segment of a title would otherwise dominate through its fixed overhead (Apple
   * HLS authoring spec 1.27 measures the same way). A title with only short segments uses all of them. Never below
   * the average: when the short final segment is the densest, the average over all segments can exceed the peak over
   * the long ones, and a peak below the average is a contradiction validators and players reject.
   */
  long peakBitsPerSecond() {
    double minimum = targetDuration / 2.0;
    double peak = segments.stream().filter(s -> s.durationSeconds() >= minimum)
        .mapToDouble(Segment::bitsPerSecond).max()
        .orElse(segments.stream().mapToDouble(Segment::bitsPerSecond).max().orElse(0));
    return Math.max((long) Math.ceil(peak), averageBitsPerSecond());
  }
}
