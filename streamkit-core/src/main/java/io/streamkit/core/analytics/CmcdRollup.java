package io.streamkit.core.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.event.PlaybackEventType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * The part of an {@link HourRollup} that Common Media Client Data (CTA-5004) fills: the origin records one
 * {@link PlaybackEventType#CMCD} event per media request that carried CMCD, its attributes named by their CMCD keys,
 * and the fold adds each to the rollup of its hour here. Every measure is a sum with its count or weight, so rows add
 * like the rest of the rollup:
 * <ul>
 *   <li>buffer length: mean of {@code bl} (CTA-5004: the buffer length when the request was made, ms);
 *   <li>measured throughput: mean of {@code mtp} (the player's throughput estimate, kbit/s);
 *   <li>encoded bitrate: mean of {@code br} (the requested object's encoded bitrate, kbit/s) weighted by the
 *       object's {@code d} (duration, ms), so a rendition counts for the media time it delivered;
 *   <li>starvations: requests carrying {@code bs} (the buffer ran dry since the previous request).
 * </ul>
 * CMCD describes one request, not a session's timeline, so these events take no part in the session-ordered
 * measures (watch time, stalls, plays) and may arrive in any order. A value that is not a whole number, or beyond
 * the named maximum, is left out rather than allowed to swamp the sums.
 */
final class CmcdRollup {

  /** The event type these measures come from. */
  static final String EVENT_TYPE = PlaybackEventType.CMCD.wireName();
  static final String COLUMNS = "cmcd_buffer_samples, cmcd_buffer_ms, cmcd_throughput_samples, cmcd_throughput_kbps,"
      + " cmcd_encoded_ms, cmcd_encoded_product, cmcd_starvations";
  static final int COLUMN_COUNT = 7;

  /** The longest buffer length counted, in milliseconds: an hour, far beyond any player's forward buffer. */
  static final long MAX_BUFFER_MS = 3_600_000;
  /** The highest throughput or bitrate counted, in kbit/s (100 Gbit/s). */
  static final long MAX_KBPS = 100_000_000;
  /** The longest object duration counted, in milliseconds. */
  static final long MAX_DURATION_MS = 3_600_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() { };

  long bufferSamples;
  long bufferMillis;
  long throughputSamples;
  long throughputKbps;
  long encodedMillis;
  double encodedProduct;
  long starvations;

  /** Adds one {@code cmcd} event, given its attributes as stored (a JSON object of strings). */
  void add(String attributesJson) {
    Map<String, String> attributes;
    try {
      attributes = JSON.readValue(attributesJson, ATTRIBUTES);
    } catch (JsonProcessingException e) {
      return;
    }
    long buffer = bounded(attributes.get("bl"), MAX_BUFFER_MS);
    if (buffer >= 0) {
      bufferSamples++;
      bufferMillis += buffer;
    }
    long throughput = bounded(attributes.get("mtp"), MAX_KBPS);
    if (throughput >= 0) {
      throughputSamples++;
      throughputKbps += throughput;
    }
    long bitrate = bounded(attributes.get("br"), MAX_KBPS);
    long duration = bounded(attributes.get("d"), MAX_DURATION_MS);
    if (bitrate >= 0 && duration > 0) {
      encodedMillis += duration;
      encodedProduct += (double) bitrate * duration;
    }
    if ("true".equals(attributes.get("bs"))) {
      starvations++;
    }
  }

  /** Reads {@link #COLUMNS} starting at column {@code first}. */
  void read(ResultSet row, int first) throws SQLException {
    bufferSamples = row.getLong(first);
    bufferMillis = row.getLong(first + 1);
    throughputSamples = row.getLong(first + 2);
    throughputKbps = row.getLong(first + 3);
    encodedMillis = row.getLong(first + 4);
    encodedProduct = row.getDouble(first + 5);
    starvations = row.getLong(first + 6);
  }

  /** Binds {@link #COLUMNS} starting at parameter {@code first}. */
  void bind(PreparedStatement statement, int first) throws SQLException {
    statement.setLong(first, bufferSamples);
    statement.setLong(first + 1, bufferMillis);
    statement.setLong(first + 2, throughputSamples);
    statement.setLong(first + 3, throughputKbps);
    statement.setLong(first + 4, encodedMillis);
    statement.setDouble(first + 5, encodedProduct);
    statement.setLong(first + 6, starvations);
  }

  void merge(CmcdRollup other) {
    bufferSamples += other.bufferSamples;
    bufferMillis += other.bufferMillis;
    throughputSamples += other.throughputSamples;
    throughputKbps += other.throughputKbps;
    encodedMillis += other.encodedMillis;
    encodedProduct += other.encodedProduct;
    starvations += other.starvations;
  }

  /** {@return the mean buffer length in milliseconds, or null without reports} */
  Long bufferLengthMs() {
    return bufferSamples > 0 ? Long.valueOf(Math.round((double) bufferMillis / bufferSamples)) : null;
  }

  /** {@return the mean measured throughput in kbit/s, or null without reports} */
  Long measuredThroughputKbps() {
    return throughputSamples > 0 ? Long.valueOf(Math.round((double) throughputKbps / throughputSamples)) : null;
  }

  /** {@return the duration-weighted mean encoded bitrate in kbit/s, or null without reports} */
  Long encodedBitrateKbps() {
    return encodedMillis > 0 ? Long.valueOf(Math.round(encodedProduct / encodedMillis)) : null;
  }

  private static long bounded(String value, long max) {
    if (value == null) {
      return -1;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      return parsed >= 0 && parsed <= max ? parsed : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
