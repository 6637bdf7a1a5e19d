package io.streamkit.core.analytics;

import java.util.Map;
import java.util.TreeMap;

/**
 * Startup times as a logarithmic histogram in the manner of DDSketch (Masson, Rim and Lee, "DDSketch: a fast and
 * fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019, section 2): a value {@code x >= 1} ms
 * falls in bucket {@code ceil(log_gamma(x))} with {@code gamma = (1 + a) / (1 - a)}, and a quantile is answered by
 * the nearest-rank bucket's midpoint {@code 2 gamma^i / (gamma + 1)}, within relative error {@code a} =
 * {@value #RELATIVE_ACCURACY} of the true nearest-rank value. Values below 1 ms share bucket 0 and read as 0.
 * Histograms merge by adding counts, so hours add up to days and titles to the platform exactly.
 *
 * <p>Stored as text: {@code index:count} pairs separated by commas, ascending; values are capped at
 * {@value #MAX_MILLIS} ms, so there are at most 150 buckets and the text stays under 4,000 characters.
 */
final class LatencySketch {

  static final double RELATIVE_ACCURACY = 0.05;
  static final long MAX_MILLIS = 10 * 60 * 1000;
  private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
  private static final double LOG_GAMMA = Math.log(GAMMA);

  private final TreeMap<Integer, Long> counts = new TreeMap<>();

  void add(long millis) {
    long value = Math.min(millis, MAX_MILLIS);
    int index = value < 1 ? 0 : Math.max(1, (int) Math.ceil(Math.log(value) / LOG_GAMMA));
    counts.merge(index, 1L, Long::sum);
  }

  void merge(LatencySketch other) {
    other.counts.forEach((index, count) -> counts.merge(index, count, Long::sum));
  }

  /** {@return the nearest-rank quantile, or null when empty} */
  Long quantile(double fraction) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * total));
    long seen = 0;
    for (Map.Entry<Integer, Long> bucket : counts.entrySet()) {
      seen += bucket.getValue();
      if (seen >= rank) {
        int index = bucket.getKey();
        return index == 0 ? 0 : Math.round(2 * Math.pow(GAMMA, index) / (GAMMA + 1));
      }
    }
    throw new IllegalStateException("rank " + rank + " beyond " + total);
  }

  String encode() {
    StringBuilder text = new StringBuilder();
    counts.forEach((index, count) -> {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(index).append(':').append(count);
    });
    return text.toString();
  }

  static LatencySketch decode(String text) {
    LatencySketch sketch = new LatencySketch();
    if (!text.isEmpty()) {
      for (String pair : text.split(",")) {
        int colon = pair.indexOf(':');
        sketch.counts.merge(Integer.parseInt(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)),
            Long::sum);
      }
    }
    return sketch;
  }
}
