package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Native memory a transcode freed goes back to the kernel instead of staying in the process's resident set until
 * the next transcode: the bundled JavaCPP's binding of glibc's {@code malloc_trim} is there, and it does hand back
 * freed heap pages.
 */
class NativeHeapTest {

  private static final int CHUNK_BYTES = 32 * 1024;
  private static final int CHUNKS = 2048;

  @Test
  void freedNativeMemoryLeavesTheResidentSetWhenReleased() throws IOException {
    assertThat(NativeHeap.releasable()).as("malloc_trim through the bundled JavaCPP").isTrue();
    NativeHeap.release();
    long before = residentBytes();
    // 64 MB in chunks below glibc's mmap threshold, touched, then freed between small chunks that stay: the arena
    // keeps the pages, as it keeps an encoder's frame buffers.
    List<Pointer> chunks = new ArrayList<>();
    List<Pointer> fences = new ArrayList<>();
    for (int i = 0; i < CHUNKS; i++) {
      Pointer chunk = Pointer.malloc(CHUNK_BYTES);
      Pointer.memset(chunk, 1, CHUNK_BYTES);
      chunks.add(chunk);
      fences.add(Pointer.malloc(64));
    }
    chunks.forEach(Pointer::free);
    long afterFree = residentBytes();
    Transcoder.releaseNativeMemory();
    long afterRelease = residentBytes();
    fences.forEach(Pointer::free);

    assertThat(afterFree - before).as("freed but kept by the arena").isGreaterThan(48L << 20);
    assertThat(afterRelease - before).as("after release").isLessThan(16L << 20);
  }

  private static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
