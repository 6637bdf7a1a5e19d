package io.streamkit.hls;

/**
 * Lets the pipeline's loops notice that the job should stop. Asked on the thread running the job only, so an
 * implementation may look at that thread's interrupt status.
 */
interface JobControl {
  boolean cancelled();
}
