package io.streamkit.core.recommend;

import static io.streamkit.core.InvalidValueException.requireNonNull;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import io.streamkit.core.store.StoreException;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * "Because you watched", "for you" and "popular now", from the watch progress in a {@link StreamkitStore}.
 *
 * <p>{@link #recompute} reads every viewer's progress once and replaces two precomputed tables in one transaction:
 * each title's most similar titles by co-watching ({@link CoWatchModel}: item-to-item cosine, damped for viewers who
 * watch everything) and each title's popularity now (every viewer's latest reading of it, weighted by
 * {@code 2^(-age / half-life)}). A viewer <em>watched</em> a title when the reading is completed or reached
 * {@link Builder#watchedFraction} of the duration. {@link #forViewer} reads only those tables and the viewer's own
 * progress, so serving recommendations costs a few indexed queries however large the history; recompute on a
 * schedule ({@link #claimRecomputation} lets one of several servers sharing the database do it per period).
 *
 * <p>Never recommended to a viewer: a title the viewer has any progress for (started titles belong in "continue
 * watching", finished ones are done), a title that is not {@link TitleStatus#PUBLISHED}, a title outside its
 * availability window now, and, when the caller passes the viewer's limits (a kids profile's), a title rated above
 * the viewer's maximum rating or unrated, or in none of the viewer's categories, or, when the caller passes where
 * the viewer is ({@link ViewerRegion}), a title not available there. These are checked as the lists are
 * read, against the catalog as it is then, so a title whose window closes or whose rating changes leaves the lists at
 * once, not at the next recomputation. A "because you watched" row whose watched title the viewer may no longer see
 * is left out too. A profile ({@link io.streamkit.core.profile.Profile}) is asked for under its own id, which is
 * where its progress is kept.
 *
 * <p>Thread-safe; every call is its own database work. Database failures surface as {@link StoreException}.
 */
public final class Recommender {

  /** By default a title counts as watched once half of it was seen. */
  public static final double DEFAULT_WATCHED_FRACTION = 0.5;
  /** By default each title keeps its 50 most similar titles. */
  public static final int DEFAULT_NEIGHBOURS = 50;
  /** The most neighbours a title may keep. */
  public static final int MAX_NEIGHBOURS = 1_000;
  /** By default a pair of titles needs two viewers in common to count as similar. */
  public static final int DEFAULT_MIN_CO_WATCHERS = 2;
  /** By default a play counts half as much for "popular now" after a week. */
  public static final Duration DEFAULT_POPULARITY_HALF_LIFE = Duration.ofDays(7);
  /** The shortest popularity half-life accepted. */
  public static final Duration MIN_POPULARITY_HALF_LIFE = Duration.ofHours(1);
  /** The longest popularity half-life accepted. */
  public static final Duration MAX_POPULARITY_HALF_LIFE = Duration.ofDays(3_650);
  /** The longest list {@link #forViewer} returns. */
  public static final int MAX_LIMIT = 100;
  /** "Because you watched" rows: one for each of the viewer's most recently watched titles, at most this many. */
  public static final int BECAUSE_YOU_WATCHED_ROWS = 3;
  /** The viewer's most recently watched titles whose neighbours make up the "for you" list. */
  public static final int FOR_YOU_SEEDS = 20;
  /** The longest node id in {@link #claimRecomputation}, in characters. */
  public static final int MAX_NODE_ID_LENGTH = 128;

  private static final int WRITE_BATCH = 1_000;
  private static final String PUBLISHED = "'" + TitleStatus.PUBLISHED.name() + "'";

  private final DataSource dataSource;
  private final Clock clock;
  private final double watchedFraction;
  private final int neighbours;
  private final int minCoWatchers;
  private final Duration halfLife;

  private Recommender(Builder builder) {
    this.dataSource = builder.store.dataSource();
    this.clock = builder.clock;
    this.watchedFraction = builder.watchedFraction;
    this.neighbours = builder.neighbours;
    this.minCoWatchers = builder.minCoWatchers;
    this.halfLife = builder.halfLife;
  }

  /**
   * {@return a builder for a recommender over {@code store}'s progress, with the defaults above}
   *
   * @param store the store whose database is read and written; it stays the caller's to close
   * @throws InvalidValueException if {@code store} is {@code null}
   */
  public static Builder builder(StreamkitStore store) {
    return new Builder(requireNonNull("store", store));
  }

  /**
   * Claims the next recomputation for {@code node} when none was claimed in the last {@code period}: a conditional
   * update of one row, so of several servers asking at once exactly one gets {@code true} per period. A node that
   * claims and then dies leaves the work to whoever asks after the period.
   *
   * @param node the claiming node's id, 1 to {@link #MAX_NODE_ID_LENGTH} characters
   * @param period how long the claim holds
   * @return whether {@code node} should call {@link #recompute} now
   * @throws InvalidValueException for a blank or too long node id, or a period that is not positive
   */
  public boolean claimRecomputation(String node, Duration period) {
    InvalidValueException.requireSingleLineText("node", node, MAX_NODE_ID_LENGTH);
    InvalidValueException.requireRange("period", period, Duration.ofSeconds(1), Duration.ofDays(365));
    Instant now = clock.instant();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update = connection.prepareStatement("UPDATE streamkit_recommender_state"
            + " SET lease_owner = ?, lease_until = ? WHERE id = 1 AND lease_until <= ?")) {
      update.setString(1, node);
      update.setTimestamp(2, Timestamp.from(now.plus(period)));
      update.setTimestamp(3, Timestamp.from(now));
      return update.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot claim the recommendations' recomputation", e);
    }
  }

  /**
   * Recomputes the similarities and popularity from all watch progress and replaces the stored ones in one
   * transaction: readers see the previous computation until it commits.
   *
   * @return what the computation saw
   * @throws StoreException if the database cannot be read or written; the previous computation stays
   */
  public Recomputation recompute() {
    Instant now = clock.instant();
    CoWatchModel model = new CoWatchModel();
    Map<UUID, Double> popularity = new HashMap<>();
    double decayPerMilli = Math.log(2) / halfLife.toMillis();
    int viewers = 0;
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement read = connection.prepareStatement("SELECT viewer_id, title_id, position_ms,"
          + " duration_ms, completed, client_ts FROM streamkit_progress ORDER BY viewer_id, client_ts DESC")) {
        read.setFetchSize(WRITE_BATCH);
        try (ResultSet row = read.executeQuery()) {
          String viewer = null;
          List<UUID> watched = new ArrayList<>();
          while (row.next()) {
            String rowViewer = row.getString(1);
            if (!rowViewer.equals(viewer)) {
              model.addViewer(watched);
              watched.clear();
              viewer = rowViewer;
              viewers++;
            }
            UUID title = row.getObject(2, UUID.class);
            if (watched(row.getLong(3), row.getLong(4), row.getBoolean(5))) {
              watched.add(title);
            }
            long ageMillis = Math.max(0, now.toEpochMilli() - row.getTimestamp(6).getTime());
            popularity.merge(title, Math.exp(-decayPerMilli * ageMillis), Double::sum);
          }
          model.addViewer(watched);
        }
      }
      Map<UUID, List<CoWatchModel.Neighbour>> similar = model.neighbours(neighbours, minCoWatchers);
      store(connection, similar, popularity, now);
      return new Recomputation(viewers, popularity.size(), similar.size(), now);
    } catch (SQLException e) {
      throw new StoreException("cannot recompute recommendations", e);
    }
  }

  /**
   * {@return the recommendations for one viewer, from the last {@link #recompute}}
   *
   * @param viewerId the viewer, following {@link ViewerId}
   * @param limit the longest list, 1 to {@link #MAX_LIMIT}
   * @throws InvalidValueException for a viewer id that breaks the rule or a limit out of range
   * @throws StoreException if the database cannot be read
   */
  public Recommendations forViewer(String viewerId, int limit) {
    return forViewer(viewerId, null, List.of(), limit);
  }

  /**
   * {@return the recommendations for one viewer within the viewer's limits, from the last {@link #recompute}}
   *
   * @param viewerId the viewer, following {@link ViewerId}; a profile's id for a profile
   * @param maxRating the most mature rating the viewer may watch ({@link MaturityRating#allowedUnder}; unrated titles
   *     are then left out), or {@code null} for no limit
   * @param categories the categories the viewer may watch (a title in any of them passes), or empty for all
   * @param limit the longest list, 1 to {@link #MAX_LIMIT}
   * @throws InvalidValueException for a viewer id that breaks the rule, a category that is not a valid slug, or a
   *     limit out of range
   * @throws StoreException if the database cannot be read
   */
  public Recommendations forViewer(String viewerId, MaturityRating maxRating, List<String> categories, int limit) {
    return forViewer(viewerId, maxRating, categories, ViewerRegion.UNCHECKED, limit);
  }

  /**
   * {@return the recommendations for one viewer within the viewer's limits and region, from the last
   * {@link #recompute}}
   *
   * @param viewerId the viewer, following {@link ViewerId}; a profile's id for a profile
   * @param maxRating the most mature rating the viewer may watch, or {@code null} for no limit
   * @param categories the categories the viewer may watch, or empty for all
   * @param region where the viewer is: titles it does not {@link ViewerRegion#admits admit} are left out
   * @param limit the longest list, 1 to {@link #MAX_LIMIT}
   * @throws InvalidValueException for a viewer id that breaks the rule, a category that is not a valid slug, or a
   *     limit out of range
   * @throws StoreException if the database cannot be read
   */
  public Recommendations forViewer(String viewerId, MaturityRating maxRating, List<String> categories,
      ViewerRegion region, int limit) {
    ViewerId.require("viewerId", viewerId);
    InvalidValueException.requireRange("limit", limit, 1, MAX_LIMIT);
    Audience audience = new Audience(clock.instant(), maxRating,
        TitleMetadata.NONE.withCategories(requireNonNull("categories", categories)).categories(),
        requireNonNull("region", region));
    try (Connection connection = dataSource.getConnection()) {
      Instant computedAt = computedAt(connection);
      Set<UUID> started = new HashSet<>();
      List<UUID> watched = new ArrayList<>();
      try (PreparedStatement read = connection.prepareStatement("SELECT title_id, position_ms, duration_ms,"
          + " completed FROM streamkit_progress WHERE viewer_id = ? ORDER BY client_ts DESC, title_id")) {
        read.setString(1, viewerId);
        try (ResultSet row = read.executeQuery()) {
          while (row.next()) {
            UUID title = row.getObject(1, UUID.class);
            started.add(title);
            if (watched(row.getLong(2), row.getLong(3), row.getBoolean(4))) {
              watched.add(title);
            }
          }
        }
      }
      List<UUID> popular = popular(connection, audience, started, limit);
      List<Recommendations.BecauseYouWatched> rows = new ArrayList<>();
      List<UUID> seeds = watched.subList(0, Math.min(BECAUSE_YOU_WATCHED_ROWS, watched.size()));
      Set<UUID> visibleSeeds = seeds.isEmpty() ? Set.of() : visible(connection, audience, seeds);
      for (UUID seed : seeds) {
        if (!visibleSeeds.contains(seed)) {
          continue;
        }
        List<UUID> titles = new ArrayList<>(similarTo(connection, audience, List.of(seed), started).keySet());
        if (!titles.isEmpty()) {
          rows.add(new Recommendations.BecauseYouWatched(seed, titles.subList(0, Math.min(limit, titles.size()))));
        }
      }
      LinkedHashSet<UUID> forYou = new LinkedHashSet<>();
      if (!watched.isEmpty()) {
        similarTo(connection, audience, watched.subList(0, Math.min(FOR_YOU_SEEDS, watched.size())), started)
            .keySet()
            .stream().limit(limit).forEach(forYou::add);
      }
      popular.stream().filter(title -> forYou.size() < limit).forEach(forYou::add);
      return new Recommendations(List.copyOf(forYou), rows, popular, computedAt);
    } catch (SQLException e) {
      throw new StoreException("cannot read the recommendations of viewer " + viewerId, e);
    }
  }

  private boolean watched(long positionMs, long durationMs, boolean completed) {
    return completed || (durationMs > 0 && positionMs >= watchedFraction * durationMs);
  }

  /**
   * Titles similar to the seeds, scored by the sum of their similarity to each seed (Deshpande and Karypis' top-N),
   * best first, ties by id; only those the audience may see now, none of {@code excluded}.
   */
  private static Map<UUID, Double> similarTo(Connection connection, Audience audience, List<UUID> seeds,
      Set<UUID> excluded) throws SQLException {
    String placeholders = String.join(",", Collections.nCopies(seeds.size(), "?"));
    Map<UUID, Double> scores = new LinkedHashMap<>();
    try (PreparedStatement read = connection.prepareStatement("SELECT n.neighbour_id, SUM(n.score) AS total"
        + " FROM streamkit_title_neighbours n JOIN streamkit_titles t ON t.id = n.neighbour_id"
        + " WHERE n.title_id IN (" + placeholders + ") AND " + audience.where()
        + " GROUP BY n.neighbour_id ORDER BY total DESC, n.neighbour_id")) {
      for (int k = 0; k < seeds.size(); k++) {
        read.setObject(k + 1, seeds.get(k));
      }
      audience.bind(read, seeds.size() + 1);
      try (ResultSet row = read.executeQuery()) {
        while (row.next()) {
          UUID title = row.getObject(1, UUID.class);
          if (!excluded.contains(title)) {
            scores.put(title, row.getDouble(2));
          }
        }
      }
    }
    return scores;
  }

  private static List<UUID> popular(Connection connection, Audience audience, Set<UUID> excluded, int limit)
      throws SQLException {
    List<UUID> titles = new ArrayList<>();
    try (PreparedStatement read = connection.prepareStatement("SELECT p.title_id FROM streamkit_title_popularity p"
        + " JOIN streamkit_titles t ON t.id = p.title_id WHERE " + audience.where()
        + " ORDER BY p.score DESC, p.title_id")) {
      audience.bind(read, 1);
      read.setMaxRows(limit + excluded.size());
      try (ResultSet row = read.executeQuery()) {
        while (row.next() && titles.size() < limit) {
          UUID title = row.getObject(1, UUID.class);
          if (!excluded.contains(title)) {
            titles.add(title);
          }
        }
      }
    }
    return titles;
  }

  /** Which of {@code titles} the audience may see now. */
  private static Set<UUID> visible(Connection connection, Audience audience, List<UUID> titles) throws SQLException {
    Set<UUID> visible = new HashSet<>();
    try (PreparedStatement read = connection.prepareStatement("SELECT t.id FROM streamkit_titles t WHERE t.id IN ("
        + String.join(",", Collections.nCopies(titles.size(), "?")) + ") AND " + audience.where())) {
      for (int k = 0; k < titles.size(); k++) {
        read.setObject(k + 1, titles.get(k));
      }
      audience.bind(read, titles.size() + 1);
      try (ResultSet row = read.executeQuery()) {
        while (row.next()) {
          visible.add(row.getObject(1, UUID.class));
        }
      }
    }
    return visible;
  }

  /**
   * Who the lists are for, as a condition on the titles table {@code t}: published, inside the availability window at
   * {@code now} (from inclusive, until exclusive, as the catalog's search reads it), rated at or below
   * {@code maxRating} when set (an unrated title's NULL rank passes no limit), in one of {@code categories} when
   * any are given, and admitted by the viewer's {@code region}.
   */
  private record Audience(Instant now, MaturityRating maxRating, List<String> categories, ViewerRegion region) {

    String where() {
      return "t.status = " + PUBLISHED + " AND (t.available_from IS NULL OR t.available_from <= ?)"
          + " AND (t.available_until IS NULL OR t.available_until > ?)"
          + (maxRating == null ? "" : " AND t.maturity_rank <= ?")
          + (categories.isEmpty() ? "" : " AND EXISTS (SELECT 1 FROM streamkit_title_categories c"
              + " WHERE c.title_id = t.id AND c.category IN ("
              + String.join(",", Collections.nCopies(categories.size(), "?")) + "))")
          + (region.restricts() ? " AND " + region.condition("t.regions") : "");
    }

    /** Binds {@link #where()}'s parameters from {@code index} on. */
    void bind(PreparedStatement statement, int index) throws SQLException {
      OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
      statement.setObject(index++, at);
      statement.setObject(index++, at);
      if (maxRating != null) {
        statement.setInt(index++, maxRating.ordinal());
      }
      for (String category : categories) {
        statement.setString(index++, category);
      }
      if (region.restricts()) {
        for (String parameter : region.conditionParameters()) {
          statement.setString(index++, parameter);
        }
      }
    }
  }

  private static Instant computedAt(Connection connection) throws SQLException {
    try (PreparedStatement read = connection.prepareStatement(
            "SELECT computed_at FROM streamkit_recommender_state WHERE id = 1");
        ResultSet row = read.executeQuery()) {
      Timestamp at = row.next() ? row.getTimestamp(1) : null;
      return at == null ? null : at.toInstant();
    }
  }

  private static void store(Connection connection, Map<UUID, List<CoWatchModel.Neighbour>> similar,
      Map<UUID, Double> popularity, Instant now) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM streamkit_title_neighbours")) {
        delete.executeUpdate();
      }
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM streamkit_title_popularity")) {
        delete.executeUpdate();
      }
      // A title deleted since the progress was read would break the foreign keys: the INSERT ... SELECT writes
      // only rows whose titles still exist.
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_title_neighbours"
          + " (title_id, neighbour_id, neighbour_rank, score) SELECT a.id, b.id, ?, ? FROM streamkit_titles a,"
          + " streamkit_titles b WHERE a.id = ? AND b.id = ?")) {
        int pending = 0;
        for (Map.Entry<UUID, List<CoWatchModel.Neighbour>> entry : similar.entrySet()) {
          int rank = 1;
          for (CoWatchModel.Neighbour neighbour : entry.getValue()) {
            insert.setInt(1, rank++);
            insert.setDouble(2, neighbour.similarity());
            insert.setObject(3, entry.getKey());
            insert.setObject(4, neighbour.title());
            insert.addBatch();
            if (++pending == WRITE_BATCH) {
              insert.executeBatch();
              pending = 0;
            }
          }
        }
        insert.executeBatch();
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO streamkit_title_popularity"
          + " (title_id, score) SELECT id, ? FROM streamkit_titles WHERE id = ?")) {
        int pending = 0;
        for (Map.Entry<UUID, Double> entry : popularity.entrySet()) {
          insert.setDouble(1, entry.getValue());
          insert.setObject(2, entry.getKey());
          insert.addBatch();
          if (++pending == WRITE_BATCH) {
            insert.executeBatch();
            pending = 0;
          }
        }
        insert.executeBatch();
      }
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE streamkit_recommender_state SET computed_at = ? WHERE id = 1")) {
        update.setTimestamp(1, Timestamp.from(now));
        update.executeUpdate();
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * What one {@link #recompute} saw.
   *
   * @param viewers viewers with any progress
   * @param titles titles with any progress (they have a popularity)
   * @param titlesWithNeighbours titles that have at least one similar title
   * @param computedAt when the computation ran
   */
  public record Recomputation(int viewers, int titles, int titlesWithNeighbours, Instant computedAt) {}

  /**
   * Settings of a {@link Recommender}, validated as they are set.
   */
  public static final class Builder {

    private final StreamkitStore store;
    private Clock clock = Clock.systemUTC();
    private double watchedFraction = DEFAULT_WATCHED_FRACTION;
    private int neighbours = DEFAULT_NEIGHBOURS;
    private int minCoWatchers = DEFAULT_MIN_CO_WATCHERS;
    private Duration halfLife = DEFAULT_POPULARITY_HALF_LIFE;

    private Builder(StreamkitStore store) {
      this.store = store;
    }

    /**
     * Sets the clock that dates computations and ages plays; the system UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     * @throws InvalidValueException if {@code clock} is {@code null}
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull("clock", clock);
      return this;
    }

    /**
     * Sets the share of a title a viewer must have seen for it to count as watched;
     * {@value #DEFAULT_WATCHED_FRACTION} by default. A completed reading always counts.
     *
     * @param fraction above 0, at most 1
     * @return this builder
     * @throws InvalidValueException if {@code fraction} is out of range
     */
    public Builder watchedFraction(double fraction) {
      this.watchedFraction = InvalidValueException.requireRange("watchedFraction", fraction, 0, 1);
      return this;
    }

    /**
     * Sets how many similar titles each title keeps; {@value #DEFAULT_NEIGHBOURS} by default.
     *
     * @param neighbours 1 to {@link #MAX_NEIGHBOURS}
     * @return this builder
     * @throws InvalidValueException if {@code neighbours} is out of range
     */
    public Builder neighbours(int neighbours) {
      this.neighbours = (int) InvalidValueException.requireRange("neighbours", neighbours, 1, MAX_NEIGHBOURS);
      return this;
    }

    /**
     * Sets how many viewers two titles need in common to be similar; {@value #DEFAULT_MIN_CO_WATCHERS} by default.
     *
     * @param viewers 1 to 1,000
     * @return this builder
     * @throws InvalidValueException if {@code viewers} is out of range
     */
    public Builder minCoWatchers(int viewers) {
      this.minCoWatchers = (int) InvalidValueException.requireRange("minCoWatchers", viewers, 1, 1_000);
      return this;
    }

    /**
     * Sets the age at which a play counts half for "popular now"; {@link #DEFAULT_POPULARITY_HALF_LIFE} by default.
     *
     * @param halfLife {@link #MIN_POPULARITY_HALF_LIFE} to {@link #MAX_POPULARITY_HALF_LIFE}
     * @return this builder
     * @throws InvalidValueException if {@code halfLife} is {@code null} or out of range
     */
    public Builder popularityHalfLife(Duration halfLife) {
      this.halfLife = InvalidValueException.requireRange("popularityHalfLife", halfLife,
          MIN_POPULARITY_HALF_LIFE, MAX_POPULARITY_HALF_LIFE);
      return this;
    }

    /** {@return the recommender} */
    public Recommender build() {
      return new Recommender(this);
    }
  }
}
