package io.streamkit.hls;

import java.lang.reflect.Method;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the native heap's free memory back to the kernel with glibc's {@code malloc_trim(0)} (malloc_trim(3)), which
 * JavaCPP binds for its own use when native memory runs short ({@code Pointer.trimMemory}, reached by reflection).
 *
 * <p>Why: x264, libswscale and the decoders free their frame buffers into glibc's per-thread arenas, which keep the
 * pages. A process's resident set then stays at the high-water mark of the busiest transcode it ran: 20 transcodes of
 * a 1080p ladder in one JVM climbed to 760–850 MB, and stayed at 200–380 MB with a release after each. The price is
 * the page faults of the next transcode, which gets those pages afresh: 5–10 % more wall time when released between
 * back-to-back transcodes, so {@link Transcoder#releaseNativeMemory()} is meant for a process going idle
 * (benchmarks/README.md, "Native memory handed back when a worker goes idle").
 *
 * <p>{@code malloc_trim} walks every arena under its lock and is safe while other threads allocate. Where it is not
 * available (another C library, or a JavaCPP that does not bind it), {@link #release()} does nothing.
 */
final class NativeHeap {

  private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
  private static final Method TRIM = trimMethod();

  private NativeHeap() {}

  /** {@return whether free native memory can be handed back on this platform} */
  static boolean releasable() {
    return TRIM != null;
  }

  /** Hands the native heap's free pages back to the kernel, if {@link #releasable()}. */
  static void release() {
    if (TRIM == null) {
      return;
    }
    try {
      TRIM.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("cannot release free native memory: {}", e.toString());
    }
  }

  private static Method trimMethod() {
    try {
      Method trim = Pointer.class.getDeclaredMethod("trimMemory");
      trim.setAccessible(true);
      return trim;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("free native memory is not released after transcodes: {}", e.toString());
      return null;
    }
  }
}
