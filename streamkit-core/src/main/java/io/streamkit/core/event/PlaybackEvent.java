package io.streamkit.core.event;

import static io.streamkit.core.InvalidValueException.requireIdentifier;
import static io.streamkit.core.InvalidValueException.requireNonNull;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.ViewerId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One thing that happened during playback, for analytics and quality-of-experience reports.
 *
 * @param type what happened
 * @param viewerId the application's viewer id, following {@link ViewerId}
 * @param titleId the catalog id of the title
 * @param sessionId the playback session, 1 to {@link #MAX_SESSION_ID_LENGTH} characters without whitespace
 * @param position playback position when it happened, 0 or more
 * @param attributes free-form details, at most {@link #MAX_ATTRIBUTES} entries
 * @param occurredAt when it happened, kept to the millisecond
 * @param client the kind of client that reported it, {@link PlaybackClient#UNKNOWN} if not known
 */
public record PlaybackEvent(PlaybackEventType type, String viewerId, UUID titleId, String sessionId,
    Duration position, Map<String, String> attributes, Instant occurredAt, PlaybackClient client) {

  /** The longest session id, in characters; the store keeps it in a {@code VARCHAR(128)} column. */
  public static final int MAX_SESSION_ID_LENGTH = 128;
  /** The most attribute entries one event may carry. */
  public static final int MAX_ATTRIBUTES = 16;
  /** The longest attribute name, in characters; names follow the identifier rule (no whitespace or controls). */
  public static final int MAX_ATTRIBUTE_KEY_LENGTH = 64;
  /** The longest attribute value, in characters. */
  public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 256;

  /**
   * Checks every component, truncates {@code position} and {@code occurredAt} to the millisecond and keeps an
   * unmodifiable copy of the attributes, sorted by name.
   *
   * @param type what happened
   * @param viewerId the application's viewer id, following {@link ViewerId}
   * @param titleId the catalog id of the title; whether it exists is checked when the event is stored
   * @param sessionId the playback session, 1 to {@link #MAX_SESSION_ID_LENGTH} characters without whitespace or
   *     control characters
   * @param position playback position when it happened, 0 or more
   * @param attributes at most {@link #MAX_ATTRIBUTES} entries; names 1 to {@link #MAX_ATTRIBUTE_KEY_LENGTH}
   *     characters without whitespace, values non-null and at most {@link #MAX_ATTRIBUTE_VALUE_LENGTH} characters
   * @param occurredAt when it happened
   * @param client the kind of client that reported it
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public PlaybackEvent {
    requireNonNull("event type", type);
    ViewerId.require("viewerId", viewerId);
    requireNonNull("titleId", titleId);
    requireIdentifier("sessionId", sessionId, MAX_SESSION_ID_LENGTH);
    requireNonNull("position", position);
    if (position.isNegative()) {
      throw new InvalidValueException("position", position, "must be 0 or more");
    }
    position = position.truncatedTo(ChronoUnit.MILLIS);
    requireNonNull("attributes", attributes);
    if (attributes.size() > MAX_ATTRIBUTES) {
      throw new InvalidValueException("attributes", attributes.size() + " entries",
          "must have at most " + MAX_ATTRIBUTES + " entries");
    }
    attributes.forEach((key, value) -> {
      requireIdentifier("attribute name", key, MAX_ATTRIBUTE_KEY_LENGTH);
      requireNonNull("attribute " + key, value);
      if (value.length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
        throw new InvalidValueException("attribute " + key, value.length() + " characters",
            "must be at most " + MAX_ATTRIBUTE_VALUE_LENGTH + " characters");
      }
    });
    attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
    occurredAt = requireNonNull("occurredAt", occurredAt).truncatedTo(ChronoUnit.MILLIS);
    requireNonNull("client", client);
  }

  /**
   * An event from a client nothing is known about ({@link PlaybackClient#UNKNOWN}).
   *
   * @param type what happened
   * @param viewerId the application's viewer id, following {@link ViewerId}
   * @param titleId the catalog id of the title
   * @param sessionId the playback session
   * @param position playback position when it happened, 0 or more
   * @param attributes free-form details
   * @param occurredAt when it happened
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public PlaybackEvent(PlaybackEventType type, String viewerId, UUID titleId, String sessionId, Duration position,
      Map<String, String> attributes, Instant occurredAt) {
    this(type, viewerId, titleId, sessionId, position, attributes, occurredAt, PlaybackClient.UNKNOWN);
  }
}
