package io.streamkit.core.event;

import io.streamkit.core.InvalidValueException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What happened in a player. The wire name is the lower-case constant name, e.g. {@code rebuffer_start}. */
public enum PlaybackEventType {
  /** Playback session opened (manifest requested). */
  SESSION_START,
  /** First frame shown; attributes carry {@code startupMs} (request to first frame) and {@code bitrate}. */
  STARTUP,
  PLAY,
  PAUSE,
  SEEK,
  /** Playback stalled waiting for data. */
  REBUFFER_START,
  /** Playback resumed after a stall. */
  REBUFFER_END,
  /**
   * The player switched renditions; attributes carry {@code bitrate} (the new rendition's, bits per second),
   * {@code fromHeight} and {@code toHeight}.
   */
  VARIANT_SWITCH,
  /** A playback error; attributes carry {@code code} and {@code message}. */
  ERROR,
  ENDED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type with this wire name.
   *
   * @throws InvalidValueException naming the accepted names
   */
  public static PlaybackEventType fromWireName(String wireName) {
    InvalidValueException.requireNonNull("event type", wireName);
    for (PlaybackEventType type : values()) {
      if (type.wireName().equals(wireName)) {
        return type;
      }
    }
    throw new InvalidValueException("event type", wireName, "must be one of "
        + Arrays.stream(values()).map(PlaybackEventType::wireName).collect(Collectors.joining(", ")));
  }
}
