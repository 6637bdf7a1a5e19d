package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Native memory a transcode freed goes back to the kernel instead of staying in the process's resident set until
 * the next transcode: the bundled JavaCPP's binding of glibc's {@code malloc_trim} is there, and it does hand back
 * freed heap pages.
 *
 * <p>The test counts the resident pages of the freed memory itself ({@code /proc/self/pagemap}, whose "present" bit a
 * process may read for its own pages), not the whole process's resident set, which the JVM's other threads move by
 * tens of megabytes at any time.
 */
class NativeHeapTest {

  private static final int PAGE_BYTES = 4096;
  private static final int CHUNK_BYTES = 32 * 1024;
  private static final int CHUNKS = 2048;
  private static final long PRESENT = 1L << 63;

  @Test
  void freedNativeMemoryLeavesTheResidentSetWhenReleased() throws IOException {
    assertThat(NativeHeap.releasable()).as("malloc_trim through the bundled JavaCPP").isTrue();
    // 64 MB freed in chunks below glibc's mmap threshold, touched first, each between two chunks that stay: the arena
    // keeps the pages, as it keeps an encoder's frame buffers. (Kept chunks, not small fences: in a busy JVM a small
    // allocation comes from a hole elsewhere, the freed chunks then join the arena's top, and glibc trims or keeps
    // that on its own terms.)
    List<Pointer> freed = new ArrayList<>();
    List<Pointer> kept = new ArrayList<>();
    for (int i = 0; i < CHUNKS; i++) {
      for (List<Pointer> list : List.of(freed, kept)) {
        Pointer chunk = Pointer.malloc(CHUNK_BYTES);
        Pointer.memset(chunk, 1, CHUNK_BYTES);
        list.add(chunk);
      }
    }
    long[] addresses = freed.stream().mapToLong(Pointer::address).toArray();
    long pages = 0;
    for (long address : addresses) {
      pages += wholePages(address).length;
    }
    assertThat(residentPages(addresses)).as("touched").isEqualTo(pages);

    freed.forEach(Pointer::free);
    long afterFree = residentPages(addresses);
    Transcoder.releaseNativeMemory();
    long afterRelease = residentPages(addresses);
    kept.forEach(Pointer::free);

    assertThat(afterFree).as("freed but kept by the arena, of " + pages).isGreaterThan(pages * 9 / 10);
    // Other threads that share the arena may take and fill some of the freed chunks meanwhile, so most must leave,
    // not all.
    assertThat(afterRelease).as("after release, of " + afterFree + " kept").isLessThan(afterFree / 2);
  }

  /** The pages wholly inside a chunk (its first and last may hold the allocator's headers and the next chunk). */
  private static long[] wholePages(long address) {
    long first = (address + PAGE_BYTES - 1) / PAGE_BYTES;
    long end = (address + CHUNK_BYTES) / PAGE_BYTES;
    long[] pages = new long[(int) Math.max(0, end - first)];
    for (int i = 0; i < pages.length; i++) {
      pages[i] = first + i;
    }
    return pages;
  }

  private static long residentPages(long[] addresses) throws IOException {
    long resident = 0;
    ByteBuffer entry = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
    try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"))) {
      for (long address : addresses) {
        for (long page : wholePages(address)) {
          entry.clear();
          pagemap.read(entry, page * Long.BYTES);
          if ((entry.getLong(0) & PRESENT) != 0) {
            resident++;
          }
        }
      }
    }
    return resident;
  }
}
