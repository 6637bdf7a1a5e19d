package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  void resolvesTheThreeFormsOfASingleRange() {
    assertThat(ByteRange.parse("bytes=0-99", 1000)).isEqualTo(new ByteRange(0, 100));
    assertThat(ByteRange.parse("bytes=900-", 1000)).isEqualTo(new ByteRange(900, 100));
    assertThat(ByteRange.parse("bytes=-100", 1000)).isEqualTo(new ByteRange(900, 100));
    assertThat(ByteRange.parse("bytes=-5000", 1000)).isEqualTo(new ByteRange(0, 1000));
    assertThat(ByteRange.parse("bytes=990-5000", 1000)).isEqualTo(new ByteRange(990, 10));
  }

  @Test
  void pastTheEndIsUnsatisfiable() {
    assertThat(ByteRange.parse("bytes=1000-", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=1000-2000", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 1000)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-10", 0)).isSameAs(ByteRange.UNSATISFIABLE);
  }

  @Test
  void invalidOrMultipleRangesAreIgnored() {
    assertThat(ByteRange.parse(null, 1000)).isNull();
    assertThat(ByteRange.parse("items=0-1", 1000)).isNull();
    assertThat(ByteRange.parse("bytes=5-1", 1000)).isNull();
    assertThat(ByteRange.parse("bytes=a-b", 1000)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,3-4", 1000)).isNull();
    assertThat(ByteRange.parse("bytes=", 1000)).isNull();
  }
}
