package io.streamkit.hls;

/**
 * Receives a transcode's progress on the thread that called {@link TranscodeJob#run()}: with the first decoded frame,
 * then at most every 500 ms while the source is decoded, and once at 100% when the title has been published. A title
 * that transcodes in less than 500 ms gets only the first and the last report.
 */
@FunctionalInterface
public interface TranscodeListener {

  /**
   * Takes one report. It runs inside the decoding loop, so it must return quickly (hand slow work such as database
   * writes to another thread); an exception it throws ends the transcode and {@link TranscodeJob#run()} rethrows it.
   *
   * @param progress the figures so far
   */
  void onProgress(TranscodeProgress progress);
}
