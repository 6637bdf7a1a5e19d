package io.streamkit.hls;

import java.nio.file.Path;
import java.util.List;

/**
 * A published title.
 *
 * @param directory the title directory, servable as static files
 * @param masterPlaylist {@code directory/master.m3u8}
 * @param renditions video variants, largest first
 * @param hasAudio whether the title carries an AAC-LC stereo 48 kHz audio track
 * @param durationSeconds media duration as listed in the playlists
 * @param wallSeconds time the transcode took
 */
public record TranscodeResult(Path directory, Path masterPlaylist, List<PackagedRendition> renditions, boolean hasAudio,
    double durationSeconds, double wallSeconds) {

  /** Media seconds transcoded per wall-clock second. */
  public double speed() {
    return wallSeconds > 0 ? durationSeconds / wallSeconds : 0;
  }
}
