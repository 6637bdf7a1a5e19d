package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written from pieces come out as the pieces in order, whatever the pieces' sizes against the write size. */
class LargeFolioWriteTest {

  @TempDir Path dir;

  @Test
  void piecesAcrossTheWriteSizeComeOutInOrderAndTheBufferServesTheNextFile() throws Exception {
    byte[] segment = new byte[LargeFolioWrite.WRITE_BYTES * 2 + 12_345];
    new Random(7).nextBytes(segment);
    LargeFolioWrite.Gathered out = new LargeFolioWrite.Gathered();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();

    out.start(dir.resolve("first.m4s"));
    int[][] pieces = {{0, 100}, {100, LargeFolioWrite.WRITE_BYTES}, {5, 3}, {0, 0},
        {LargeFolioWrite.WRITE_BYTES, segment.length - LargeFolioWrite.WRITE_BYTES}};
    for (int[] piece : pieces) {
      out.put(segment, piece[0], piece[1]);
      expected.write(segment, piece[0], piece[1]);
    }
    byte[] header = {'m', 'o', 'o', 'f'};
    out.put(header);
    expected.writeBytes(header);
    out.finish();
    out.start(dir.resolve("second.m4s"));
    out.put(segment, 7, 10);
    out.finish();

    assertThat(Files.readAllBytes(dir.resolve("first.m4s"))).isEqualTo(expected.toByteArray());
    assertThat(Files.readAllBytes(dir.resolve("second.m4s"))).hasSize(10).startsWith(segment[7]);
  }
}
