package io.streamkit.hls.live;

import java.util.List;

/**
 * Receives what a live transcode produces, rendition by rendition, as CMAF chunks (ISO/IEC 23000-19): an
 * initialisation segment, then {@code moof}+{@code mdat} chunks that are LL-HLS partial segments (RFC 8216bis
 * section 4.4.4.9), grouped into segments by {@link #segmentEnd}. Called from the transcoder's thread, in order; the
 * byte arrays are handed over and not touched again by the caller.
 *
 * <p>Every video rendition starts each segment with an IDR at the same presentation time, and the audio rendition
 * closes its segments at the same instants, so segment {@code n} of every rendition covers the same interval.
 */
public interface LiveSink {

  /**
   * A run starts: the renditions it will produce (video first, highest first, then audio), before any media.
   *
   * @param renditions the renditions of this run, in that order
   */
  void start(List<LiveRendition> renditions);

  /**
   * A rendition's initialisation segment ({@code ftyp}+{@code moov}); before its first part of the run.
   *
   * @param rendition the rendition's name
   * @param initSegment the CMAF header bytes
   */
  void init(String rendition, byte[] initSegment);

  /**
   * One chunk of a rendition: a partial segment of {@code durationSeconds}, independent when it starts with an IDR
   * (always for audio).
   *
   * @param rendition the rendition's name
   * @param chunk one {@code moof}+{@code mdat} chunk
   * @param durationSeconds the media time the chunk covers, from its timestamps
   * @param independent whether the chunk starts with an IDR
   */
  void part(String rendition, byte[] chunk, double durationSeconds, boolean independent);

  /**
   * Closes the rendition's current segment: the parts since its previous {@code segmentEnd}.
   *
   * @param rendition the rendition's name
   */
  void segmentEnd(String rendition);

  /**
   * The transcoder stopped producing a rendition to keep up with real time (the top video rendition first); it
   * produces no more parts for it in this run.
   *
   * @param rendition the rendition's name
   */
  void dropped(String rendition);

  /** The run ended: the input ended or failed, or the transcode was stopped. No call follows in this run. */
  void end();
}
