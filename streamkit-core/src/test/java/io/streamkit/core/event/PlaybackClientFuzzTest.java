package io.streamkit.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The {@code User-Agent} classifier on arbitrary header text: it always answers one of the fixed classes (never
 * throws, never {@code null}), and only the examined prefix of the header decides it.
 */
class PlaybackClientFuzzTest {

  @FuzzTest
  void classify(byte[] header) {
    String userAgent = new String(header, StandardCharsets.ISO_8859_1);

    PlaybackClient client = PlaybackClient.fromUserAgent(userAgent);

    assertThat(client).isNotNull();
    assertThat(client.device()).isNotNull();
    assertThat(client.browser()).isNotNull();
    assertThat(client.os()).isNotNull();
    String extended = userAgent.length() >= PlaybackClient.MAX_USER_AGENT_CHARS
        ? userAgent + " (iPhone; Android; SMART-TV) Firefox/1 Edg/1" : userAgent;
    assertThat(PlaybackClient.fromUserAgent(extended)).isEqualTo(client);
  }
}
