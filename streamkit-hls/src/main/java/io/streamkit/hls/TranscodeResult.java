package io.streamkit.hls;

import io.streamkit.core.protection.ContentKey;
import java.util.List;

/**
 * A published title, as {@link TranscodeJob#run()} returns it.
 *
 * @param location where the title was published: for a directory output its absolute path (servable as static
 *     files), for a storage output the version's location such as {@code s3://media/titles/42/v20261202...}
 * @param masterPlaylist the master playlist's location: {@code location/master.m3u8}
 * @param dashManifest the MPEG-DASH manifest's location, {@code location/manifest.mpd}, over the same segments as the
 *     HLS playlists; null unless the title has fMP4 segments, clear or {@code 'cbcs'} (TS and AES-128 titles have no
 *     DASH manifest)
 * @param renditions video variants in master playlist order, largest first, as they play with the stereo audio group;
 *     when a source track has 5.1, the master playlist lists each again with the 5.1 group after these. For an
 *     audio-only title ({@link #audioOnly()}) the audio-only variants instead: the stereo group's (its main track's
 *     rendition) and, when a track has 5.1, the 5.1 group's, each {@link PackagedRendition#audioOnly()}
 * @param hasAudio whether the title carries AAC-LC 48 kHz audio: in fMP4 a stereo rendition per source track and a 5.1
 *     one per track of six or more channels, in MPEG-TS the main track in stereo, muxed into every variant
 * @param durationSeconds media duration in seconds, as listed in the playlists (the sum of the segment durations)
 * @param wallSeconds wall-clock seconds the transcode took, from {@code run()} until the title was published
 * @param contentKeys the keys that encrypt the title's segments, in the order of the runs of segments they encrypt
 *     ({@link SegmentEncryption#aes128(int)}, {@link SegmentEncryption#cbcs(int)}); empty for a clear title. They are
 *     not in the published title: the title plays once the path its playlists name, {@code <title>/keys/<id>},
 *     answers each key's 16 bytes
 */
public record TranscodeResult(String location, String masterPlaylist, String dashManifest,
    List<PackagedRendition> renditions, boolean hasAudio, double durationSeconds, double wallSeconds,
    List<ContentKey> contentKeys) {

  /**
   * {@return whether the title is audio only (its source had no video stream): audio variants only, no poster, no
   * storyboard, no I-frame playlists}
   */
  public boolean audioOnly() {
    return !renditions.isEmpty() && renditions.stream().allMatch(PackagedRendition::audioOnly);
  }

  /** {@return media seconds transcoded per wall-clock second, or 0 when no time was measured} */
  public double speed() {
    return wallSeconds > 0 ? durationSeconds / wallSeconds : 0;
  }
}
