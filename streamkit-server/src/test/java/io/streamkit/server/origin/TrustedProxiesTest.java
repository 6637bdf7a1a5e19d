package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.token.PlaybackClaims;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * IP-bound tokens behind a proxy: the origin checks them against the viewer's address from {@code X-Forwarded-For}
 * only when the connection comes from a proxy it was told to trust, and then only as far as trusted hops vouch for
 * the list.
 */
class TrustedProxiesTest {

  private static final String VIEWER = "192.0.2.7";
  private static final String SEGMENT = "/titles/" + TestTitles.FMP4 + "/v1/seg_00000.m4s?token=";

  @Test
  void anOriginBehindATrustedProxyChecksTheForwardedViewerAddress() throws Exception {
    try (RunningOrigin origin = new RunningOrigin(b -> b.trustedProxies("10.0.0.0/8", "127.0.0.1"))) {
      String bound = origin.token(claims().clientIp(VIEWER));
      assertThat(status(origin, bound, VIEWER)).as("the edge forwards the viewer").isEqualTo(200);
      assertThat(status(origin, bound, VIEWER + ", 10.1.2.3")).as("through a second trusted hop").isEqualTo(200);
      assertThat(status(origin, bound, "198.51.100.9, " + VIEWER)).as("what the viewer claimed before the edge")
          .isEqualTo(200);
      assertThat(status(origin, bound, VIEWER + ", 198.51.100.9")).as("another viewer behind the edge")
          .isEqualTo(403);
      assertThat(status(origin, bound, "not-an-address")).as("a list that is not addresses").isEqualTo(403);
      assertThat(status(origin, bound, null)).as("nothing forwarded: the edge's own address").isEqualTo(403);
      assertThat(status(origin, origin.token(claims().clientIp("127.0.0.1")), null)).isEqualTo(200);
    }
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() throws Exception {
    try (RunningOrigin origin = new RunningOrigin()) {
      assertThat(status(origin, origin.token(claims().clientIp(VIEWER)), VIEWER)).isEqualTo(403);
      assertThat(status(origin, origin.token(claims().clientIp("127.0.0.1")), VIEWER)).isEqualTo(200);
    }
  }

  @Test
  void trustedProxiesAreAddressesOrRangesNamedWhenWrong() {
    OriginServer.Builder b = OriginServer.builder();
    assertThatThrownBy(() -> b.trustedProxies("edge.example.com"))
        .hasMessage("trusted proxy 'edge.example.com' is not an IP address or CIDR range; give a literal such as"
            + " 10.0.0.5, 10.0.0.0/8 or fd00::/8");
    assertThatThrownBy(() -> b.trustedProxies("10.0.0.0/33")).hasMessageContaining("prefix length outside 0 to 32");
    assertThatThrownBy(() -> b.trustedProxies("fd00::/129")).hasMessageContaining("outside 0 to 128");
    b.trustedProxies("::ffff:10.0.0.1", "fd00::/8", "192.168.0.0/16");
  }

  private static PlaybackClaims.Builder claims() {
    return PlaybackClaims.builder().title(TestTitles.FMP4).expiresAt(Instant.now().plusSeconds(600));
  }

  private static int status(RunningOrigin origin, String token, String forwardedFor) throws Exception {
    return forwardedFor == null ? origin.get(SEGMENT + token).statusCode()
        : origin.get(SEGMENT + token, TrustedProxies.FORWARDED_FOR, forwardedFor).statusCode();
  }
}
