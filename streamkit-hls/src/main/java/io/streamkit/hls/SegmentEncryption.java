package io.streamkit.hls;

/**
 * How a title's media segments are encrypted, chosen with {@link Transcoder.Builder#encryption}: not at all
 * ({@link #none()}, the default), whole segments with AES-128 ({@link #aes128(int)}, RFC 8216 section 5.2), or the
 * samples inside fMP4 segments with Common Encryption {@code 'cbcs'} ({@link #cbcs(int)}, HLS {@code SAMPLE-AES}).
 *
 * <p>An encrypted title's media playlists name each key by a URI relative to the playlist,
 * {@code ../}{@value #KEY_DIRECTORY}{@code /<key id>}, which from {@code <title>/<rendition>/index.m3u8} resolves to
 * {@code <title>/}{@value #KEY_DIRECTORY}{@code /<key id>}. The keys themselves are never written into the title: they
 * come back in {@link TranscodeResult#contentKeys()}, and the title plays once whatever serves it answers that path
 * with the key's 16 bytes.
 */
public final class SegmentEncryption {

  /** Fewest segments one key encrypts: a new key for every segment. */
  public static final int MIN_ROTATION_SEGMENTS = 1;
  /** Most segments one key encrypts: over 16 hours of 6-second segments, more than any title, so one key per title. */
  public static final int MAX_ROTATION_SEGMENTS = 10_000;
  /** The directory, beside the renditions' directories, that a title's key URIs point into. */
  public static final String KEY_DIRECTORY = "keys";
  /**
   * The W3C Clear Key licence URI of a {@code 'cbcs'} title's DASH manifest, in {@value #KEY_DIRECTORY}: whatever
   * serves {@code <title>/keys/clearkey} answers an EME Clear Key licence request with the title's keys.
   */
  public static final String CLEAR_KEY_LICENSE = "clearkey";

  /** The {@code METHOD} of {@code EXT-X-KEY} (RFC 8216 section 4.3.2.4) this setting produces. */
  enum Method { NONE, AES_128, SAMPLE_AES }

  private static final SegmentEncryption NONE = new SegmentEncryption(Method.NONE, 0);

  private final Method method;
  private final int rotationSegments;

  private SegmentEncryption(Method method, int rotationSegments) {
    this.method = method;
    this.rotationSegments = rotationSegments;
  }

  /** {@return clear segments, no keys: the default} */
  public static SegmentEncryption none() {
    return NONE;
  }

  /**
   * Each whole media segment encrypted with AES-128-CBC and PKCS#7 padding ({@code METHOD=AES-128}, RFC 8216
   * section 5.2), the init segment of fMP4 left clear. A title without I-frame playlists: their byte ranges point
   * inside encrypted segments, which a player cannot decrypt as a part.
   *
   * @param rotationSegments how many consecutive segments share one key, {@value #MIN_ROTATION_SEGMENTS} to
   *     {@value #MAX_ROTATION_SEGMENTS}; every rendition uses the same key for the same stretch of the timeline
   * @return the setting
   * @throws IllegalArgumentException if {@code rotationSegments} is outside that range
   */
  public static SegmentEncryption aes128(int rotationSegments) {
    return new SegmentEncryption(Method.AES_128, checkRotation("aes128", rotationSegments));
  }

  /**
   * The samples inside each fMP4 segment encrypted with Common Encryption's {@code 'cbcs'} scheme (ISO/IEC 23001-7:
   * AES-128-CBC, video with the 1:9 pattern and its NAL unit headers clear, audio whole), declared in the init
   * segments ({@code encv}/{@code enca} with {@code tenc}) and by {@code METHOD=SAMPLE-AES} (RFC 8216 section
   * 4.3.2.4): the format a commercial DRM (FairPlay, Widevine, PlayReady) licenses with the same key ids. Segments
   * keep their sizes and structure, the title keeps its I-frame playlists. fMP4 only
   * ({@link Transcoder.Builder#format}); transport stream titles use {@link #aes128(int)}.
   *
   * @param rotationSegments how many consecutive segments share one key, {@value #MIN_ROTATION_SEGMENTS} to
   *     {@value #MAX_ROTATION_SEGMENTS}; every rendition uses the same key for the same stretch of the timeline, the
   *     first key is each track's default and the segments of a later key name it in a {@code 'seig'} sample group
   * @return the setting
   * @throws IllegalArgumentException if {@code rotationSegments} is outside that range
   */
  public static SegmentEncryption cbcs(int rotationSegments) {
    return new SegmentEncryption(Method.SAMPLE_AES, checkRotation("cbcs", rotationSegments));
  }

  private static int checkRotation(String method, int rotationSegments) {
    if (rotationSegments < MIN_ROTATION_SEGMENTS || rotationSegments > MAX_ROTATION_SEGMENTS) {
      throw new IllegalArgumentException(method + " rotationSegments must be between " + MIN_ROTATION_SEGMENTS
          + " and " + MAX_ROTATION_SEGMENTS + ", got " + rotationSegments);
    }
    return rotationSegments;
  }

  /** {@return whether segments are encrypted at all} */
  public boolean encrypts() {
    return method != Method.NONE;
  }

  Method method() {
    return method;
  }

  int rotationSegments() {
    return rotationSegments;
  }
}
