package io.streamkit.core.analytics;

import io.streamkit.core.InvalidValueException;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The measures a time series can follow; each wire name is the {@link AnalyticsSummary} field it reads. */
public enum AnalyticsMetric {
  /** {@link AnalyticsSummary#plays()}. */
  PLAYS("plays", AnalyticsSummary::plays),
  /** {@link AnalyticsSummary#uniqueViewers()}. */
  UNIQUE_VIEWERS("uniqueViewers", AnalyticsSummary::uniqueViewers),
  /** {@link AnalyticsSummary#watchTimeSeconds()}. */
  WATCH_TIME("watchTimeSeconds", AnalyticsSummary::watchTimeSeconds),
  /** {@link AnalyticsSummary#completions()}. */
  COMPLETIONS("completions", AnalyticsSummary::completions),
  /** {@link AnalyticsSummary#startupMsP50()}. */
  STARTUP_P50("startupMsP50", AnalyticsSummary::startupMsP50),
  /** {@link AnalyticsSummary#startupMsP95()}. */
  STARTUP_P95("startupMsP95", AnalyticsSummary::startupMsP95),
  /** {@link AnalyticsSummary#rebufferRatio()}. */
  REBUFFER_RATIO("rebufferRatio", AnalyticsSummary::rebufferRatio),
  /** {@link AnalyticsSummary#averageBitrate()}. */
  AVERAGE_BITRATE("averageBitrate", AnalyticsSummary::averageBitrate),
  /** {@link AnalyticsSummary#errors()}. */
  ERRORS("errors", AnalyticsSummary::errors),
  /** {@link AnalyticsSummary#bufferLengthMs()}. */
  BUFFER_LENGTH("bufferLengthMs", AnalyticsSummary::bufferLengthMs),
  /** {@link AnalyticsSummary#measuredThroughputKbps()}. */
  MEASURED_THROUGHPUT("measuredThroughputKbps", AnalyticsSummary::measuredThroughputKbps),
  /** {@link AnalyticsSummary#encodedBitrateKbps()}. */
  ENCODED_BITRATE("encodedBitrateKbps", AnalyticsSummary::encodedBitrateKbps),
  /** {@link AnalyticsSummary#starvations()}. */
  STARVATIONS("starvations", AnalyticsSummary::starvations);

  private final String wireName;
  private final Function<AnalyticsSummary, Number> reader;

  AnalyticsMetric(String wireName, Function<AnalyticsSummary, Number> reader) {
    this.wireName = wireName;
    this.reader = reader;
  }

  /** {@return the name in URLs and JSON, e.g. {@code watchTimeSeconds}} */
  public String wireName() {
    return wireName;
  }

  /**
   * {@return this measure's value in {@code summary}; null where the summary has none}
   *
   * @param summary the measures of one point
   */
  public Number of(AnalyticsSummary summary) {
    return reader.apply(summary);
  }

  /**
   * {@return the metric with this wire name}
   *
   * @param wireName a name as {@link #wireName()} spells it; case matters
   * @throws InvalidValueException naming the accepted names, for {@code null} or an unknown name
   */
  public static AnalyticsMetric fromWireName(String wireName) {
    InvalidValueException.requireNonNull("metric", wireName);
    return Arrays.stream(values()).filter(metric -> metric.wireName.equals(wireName)).findFirst()
        .orElseThrow(() -> new InvalidValueException("metric", wireName, "must be one of "
            + Arrays.stream(values()).map(AnalyticsMetric::wireName).collect(Collectors.joining(", "))));
  }
}
