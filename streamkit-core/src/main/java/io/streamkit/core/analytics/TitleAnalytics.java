package io.streamkit.core.analytics;

import java.util.List;
import java.util.UUID;

/**
 * How one title was watched. Field names are the JSON names of {@code GET /api/titles/{id}/analytics}.
 *
 * @param titleId the title
 * @param plays playback sessions that started (sent a {@code play} or {@code startup} event)
 * @param uniqueViewers viewers who sent an event or a progress reading for the title
 * @param watchTimeSeconds the sum over viewers of the position each one reached (see {@link PlaybackAnalytics})
 * @param completionRate completed progress readings divided by unique viewers, 0 to 1
 * @param dropOff where viewers stopped: {@link PlaybackAnalytics#DROP_OFF_BUCKETS} equal slices of the duration
 * @param qoe quality of experience
 */
public record TitleAnalytics(UUID titleId, long plays, long uniqueViewers, double watchTimeSeconds,
    double completionRate, List<DropOffBucket> dropOff, Qoe qoe) {

  public TitleAnalytics {
    dropOff = List.copyOf(dropOff);
  }

  /**
   * Viewers whose latest position lies in {@code [fromSeconds, toSeconds)} (the last bucket includes its end).
   */
  public record DropOffBucket(double fromSeconds, double toSeconds, long viewers) {
  }

  /**
   * Quality of experience reported by players.
   *
   * @param startupMsP50 median time from request to first frame, null without {@code startup} events
   * @param startupMsP95 95th percentile of the same, null without {@code startup} events
   * @param rebufferRatio stalled time / (watch time + stalled time), 0 to 1
   * @param averageBitrate time-weighted mean of the bitrates players reported, bits per second; null without reports
   * @param errors {@code error} events
   */
  public record Qoe(Long startupMsP50, Long startupMsP95, double rebufferRatio, Long averageBitrate, long errors) {
  }
}
