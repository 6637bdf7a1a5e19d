package io.streamkit.hls;

/** Lets the pipeline's loops notice a cancellation request. */
interface JobControl {
  boolean cancelled();
}
