package io.streamkit.hls;

/**
 * Receives a transcode's progress on the thread that called {@link TranscodeJob#run()}: at most every 500 ms while
 * the source is decoded, and once at 100% when the title has been published.
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
