package io.streamkit.benchmarks.live;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver, as the server's browser tests start it: both
 * executables named explicitly so that Selenium Manager never runs (it would download a browser or a driver), and a
 * fresh profile directory, removed on close. Public for the harnesses of other packages (the ABR harness).
 */
public final class HeadlessChromium implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** The driver of this browser. */
  public final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  static HeadlessChromium start() throws IOException {
    return start(PageLoadStrategy.NORMAL);
  }

  /**
   * Starts a browser.
   *
   * @param pageLoad when {@code get} returns: {@code NONE} returns at once, so the caller can keep acting on the
   *     browser (throttling its network, say) while the page loads
   * @return the browser, to be closed
   * @throws IOException if the profile directory cannot be made
   */
  public static HeadlessChromium start(PageLoadStrategy pageLoad) throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(CHROMIUM + " or " + CHROMEDRIVER + " is missing; install them with "
          + "apt-get install chromium chromium-driver");
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path profile = Files.createTempDirectory("streamkit-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setPageLoadStrategy(pageLoad);
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
        "--window-size=1280,800", "--user-data-dir=" + profile));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return new HeadlessChromium(service, driver, profile);
  }

  /**
   * Runs a script in the page.
   *
   * @param javascript the script's body
   * @param arguments its {@code arguments}
   * @return what it returns, as Selenium converts it
   */
  public Object script(String javascript, Object... arguments) {
    return driver.executeScript(javascript, arguments);
  }

  /** Closes the browser and its driver and removes the profile. */
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
