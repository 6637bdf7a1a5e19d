package io.streamkit.core.analytics;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;

/**
 * The measures of one title (or of every title) over one hour or more: counters that add, and two sketches that
 * merge, so any set of rows sums to the rollup of their union. The column order of {@link #COLUMNS} is the order
 * {@link #read} and {@link #bind} use.
 */
final class HourRollup {

  static final String COLUMNS = "plays, watch_ms, completions, stalled_ms, errors, bitrate_ms, bitrate_product,"
      + " startups, startup_histogram, viewers_hll, " + CmcdRollup.COLUMNS;
  static final int COLUMN_COUNT = 10 + CmcdRollup.COLUMN_COUNT;
  /** One {@code ?} per column, comma-separated, for the VALUES of an insert. */
  static final String PARAMETERS = String.join(", ", Collections.nCopies(COLUMN_COUNT, "?"));

  long plays;
  long watchMillis;
  long completions;
  long stalledMillis;
  long errors;
  long bitrateMillis;
  double bitrateProduct;
  long startups;
  final LatencySketch startup;
  final ViewerSketch viewers;
  final CmcdRollup cmcd = new CmcdRollup();

  HourRollup() {
    this(new LatencySketch(), new ViewerSketch());
  }

  HourRollup(LatencySketch startup, ViewerSketch viewers) {
    this.startup = startup;
    this.viewers = viewers;
  }

  /** Reads {@link #COLUMNS} starting at column {@code first}. */
  static HourRollup read(ResultSet row, int first) throws SQLException {
    HourRollup rollup = new HourRollup(LatencySketch.decode(row.getString(first + 8)),
        ViewerSketch.decode(row.getString(first + 9)));
    rollup.plays = row.getLong(first);
    rollup.watchMillis = row.getLong(first + 1);
    rollup.completions = row.getLong(first + 2);
    rollup.stalledMillis = row.getLong(first + 3);
    rollup.errors = row.getLong(first + 4);
    rollup.bitrateMillis = row.getLong(first + 5);
    rollup.bitrateProduct = row.getDouble(first + 6);
    rollup.startups = row.getLong(first + 7);
    rollup.cmcd.read(row, first + 10);
    return rollup;
  }

  /** Binds {@link #COLUMNS} starting at parameter {@code first}. */
  void bind(PreparedStatement statement, int first) throws SQLException {
    statement.setLong(first, plays);
    statement.setLong(first + 1, watchMillis);
    statement.setLong(first + 2, completions);
    statement.setLong(first + 3, stalledMillis);
    statement.setLong(first + 4, errors);
    statement.setLong(first + 5, bitrateMillis);
    statement.setDouble(first + 6, bitrateProduct);
    statement.setLong(first + 7, startups);
    statement.setString(first + 8, startup.encode());
    statement.setString(first + 9, viewers.encode());
    cmcd.bind(statement, first + 10);
  }

  void merge(HourRollup other) {
    plays += other.plays;
    watchMillis += other.watchMillis;
    completions += other.completions;
    stalledMillis += other.stalledMillis;
    errors += other.errors;
    bitrateMillis += other.bitrateMillis;
    bitrateProduct += other.bitrateProduct;
    startups += other.startups;
    startup.merge(other.startup);
    viewers.merge(other.viewers);
    cmcd.merge(other.cmcd);
  }

  AnalyticsSummary summary() {
    double watchSeconds = watchMillis / 1000.0;
    double stalledSeconds = stalledMillis / 1000.0;
    double total = watchSeconds + stalledSeconds;
    return new AnalyticsSummary(plays, viewers.estimate(), watchSeconds, completions, startup.quantile(0.50),
        startup.quantile(0.95), total <= 0 ? 0 : stalledSeconds / total,
        bitrateMillis > 0 ? Long.valueOf(Math.round(bitrateProduct / bitrateMillis)) : null, errors,
        cmcd.bufferLengthMs(), cmcd.measuredThroughputKbps(), cmcd.encodedBitrateKbps(), cmcd.starvations);
  }
}
