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
  /** Playback started or resumed at the viewer's request; counts the session as a play in analytics. */
  PLAY,
  /** The viewer paused. */
  PAUSE,
  /** The viewer moved the play head; the event's position is where playback continues. */
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
  /** Playback reached the end of the title. */
  ENDED,
  /**
   * A media request carried Common Media Client Data (CTA-5004): recorded by the origin, one per request, with the
   * CMCD keys it reported as attributes under their CMCD names: {@code bl} (buffer length, ms), {@code mtp}
   * (measured throughput, kbit/s), {@code br} (encoded bitrate of the object, kbit/s), {@code d} (object duration,
   * ms), {@code ot} (object type) and {@code bs} ({@code true} after a buffer starvation). It carries no position.
   */
  CMCD;

  /** {@return the name on the wire and in the store: the constant's name in lower case, e.g. {@code rebuffer_start}} */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@return the type with this wire name}
   *
   * @param wireName a name as {@link #wireName()} spells it; case matters
   * @throws InvalidValueException naming the accepted names, for {@code null} or an unknown name
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
