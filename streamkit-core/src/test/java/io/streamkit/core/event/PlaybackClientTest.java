package io.streamkit.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.event.PlaybackClient.Browser;
import io.streamkit.core.event.PlaybackClient.Device;
import io.streamkit.core.event.PlaybackClient.Os;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PlaybackClientTest {

  @ParameterizedTest(name = "{1} {2} {3}: {0}")
  @CsvSource(delimiter = '|', value = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
          + "|DESKTOP|CHROME|WINDOWS",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
          + " Edg/120.0.2210.91|DESKTOP|EDGE|WINDOWS",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2"
          + " Safari/605.1.15|DESKTOP|SAFARI|MACOS",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0|DESKTOP|FIREFOX|LINUX",
      "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
          + " Safari/537.36|DESKTOP|CHROME|OTHER",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2"
          + " Mobile/15E148 Safari/604.1|PHONE|SAFARI|IOS",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1|PHONE|CHROME|IOS",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " FxiOS/121.0 Mobile/15E148 Safari/605.1.15|PHONE|FIREFOX|IOS",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144"
          + " Mobile Safari/537.36|PHONE|CHROME|ANDROID",
      "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0"
          + " Chrome/115.0.0.0 Mobile Safari/537.36|PHONE|OTHER|ANDROID",
      "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6"
          + " Mobile/15E148 Safari/604.1|TABLET|SAFARI|IOS",
      "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0"
          + " Safari/537.36|TABLET|CHROME|ANDROID",
      "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36 (KHTML, like Gecko) 85.0.4183.93/6.5 TV"
          + " Safari/537.36|TV|OTHER|OTHER",
      "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88"
          + " Safari/537.36 WebAppManager|TV|CHROME|OTHER",
      "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7633.3445N; wv) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36|TV|CHROME|ANDROID",
      "Mozilla/5.0 (Linux; Android 12; BRAVIA 4K VH2 Build/STT1.211025.001.Z4) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/119.0.6045.134 Mobile Safari/537.36|TV|CHROME|ANDROID",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/120.0.0.0 Safari/537.36 Edge/44.18363.8131|TV|EDGE|WINDOWS",
      "curl/8.5.0|OTHER|OTHER|OTHER",
  })
  void classifiesRealUserAgents(String userAgent, Device device, Browser browser, Os os) {
    assertThat(PlaybackClient.fromUserAgent(userAgent)).isEqualTo(new PlaybackClient(device, browser, os));
  }

  @Test
  void aMissingOrOversizedHeaderIsClassifiedWithoutFailing() {
    assertThat(PlaybackClient.fromUserAgent(null)).isEqualTo(PlaybackClient.UNKNOWN);
    assertThat(PlaybackClient.fromUserAgent("  ")).isEqualTo(PlaybackClient.UNKNOWN);
    // Tokens beyond the examined prefix do not count.
    String padded = "x".repeat(PlaybackClient.MAX_USER_AGENT_CHARS) + " (iPhone; CPU iPhone OS 17_2) Version/17.2"
        + " Safari/604.1";
    assertThat(PlaybackClient.fromUserAgent(padded)).isEqualTo(PlaybackClient.UNKNOWN);
  }

  @Test
  void wireNamesRoundTripAndUnknownNamesAreRefusedWithTheAcceptedOnes() {
    for (Device device : Device.values()) {
      assertThat(Device.fromWireName(device.wireName())).isEqualTo(device);
    }
    assertThat(Browser.fromWireName("safari")).isEqualTo(Browser.SAFARI);
    assertThat(Os.fromWireName("ios")).isEqualTo(Os.IOS);
    assertThatThrownBy(() -> Device.fromWireName("fridge")).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("fridge").hasMessageContaining("desktop, phone, tablet, tv, other");
  }
}
