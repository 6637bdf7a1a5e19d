package io.streamkit.hls;

import java.util.List;

/**
 * A published title, as {@link TranscodeJob#run()} returns it.
 *
 * @param location where the title was published: for a directory output its absolute path (servable as static
 *     files), for a storage output the version's location such as {@code s3://media/titles/42/v20261202...}
 * @param masterPlaylist the master playlist's location: {@code location/master.m3u8}
 * @param renditions video variants in master playlist order, largest first
 * @param hasAudio whether the title carries an AAC-LC stereo 48 kHz audio track
 * @param durationSeconds media duration in seconds, as listed in the playlists (the sum of the segment durations)
 * @param wallSeconds wall-clock seconds the transcode took, from {@code run()} until the title was published
 */
public record TranscodeResult(String location, String masterPlaylist, List<PackagedRendition> renditions, boolean hasAudio,
    double durationSeconds, double wallSeconds) {

  /** {@return media seconds transcoded per wall-clock second, or 0 when no time was measured} */
  public double speed() {
    return wallSeconds > 0 ? durationSeconds / wallSeconds : 0;
  }
}
