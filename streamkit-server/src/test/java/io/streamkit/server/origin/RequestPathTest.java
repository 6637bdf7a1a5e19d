package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

  @Test
  void safePathsSplitIntoDecodedSegments() {
    RequestPath p = RequestPath.parse("/titles/big_buck-bunny.2/v0/seg%5F00001.m4s");
    assertThat(p.segments()).containsExactly("titles", "big_buck-bunny.2", "v0", "seg_00001.m4s");
    assertThat(p.join(2)).isEqualTo("v0/seg_00001.m4s");
    assertThat(RequestPath.parse("/").segments()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "titles/x", "/titles/../x", "/titles/%2e%2e/x", "/titles/%2E./x", "/a/%252e%252e/b",
      "/a/..%2fb", "/a/%5c..", "/a\\..\\b", "/a/b%00", "/a//b", "/a/./b", "/a/.hidden", "/a/%", "/a/%g0",
      "/a/%c0%ae%c0%ae", "/a/b c", "/a/b;c", "/a/\u00e9"})
  void unsafePathsAreRefused(String raw) {
    assertThat(RequestPath.parse(raw)).as(raw).isNull();
  }

  @Test
  void segmentCountAndLengthAreBounded() {
    assertThat(RequestPath.parse("/a".repeat(RequestPath.MAX_SEGMENTS))).isNotNull();
    assertThat(RequestPath.parse("/a".repeat(RequestPath.MAX_SEGMENTS + 1))).isNull();
    assertThat(RequestPath.parse("/" + "a".repeat(RequestPath.MAX_SEGMENT_CHARS))).isNotNull();
    assertThat(RequestPath.parse("/" + "a".repeat(RequestPath.MAX_SEGMENT_CHARS + 1))).isNull();
  }

  @Test
  void theTokenParameterIsFoundAmongOthers() {
    assertThat(QueryString.parse("a=1&token=abc.def&b=2").get("token")).isEqualTo("abc.def");
    assertThat(QueryString.parse("xtoken=1&token=").get("token")).isEmpty();
    assertThat(QueryString.parse("token=a%2Eb").get("token")).isEqualTo("a.b");
    assertThat(QueryString.parse("q=a+b%20c").get("q")).isEqualTo("a b c");
    assertThat(QueryString.parse("a=1").get("token")).isNull();
    assertThat(QueryString.parse(null).get("token")).isNull();
  }

  @Test
  void aMalformedQueryIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> QueryString.parse("status=%zz")).hasMessageContaining("malformed percent-escape")
        .hasMessageNotContaining("status");
    assertThatThrownBy(() -> QueryString.parse("token=abc%")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> QueryString.parse("name=%ff%fe")).hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> QueryString.parse("a=1&".repeat(QueryString.MAX_PARAMETERS + 1)))
        .hasMessageContaining("more than " + QueryString.MAX_PARAMETERS);
  }

  @Test
  void aTrailingSlashIsIgnoredAndAMalformedEscapeRefusesThePath() {
    assertThat(RequestPath.parse("/admin/").segments()).containsExactly("admin");
    assertThat(RequestPath.parse("/%zz")).isNull();
    assertThat(RequestPath.parse("/titles/%4")).isNull();
  }
}
