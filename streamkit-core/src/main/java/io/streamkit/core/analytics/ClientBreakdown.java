package io.streamkit.core.analytics;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Playback over a range broken down by the kind of client ({@link io.streamkit.core.event.PlaybackClient}): once by
 * device class, once by browser family, once by operating-system family. Field names are the JSON names of
 * {@code GET /api/analytics/devices}.
 *
 * @param range the range's wire name ({@link AnalyticsRange#wireName()})
 * @param titleId the title, or null for every title
 * @param devices one segment per device class that played in the range, most plays first
 * @param browsers one segment per browser family, most plays first
 * @param operatingSystems one segment per operating-system family, most plays first
 * @param foldedAt when the rollups were last folded, null if never; events stored since are not counted yet
 */
public record ClientBreakdown(String range, UUID titleId, List<Segment> devices, List<Segment> browsers,
    List<Segment> operatingSystems, Instant foldedAt) {

  /**
   * Copies the lists, so the breakdown is immutable.
   *
   * @param range the range's wire name
   * @param titleId the title, or null for every title
   * @param devices one segment per device class
   * @param browsers one segment per browser family
   * @param operatingSystems one segment per operating-system family
   * @param foldedAt when the rollups were last folded, null if never
   * @throws NullPointerException if a list is or holds {@code null}
   */
  public ClientBreakdown {
    devices = List.copyOf(devices);
    browsers = List.copyOf(browsers);
    operatingSystems = List.copyOf(operatingSystems);
  }

  /**
   * The measures of one device class, browser or operating system over the range, defined as in
   * {@link AnalyticsSummary}.
   *
   * @param name the wire name, e.g. {@code phone}, {@code safari} or {@code ios}
   * @param plays playback sessions that started
   * @param uniqueViewers distinct viewers, estimated by a HyperLogLog sketch
   * @param watchTimeSeconds position advanced during playback, in seconds
   * @param stalledSeconds time spent stalled, in seconds
   * @param rebufferRatio stalled time / (watch time + stalled time), 0 to 1
   * @param startupMsP50 median startup time in milliseconds within 5 %, null without {@code startup} events
   * @param errors {@code error} events
   */
  public record Segment(String name, long plays, long uniqueViewers, double watchTimeSeconds,
      double stalledSeconds, double rebufferRatio, Long startupMsP50, long errors) {
  }
}
