package io.streamkit.hls.live;

import java.util.List;

/**
 * A snapshot of a running live transcode ({@link LiveTranscode#stats()}).
 *
 * @param inputBitsPerSecond bytes read from the input per second of media, times 8, over the last few seconds
 * @param inputFrameRate decoded input frames per second of media, over the last few seconds
 * @param inputWidth width of the decoded input picture, 0 before the first frame
 * @param inputHeight height of the decoded input picture, 0 before the first frame
 * @param droppedFrames input frames not encoded: dropped to catch up with real time, or out of timestamp order
 * @param encoderSpeed media seconds processed per second of work (time not spent waiting for input) over the last
 *     few seconds; below 1 the transcode falls behind a real-time input. 0 until measured
 * @param segments segments closed so far in every video rendition still produced
 * @param parts partial segments produced so far by the lowest video rendition
 * @param droppedRenditions renditions stopped to keep up with real time, in the order they were stopped
 */
public record LiveStats(long inputBitsPerSecond, double inputFrameRate, int inputWidth, int inputHeight,
    long droppedFrames, double encoderSpeed, long segments, long parts, List<String> droppedRenditions) {

  /**
   * Copies the list of dropped renditions.
   *
   * @param inputBitsPerSecond bytes read per second of media, times 8
   * @param inputFrameRate decoded input frames per second of media
   * @param inputWidth decoded input width, 0 before the first frame
   * @param inputHeight decoded input height, 0 before the first frame
   * @param droppedFrames input frames not encoded
   * @param encoderSpeed media seconds per second of work
   * @param segments segments closed so far
   * @param parts partial segments of the lowest video rendition
   * @param droppedRenditions renditions stopped, in order
   */
  public LiveStats {
    droppedRenditions = List.copyOf(droppedRenditions);
  }
}
