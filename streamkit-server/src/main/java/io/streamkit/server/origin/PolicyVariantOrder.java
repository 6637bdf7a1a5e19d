package io.streamkit.server.origin;

import io.streamkit.abr.policy.DeviceHints;
import io.streamkit.abr.policy.Variant;
import io.streamkit.abr.policy.VariantPolicy;
import io.streamkit.core.token.PlaybackClaims;
import java.util.ArrayList;
import java.util.List;

/**
 * The origin's default {@link VariantOrder}: the ABR module's {@link VariantPolicy} picks the start variant (the
 * richest whose peak fits a safe share of the start throughput estimate) and lists the rest by ascending bandwidth.
 *
 * <p>The origin has no throughput sample when a session starts, so the policy's start estimate applies. A policy is
 * built per master playlist request, which is once per playback session, not per segment. Variants the policy cannot
 * model (no resolution, as in audio-only entries) are listed after the video variants in their original order.
 */
public final class PolicyVariantOrder implements VariantOrder {

  /**
   * Throughput assumed at session start: with the policy's 0.7 safety share the start variant may peak at 2.1 Mbit/s,
   * under typical broadband and 4G downlinks, so the first segments rarely stall and the player's ABR climbs from
   * there. (hls.js assumes 500 kbit/s, which starts most sessions on the lowest rung of a VOD ladder.)
   */
  public static final double DEFAULT_START_THROUGHPUT_BPS = 3_000_000;

  /** Frame rate handed to the policy, which does not use it for ordering; a {@link ManifestVariant} has none. */
  private static final double UNUSED_FRAME_RATE = 30;

  private final double startThroughputBps;

  /** Assumes {@link #DEFAULT_START_THROUGHPUT_BPS} at session start. */
  public PolicyVariantOrder() {
    this(DEFAULT_START_THROUGHPUT_BPS);
  }

  /**
   * Assumes the given throughput at session start: higher starts sessions on richer variants, at more risk of an
   * early stall.
   *
   * @param startThroughputBps the throughput assumed at session start, in bits per second; positive and finite
   * @throws IllegalArgumentException if {@code startThroughputBps} is not a positive finite number
   */
  public PolicyVariantOrder(double startThroughputBps) {
    if (!(startThroughputBps > 0) || Double.isInfinite(startThroughputBps)) {
      throw new IllegalArgumentException(
          "start throughput must be a positive number of bits per second, got " + startThroughputBps);
    }
    this.startThroughputBps = startThroughputBps;
  }

  @Override
  public List<ManifestVariant> order(List<ManifestVariant> allowed, PlaybackClaims claims) {
    List<ManifestVariant> video = new ArrayList<>(allowed.size());
    List<ManifestVariant> other = new ArrayList<>();
    List<Variant> modelled = new ArrayList<>(allowed.size());
    for (ManifestVariant v : allowed) {
      if (v.width() > 0 && v.height() > 0 && v.bandwidth() > 0) {
        long average = v.averageBandwidth() > 0 ? Math.min(v.averageBandwidth(), v.bandwidth()) : v.bandwidth();
        modelled.add(new Variant(video.size(), v.width(), v.height(), v.bandwidth(), average,
            v.codecs().isBlank() ? "unknown" : v.codecs(), UNUSED_FRAME_RATE));
        video.add(v);
      } else {
        other.add(v);
      }
    }
    if (video.isEmpty()) {
      return allowed;
    }
    VariantPolicy policy = VariantPolicy.builder(modelled).build();
    int[] order = new int[policy.size()];
    // The playlist was already filtered by the token's height limit, so none is applied again here.
    int count = policy.allowedVariants(VariantPolicy.NO_HEIGHT_LIMIT, DeviceHints.NONE, startThroughputBps, order);
    List<ManifestVariant> ordered = new ArrayList<>(allowed.size());
    for (int i = 0; i < count; i++) {
      ordered.add(video.get(order[i]));
    }
    ordered.addAll(other);
    return ordered;
  }
}
