package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver. Both executables are named explicitly so that
 * Selenium Manager never runs (it would download a browser or driver). The profile is a fresh temporary directory,
 * removed on close.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * Selenium warns, for every browser it starts, that it has no DevTools bindings for this Chromium's version; the
   * tests send only raw DevTools commands ({@code executeCdpCommand}), which need none. Held here because
   * {@code java.util.logging} keeps loggers only as long as someone refers to them.
   */
  private static final List<Logger> WITHOUT_CDP_VERSION_WARNINGS = Stream.of(
      "org.openqa.selenium.devtools.CdpVersionFinder", "org.openqa.selenium.chromium.ChromiumDriver").map(name -> {
        Logger logger = Logger.getLogger(name);
        logger.setFilter(record -> record.getMessage() == null || !record.getMessage().startsWith("Unable to find"));
        return logger;
      }).toList();

  /**
   * Run before any script of every page: keeps the Media Source Extensions buffers a page creates, with the number of
   * appends to each and the errors they raised, and the errors of media elements (which a player may recover from
   * by attaching new buffers), so that a test that times out can say which track starved and why.
   */
  private static final String WATCH_SOURCE_BUFFERS = """
      window.streamkitSourceBuffers = [];
      window.streamkitMediaErrors = [];
      document.addEventListener('error', (e) => {
        if (e.target instanceof HTMLMediaElement && e.target.error) {
          window.streamkitMediaErrors.push(e.target.currentTime.toFixed(2) + ' s: ' + e.target.error.code + ' '
              + e.target.error.message);
        }
      }, true);
      for (const name of ['MediaSource', 'ManagedMediaSource']) {
        const type = window[name];
        if (!type || !type.prototype.addSourceBuffer) continue;
        const add = type.prototype.addSourceBuffer;
        type.prototype.addSourceBuffer = function (mime) {
          const buffer = add.call(this, mime);
          const watched = { mime: mime, buffer: buffer, appends: 0, errors: 0 };
          window.streamkitSourceBuffers.push(watched);
          const append = buffer.appendBuffer;
          buffer.appendBuffer = function (data) { watched.appends++; return append.call(this, data); };
          buffer.addEventListener('error', () => watched.errors++);
          return buffer;
        };
      }
      """;

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips the calling test when chromium is not installed, except in CI, where its absence is a failure. */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(CHROMIUM + " or " + CHROMEDRIVER + " is missing; CI must install the chromium and chromium-driver "
          + "packages (.ci/run does)");
    }
    Assumptions.assumeTrue(installed, "browser test skipped: install chromium and chromium-driver "
        + "(apt-get install chromium chromium-driver) to run it");
  }

  static HeadlessChromium start() throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path profile = Files.createTempDirectory("streamkit-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
        "--window-size=1280,1100", "--user-data-dir=" + profile));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH_SOURCE_BUFFERS));
    return new HeadlessChromium(service, driver, profile);
  }

  /**
   * Caps the page's network through the DevTools protocol ({@code Network.emulateNetworkConditions}), which applies
   * to the XHR/fetch loads hls.js and the admin page make.
   */
  void throttle(long downloadBitsPerSecond, long uploadBitsPerSecond, long latencyMillis) {
    emulate(false, latencyMillis, downloadBitsPerSecond / 8, uploadBitsPerSecond / 8);
  }

  /** Caps only the page's uplink. */
  void throttleUpload(long bitsPerSecond) {
    emulate(false, 0, -1, bitsPerSecond / 8);
  }

  /** Drops the page's network: requests in flight fail and new ones cannot connect. */
  void offline() {
    emulate(true, 0, -1, -1);
  }

  void unthrottle() {
    emulate(false, 0, -1, -1);
  }

  private void emulate(boolean offline, long latencyMillis, long downloadBytesPerSecond, long uploadBytesPerSecond) {
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
        "offline", offline,
        "latency", latencyMillis,
        "downloadThroughput", downloadBytesPerSecond,
        "uploadThroughput", uploadBytesPerSecond));
  }

  Object script(String javascript, Object... arguments) {
    return driver.executeScript(javascript, arguments);
  }

  void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
