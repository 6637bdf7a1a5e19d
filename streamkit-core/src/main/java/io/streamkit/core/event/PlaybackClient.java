package io.streamkit.core.event;

import io.streamkit.core.InvalidValueException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What kind of client played: a device class, a browser family and an operating-system family, each from a short
 * fixed list, so analytics can break playback down by them without keeping anything that identifies a viewer. The
 * origin derives it from the {@code User-Agent} of the request that posted the events ({@link #fromUserAgent}); the
 * raw header is never stored.
 *
 * @param device the device class
 * @param browser the browser family
 * @param os the operating-system family
 */
public record PlaybackClient(Device device, Browser browser, Os os) {

  /** A client nothing is known about: {@code other} in every part. */
  public static final PlaybackClient UNKNOWN = new PlaybackClient(Device.OTHER, Browser.OTHER, Os.OTHER);
  /**
   * Only this many leading characters of a {@code User-Agent} are examined; every token that classifies a client
   * appears well before it, and it bounds the work an oversized header can cause.
   */
  public static final int MAX_USER_AGENT_CHARS = 512;

  /**
   * Checks that no part is missing.
   *
   * @param device the device class
   * @param browser the browser family
   * @param os the operating-system family
   * @throws InvalidValueException naming the missing part
   */
  public PlaybackClient {
    InvalidValueException.requireNonNull("device", device);
    InvalidValueException.requireNonNull("browser", browser);
    InvalidValueException.requireNonNull("os", os);
  }

  /** The class of device; the wire name is the lower-case constant name. */
  public enum Device {
    /** A desktop or laptop computer. */
    DESKTOP,
    /** A phone. */
    PHONE,
    /** A tablet. iPadOS 13 and later announce themselves as a Mac, so their Safari counts as desktop. */
    TABLET,
    /** A television: smart TV, streaming stick or box, games console. */
    TV,
    /** Anything else, or not known. */
    OTHER;

    /** {@return the wire name, e.g. {@code phone}} */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return the device class with this wire name}
     *
     * @param wireName a name as {@link #wireName()} spells it
     * @throws InvalidValueException naming the accepted names, for {@code null} or an unknown name
     */
    public static Device fromWireName(String wireName) {
      return PlaybackClient.fromWireName("device class", values(), wireName);
    }
  }

  /** The browser family; Chromium-based browsers with their own brand (Opera, Samsung Internet) count as other. */
  public enum Browser {
    /** Google Chrome, also on iOS, and Chromium. */
    CHROME,
    /** Apple Safari. */
    SAFARI,
    /** Mozilla Firefox, also on iOS. */
    FIREFOX,
    /** Microsoft Edge. */
    EDGE,
    /** Anything else, or not known. */
    OTHER;

    /** {@return the wire name, e.g. {@code safari}} */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return the browser family with this wire name}
     *
     * @param wireName a name as {@link #wireName()} spells it
     * @throws InvalidValueException naming the accepted names, for {@code null} or an unknown name
     */
    public static Browser fromWireName(String wireName) {
      return PlaybackClient.fromWireName("browser", values(), wireName);
    }
  }

  /** The operating-system family; TV systems (Tizen, webOS) and Chrome OS count as other. */
  public enum Os {
    /** Microsoft Windows. */
    WINDOWS,
    /** Apple macOS. */
    MACOS,
    /** Apple iOS and iPadOS (where it says so). */
    IOS,
    /** Android, including Android TV and Fire OS. */
    ANDROID,
    /** Desktop Linux. */
    LINUX,
    /** Anything else, or not known. */
    OTHER;

    /** {@return the wire name, e.g. {@code ios}} */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return the operating-system family with this wire name}
     *
     * @param wireName a name as {@link #wireName()} spells it
     * @throws InvalidValueException naming the accepted names, for {@code null} or an unknown name
     */
    public static Os fromWireName(String wireName) {
      return PlaybackClient.fromWireName("os", values(), wireName);
    }
  }

  /**
   * {@return this client with another device class, e.g. one an embedding player declared}
   *
   * @param device the device class
   * @throws InvalidValueException if {@code device} is {@code null}
   */
  public PlaybackClient withDevice(Device device) {
    return new PlaybackClient(device, browser, os);
  }

  /**
   * Classifies a {@code User-Agent} header by the product tokens browsers and devices put in it, following the
   * conventions of RFC 9110 section 10.1.5 and the vendors' documented strings: branded browsers are told apart
   * before the engines they all name ({@code Edg/} and {@code OPR/} before {@code Chrome/}, {@code Chrome/} before
   * {@code Safari/}), televisions before the phones whose systems they run ({@code Android TV}, Fire TV's
   * {@code AFT}), and an Android without {@code Mobile} is a tablet, as Google's guidance for user-agent strings
   * prescribes.
   *
   * @param userAgent the header's value; {@code null} or blank gives {@link #UNKNOWN}
   * @return the classification; never {@code null}
   */
  public static PlaybackClient fromUserAgent(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return UNKNOWN;
    }
    String ua = userAgent.length() > MAX_USER_AGENT_CHARS ? userAgent.substring(0, MAX_USER_AGENT_CHARS)
        : userAgent;
    String lower = ua.toLowerCase(Locale.ROOT);
    return new PlaybackClient(device(lower), browser(lower), os(lower));
  }

  private static Device device(String ua) {
    if (containsAny(ua, "smart-tv", "smarttv", "smart tv", "googletv", "android tv", "appletv", "apple tv",
        "hbbtv", "web0s", "webos", "tizen", "bravia", "roku", "crkey", "; aft", "playstation", "xbox", "netcast",
        "viera")) {
      return Device.TV;
    }
    if (containsAny(ua, "ipad", "tablet", "kindle", "silk/", "playbook")) {
      return Device.TABLET;
    }
    if (containsAny(ua, "iphone", "ipod", "windows phone")) {
      return Device.PHONE;
    }
    if (ua.contains("android")) {
      return ua.contains("mobile") ? Device.PHONE : Device.TABLET;
    }
    if (ua.contains("mobile")) {
      return Device.PHONE;
    }
    if (containsAny(ua, "windows nt", "macintosh", "x11", "; cros")) {
      return Device.DESKTOP;
    }
    return Device.OTHER;
  }

  private static Browser browser(String ua) {
    if (containsAny(ua, "edg/", "edga/", "edgios/", "edge/")) {
      return Browser.EDGE;
    }
    if (containsAny(ua, "firefox/", "fxios/")) {
      return Browser.FIREFOX;
    }
    if (containsAny(ua, "opr/", "opera", "samsungbrowser/", "yabrowser/", "ucbrowser/")) {
      return Browser.OTHER;
    }
    if (containsAny(ua, "crios/", "chrome/", "chromium/")) {
      return Browser.CHROME;
    }
    if (ua.contains("safari/") && ua.contains("version/")) {
      return Browser.SAFARI;
    }
    return Browser.OTHER;
  }

  private static Os os(String ua) {
    if (containsAny(ua, "iphone", "ipad", "ipod")) {
      return Os.IOS;
    }
    if (ua.contains("android")) {
      return Os.ANDROID;
    }
    if (containsAny(ua, "tizen", "web0s", "webos", "; cros")) {
      return Os.OTHER;
    }
    if (ua.contains("windows")) {
      return Os.WINDOWS;
    }
    if (containsAny(ua, "macintosh", "mac os x")) {
      return Os.MACOS;
    }
    if (containsAny(ua, "linux", "x11")) {
      return Os.LINUX;
    }
    return Os.OTHER;
  }

  private static boolean containsAny(String text, String... needles) {
    for (String needle : needles) {
      if (text.contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private static <E extends Enum<E>> E fromWireName(String field, E[] values, String wireName) {
    InvalidValueException.requireNonNull(field, wireName);
    for (E value : values) {
      if (value.name().toLowerCase(Locale.ROOT).equals(wireName)) {
        return value;
      }
    }
    throw new InvalidValueException(field, wireName, "must be one of " + Arrays.stream(values)
        .map(value -> value.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
  }
}
