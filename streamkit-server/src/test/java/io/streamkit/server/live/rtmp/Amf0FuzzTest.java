package io.streamkit.server.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;

/**
 * AMF0 values as RTMP commands carry them (AMF0 specification §2), read by {@link Amf0}.
 *
 * <p>What must hold: any bytes read as values or as a {@link Amf0.MalformedException}, never another exception; and
 * values read are written back (those {@link Amf0#write} writes: no strict arrays) so that reading them again gives
 * the same values.
 */
class Amf0FuzzTest {

  @FuzzTest
  void read(byte[] input) throws Amf0.MalformedException {
    List<Object> values;
    try {
      values = Amf0.readAll(Unpooled.wrappedBuffer(input));
    } catch (Amf0.MalformedException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return;
    }
    if (values.stream().anyMatch(Amf0FuzzTest::hasList)) {
      return;
    }
    ByteBuf written = Unpooled.buffer();
    Amf0.write(written, values.toArray());
    assertThat(Amf0.readAll(written)).isEqualTo(values);
  }

  private static boolean hasList(Object value) {
    return value instanceof List<?>
        || value instanceof Map<?, ?> map && map.values().stream().anyMatch(Amf0FuzzTest::hasList);
  }
}
