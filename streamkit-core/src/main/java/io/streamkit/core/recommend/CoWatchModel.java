package io.streamkit.core.recommend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Item-to-item similarity from co-watching, built in one pass over viewers' histories (Linden, Smith and York,
 * "Amazon.com recommendations: item-to-item collaborative filtering", IEEE Internet Computing 2003; the cosine and
 * the top-N scoring of Deshpande and Karypis, "Item-based top-N recommendation algorithms", ACM TOIS 2004).
 *
 * <p>Each title is a vector over viewers: viewer {@code u}'s entry is {@code 1 / sqrt(ln(1 + n_u))} if {@code u}
 * watched it, where {@code n_u} is how many titles {@code u} watched. The damping is the inverse-frequency idea of
 * Breese, Heckerman and Kadie (UAI 1998) applied to viewers: a viewer who watches everything says little about any
 * pair. The similarity of two titles is the cosine of their vectors, {@code C(i,j) / sqrt(N_i * N_j)} with
 * {@code C(i,j) = sum over viewers of both of 1/ln(1+n_u)} and {@code N_i} the same sum over the viewers of
 * {@code i}: dividing by both titles' audiences keeps a title everybody watched from being everyone's neighbour.
 * Only each viewer's {@link #MAX_TITLES_PER_VIEWER} most recent titles form pairs, which bounds the pass at
 * {@code viewers * MAX_TITLES_PER_VIEWER^2 / 2} pair updates.
 *
 * <p>Not thread-safe: one computation builds one model.
 */
final class CoWatchModel {

  /** The most recent titles of one viewer that form pairs. */
  static final int MAX_TITLES_PER_VIEWER = 200;

  private final Map<UUID, Integer> indexes = new HashMap<>();
  private final List<UUID> titles = new ArrayList<>();
  private final Map<Long, double[]> coWatch = new HashMap<>();
  private double[] audience = new double[64];

  /**
   * Adds one viewer's watched titles.
   *
   * @param watched the titles, most recent first, each once
   */
  void addViewer(List<UUID> watched) {
    if (watched.isEmpty()) {
      return;
    }
    double weight = 1 / Math.log(1 + watched.size());
    int n = Math.min(watched.size(), MAX_TITLES_PER_VIEWER);
    int[] ids = new int[n];
    for (int k = 0; k < n; k++) {
      ids[k] = index(watched.get(k));
      audience[ids[k]] += weight;
    }
    Arrays.sort(ids);
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        double[] pair = coWatch.computeIfAbsent(((long) ids[a] << 32) | ids[b], key -> new double[2]);
        pair[0] += weight;
        pair[1]++;
      }
    }
  }

  /**
   * {@return for each title with neighbours, its {@code limit} most similar titles, best first} Pairs watched
   * together by fewer than {@code minCoWatchers} viewers are ignored: one shared viewer is chance, not taste.
   *
   * @param limit neighbours kept per title
   * @param minCoWatchers the fewest viewers a pair needs in common
   */
  Map<UUID, List<Neighbour>> neighbours(int limit, int minCoWatchers) {
    Map<Integer, List<Neighbour>> byIndex = new HashMap<>();
    coWatch.forEach((key, pair) -> {
      if (pair[1] < minCoWatchers) {
        return;
      }
      int i = (int) (key >>> 32);
      int j = (int) (long) key;
      double similarity = pair[0] / Math.sqrt(audience[i] * audience[j]);
      byIndex.computeIfAbsent(i, k -> new ArrayList<>()).add(new Neighbour(titles.get(j), similarity));
      byIndex.computeIfAbsent(j, k -> new ArrayList<>()).add(new Neighbour(titles.get(i), similarity));
    });
    Map<UUID, List<Neighbour>> result = new HashMap<>();
    byIndex.forEach((index, list) -> {
      // Ties (equal similarity) go by title id, so a recomputation over the same history gives the same order.
      list.sort((a, b) -> a.similarity() != b.similarity() ? Double.compare(b.similarity(), a.similarity())
          : a.title().compareTo(b.title()));
      result.put(titles.get(index), List.copyOf(list.subList(0, Math.min(limit, list.size()))));
    });
    return result;
  }

  private int index(UUID title) {
    Integer index = indexes.get(title);
    if (index == null) {
      index = titles.size();
      indexes.put(title, index);
      titles.add(title);
      if (index == audience.length) {
        audience = Arrays.copyOf(audience, index * 2);
      }
    }
    return index;
  }

  /**
   * One similar title.
   *
   * @param title the similar title
   * @param similarity the cosine, in (0, 1]
   */
  record Neighbour(UUID title, double similarity) {}
}
