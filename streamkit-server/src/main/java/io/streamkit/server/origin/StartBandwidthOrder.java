package io.streamkit.server.origin;

import io.streamkit.core.token.PlaybackClaims;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The default {@link VariantOrder}: first the richest variant whose peak bandwidth fits a start estimate, then the
 * rest from lowest to highest bandwidth. The start estimate stands in for a throughput measurement the origin does not
 * have at session start; 2 Mbit/s is below typical broadband and 4G downlinks, so the first segment rarely stalls,
 * and the player's own ABR climbs from there. Without a variant under the estimate the lowest starts.
 */
public final class StartBandwidthOrder implements VariantOrder {

  /** Start estimate used when none is given, in bits per second. */
  public static final long DEFAULT_START_BITS_PER_SECOND = 2_000_000;

  private final long startBitsPerSecond;

  public StartBandwidthOrder() {
    this(DEFAULT_START_BITS_PER_SECOND);
  }

  public StartBandwidthOrder(long startBitsPerSecond) {
    if (startBitsPerSecond <= 0) {
      throw new IllegalArgumentException("start bandwidth must be positive bits per second, got " + startBitsPerSecond);
    }
    this.startBitsPerSecond = startBitsPerSecond;
  }

  @Override
  public List<Variant> order(List<Variant> allowed, PlaybackClaims claims) {
    List<Variant> sorted = new ArrayList<>(allowed);
    sorted.sort(Comparator.comparingLong(Variant::bandwidth));
    int start = 0;
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i).bandwidth() <= startBitsPerSecond) {
        start = i;
      }
    }
    if (!sorted.isEmpty()) {
      sorted.add(0, sorted.remove(start));
    }
    return sorted;
  }
}
