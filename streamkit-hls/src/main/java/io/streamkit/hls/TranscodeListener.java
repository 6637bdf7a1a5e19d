package io.streamkit.hls;

/** Receives progress on the thread running the job, about twice a second and once at 100%. */
@FunctionalInterface
public interface TranscodeListener {
  void onProgress(TranscodeProgress progress);
}
