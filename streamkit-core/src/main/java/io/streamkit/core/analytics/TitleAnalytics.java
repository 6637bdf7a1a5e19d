package io.streamkit.core.analytics;

import java.util.List;
import java.util.UUID;

/**
 * How one title was watched, over all time as folded into the rollups so far (see {@link PlaybackAnalytics}). Field
 * names are the JSON names of {@code GET /api/titles/{id}/analytics}.
 *
 * @param titleId the title
 * @param plays playback sessions that started (sent a {@code play} or {@code startup} event)
 * @param uniqueViewers viewers who sent an event for the title, estimated by a HyperLogLog sketch
 * @param watchTimeSeconds position advanced during playback, in seconds (see {@link PlaybackAnalytics})
 * @param completionRate {@code ended} events divided by plays, 0 to 1
 * @param dropOff where viewers stopped: {@link PlaybackAnalytics#DROP_OFF_BUCKETS} equal slices of the duration
 * @param qoe quality of experience
 */
public record TitleAnalytics(UUID titleId, long plays, long uniqueViewers, double watchTimeSeconds,
    double completionRate, List<DropOffBucket> dropOff, Qoe qoe) {

  /**
   * Copies {@code dropOff}, so the report is immutable.
   *
   * @param titleId the title
   * @param plays playback sessions that started
   * @param uniqueViewers viewers who sent an event for the title, estimated
   * @param watchTimeSeconds position advanced during playback, in seconds
   * @param completionRate {@code ended} events divided by plays, 0 to 1
   * @param dropOff where viewers stopped, in ascending order of position
   * @param qoe quality of experience
   * @throws NullPointerException if {@code dropOff} is {@code null} or holds {@code null}
   */
  public TitleAnalytics {
    dropOff = List.copyOf(dropOff);
  }

  /**
   * Viewers whose latest position lies in {@code [fromSeconds, toSeconds)} (the last bucket includes its end).
   *
   * @param fromSeconds where the slice of the title's duration starts, in seconds
   * @param toSeconds where it ends, in seconds
   * @param viewers viewers whose latest position falls in the slice
   */
  public record DropOffBucket(double fromSeconds, double toSeconds, long viewers) {
  }

  /**
   * Quality of experience reported by players.
   *
   * @param startupMsP50 median time from request to first frame in milliseconds within 5 %, null without
   *     {@code startup} events
   * @param startupMsP95 95th percentile of the same in milliseconds within 5 %, null without {@code startup} events
   * @param rebufferRatio stalled time / (watch time + stalled time), 0 to 1
   * @param averageBitrate time-weighted mean of the bitrates players reported, bits per second; null without reports
   * @param errors {@code error} events
   */
  public record Qoe(Long startupMsP50, Long startupMsP95, double rebufferRatio, Long averageBitrate, long errors) {
  }
}
