package io.streamkit.hls;

import java.nio.file.Path;
import java.util.List;

/**
 * A published title, as {@link TranscodeJob#run()} returns it.
 *
 * @param directory the title directory (absolute), servable as static files
 * @param masterPlaylist {@code directory/master.m3u8}
 * @param renditions video variants in master playlist order, largest first
 * @param hasAudio whether the title carries an AAC-LC stereo 48 kHz audio track
 * @param durationSeconds media duration in seconds, as listed in the playlists (the sum of the segment durations)
 * @param wallSeconds wall-clock seconds the transcode took, from {@code run()} until the title was published
 */
public record TranscodeResult(Path directory, Path masterPlaylist, List<PackagedRendition> renditions, boolean hasAudio,
    double durationSeconds, double wallSeconds) {

  /** {@return media seconds transcoded per wall-clock second, or 0 when no time was measured} */
  public double speed() {
    return wallSeconds > 0 ? durationSeconds / wallSeconds : 0;
  }
}
