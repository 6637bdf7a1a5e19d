package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamkit demo} as a newcomer runs it on a fresh machine: one first run (in a child JVM, class loading
 * logged) is shared by the tests that look at it; the others start their own.
 */
class DemoCommandTest {

  private static final Pattern ADMIN = Pattern.compile("Admin: +(http://\\S+)/admin\\?key=(\\S+)");
  private static final Pattern PLAYER = Pattern.compile("Player: +http://\\S+/play/([0-9a-f-]{36})\\?token=(\\S+)");
  private static final Duration FIRST_RUN = Duration.ofSeconds(180);
  /** What the demo itself prints on a first run; anything else is noise. */
  private static final Pattern DEMO_LINE = Pattern.compile(
      "StreamKit demo: .*|Generating a .*|Transcoding .*|\\s+\\d+%|Admin: .*|Player: .*|Browse: .*|API: .*|Serving until.*|");
  private static final Pattern CLASS_LOAD = Pattern.compile("\\[[0-9.]+s]\\[info]\\[class,load].*");

  @TempDir static Path shared;
  private static ChildCli firstRun;
  private static Path firstRunData;

  @TempDir Path dir;

  @BeforeAll
  static void runTheDemoOnce() throws Exception {
    firstRunData = shared.resolve("streamkit-data");
    firstRun = ChildCli.start(ChildCli.command(List.of("-verbose:class"), "demo", "--data", firstRunData.toString(),
        "--port", Integer.toString(ChildCli.freePort())));
    firstRun.awaitLine(line -> PLAYER.matcher(line).find(), FIRST_RUN);
  }

  @AfterAll
  static void stopTheDemo() throws Exception {
    firstRun.close();
  }

  @Test
  void printsAdminAndPlayerUrlsThatWork() throws Exception {
    Matcher admin = find(firstRun.out(), ADMIN);
    Matcher player = find(firstRun.out(), PLAYER);
    HttpClient http = HttpClient.newHttpClient();
    String base = admin.group(1);
    HttpResponse<String> master = http.send(HttpRequest.newBuilder(URI.create(
        base + "/titles/" + player.group(1) + "/master.m3u8?token=" + player.group(2))).build(),
        BodyHandlers.ofString());
    HttpResponse<String> titles = http.send(HttpRequest.newBuilder(URI.create(base + "/api/titles"))
        .header("Authorization", "Bearer " + admin.group(2)).build(), BodyHandlers.ofString());

    assertThat(master.statusCode()).isEqualTo(200);
    // The generated sample has a picture and a sound track, and both are published.
    assertThat(master.body()).contains("#EXT-X-STREAM-INF").contains("TYPE=AUDIO").contains("avc1.")
        .contains("mp4a.40.2");
    assertThat(titles.body()).contains(player.group(1)).contains("\"status\":\"PUBLISHED\"");
  }

  @Test
  void neverLoadsFfmpegsDeviceLibrary() {
    find(firstRun.out(), PLAYER);
    List<String> loaded = firstRun.out().stream().filter(line -> CLASS_LOAD.matcher(line).matches()).toList();
    // libavdevice's native library links libpulse.so.0, which servers and containers often lack.
    assertThat(loaded).as("FFmpeg classes were loaded at all (the check sees them)")
        .anyMatch(line -> line.contains(" org.bytedeco.ffmpeg.global.avfilter "));
    assertThat(loaded).noneMatch(line -> line.contains("org.bytedeco.ffmpeg.global.avdevice"));
  }

  @Test
  void aFirstRunShowsTheDemosOwnLinesAndLittleElse() {
    find(firstRun.out(), PLAYER);
    List<String> noise = firstRun.all().stream()
        .filter(line -> !CLASS_LOAD.matcher(line).matches() && !DEMO_LINE.matcher(line).matches())
        .toList();
    assertThat(noise).as("lines besides the demo's own").noneMatch(line -> line.contains("WARN")).hasSizeLessThan(3);
  }

  @Test
  void keepsItsSecretsReadableByTheOwnerOnly() throws Exception {
    find(firstRun.out(), PLAYER);
    for (String secret : List.of(DemoCommand.ADMIN_KEY_FILE, DemoCommand.SIGNING_KEY_FILE)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(firstRunData.resolve(secret))))
          .as(secret).isEqualTo("rw-------");
    }
  }

  @Test
  void runsOnAMachineWithoutPulseAudio() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "hiding libpulse needs root (a private mount)");
    Optional<Path> unshare = onPath("unshare");
    assumeTrue(unshare.isPresent(), "unshare is not installed: libpulse cannot be hidden");
    Optional<Path> libpulse = installedLibrary("libpulse.so.0");
    assumeTrue(libpulse.isPresent(), "libpulse.so.0 is not installed: every run is already without it");

    // In a private mount namespace the library's real file reads as empty, as on a machine without the package.
    String demo = String.join(" ", ChildCli.command(List.of(), "demo", "--data",
        dir.resolve("data").toString(), "--port", Integer.toString(ChildCli.freePort())).stream()
        .map(arg -> "'" + arg + "'").toList());
    try (ChildCli run = ChildCli.start(List.of(unshare.get().toString(), "-m", "sh", "-c",
        "mount --bind /dev/null '" + libpulse.get() + "' && exec " + demo))) {
      run.awaitLine(line -> PLAYER.matcher(line).find(), FIRST_RUN);

      assertThat(run.out()).as(String.join("\n", run.all())).anyMatch(line -> ADMIN.matcher(line).find())
          .anyMatch(line -> PLAYER.matcher(line).find());
    }
  }

  @Test
  void anErrorAfterTheServerStartedEndsTheProcessWithOneLine() throws Exception {
    // JavaCPP refuses every native allocation: generating the sample fails with an OutOfMemoryError, an Error
    // that picocli does not catch, while the origin's non-daemon threads are already serving.
    int port = ChildCli.freePort();
    try (ChildCli run = ChildCli.start(ChildCli.command(List.of("-Dorg.bytedeco.javacpp.maxbytes=1"), "demo",
        "--data", dir.resolve("data").toString(), "--port", Integer.toString(port)))) {
      Integer status = run.awaitExit(Duration.ofSeconds(90));

      assertThat(status).as("the process ended\n" + String.join("\n", run.all())).isEqualTo(1);
      assertThat(run.out()).anyMatch(line -> line.startsWith("StreamKit demo: data in"));
      assertThat(run.err()).singleElement().asString().startsWith("demo: OutOfMemoryError: ");
      try (ServerSocket free = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
        assertThat(free.getLocalPort()).as("nothing is left listening").isEqualTo(port);
      }
    }
  }

  @Test
  void aPortInUseIsNamedBeforeAnythingIsCreated() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      Path demoData = dir.resolve("demo-data");
      Path serveData = Files.createDirectories(dir.resolve("serve-data"));

      Run demo = run("demo", "--data", demoData.toString(), "--port", port);
      Run serve = run("serve", "--data", serveData.toString(), "--port", port, "--host", "127.0.0.1",
          "--signing-key", "a-signing-secret-of-at-least-32-bytes", "--admin-key", "an-admin-key-0123456789");

      for (Run r : List.of(demo, serve)) {
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).endsWith("port " + port + " is in use; pass --port with a free one (e.g. --port "
            + (taken.getLocalPort() + 1) + ") or stop the program using it");
      }
      assertThat(demo.err()).startsWith("demo: port ");
      assertThat(demoData).doesNotExist();
      try (Stream<Path> created = Files.list(serveData)) {
        assertThat(created).isEmpty();
      }
    }
  }

  @Test
  void aMissingFileIsOneLineWithOnePrefix() {
    Path missing = dir.resolve("missing.mp4");

    Run r = run("demo", missing.toString(), "--data", dir.resolve("data").toString());

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("demo: " + missing + " is not a file; give a video file, or no argument for a"
        + " generated sample\n");
  }

  record Run(int status, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = StreamkitCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, err.toString().replace(System.lineSeparator(), "\n"));
  }

  private static Matcher find(List<String> lines, Pattern pattern) {
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no line matches " + pattern + " in:\n" + String.join("\n", lines.stream()
        .filter(line -> !CLASS_LOAD.matcher(line).matches()).toList()) + "\n" + String.join("\n", firstRun.err()));
  }

  private static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        .map(directory -> Path.of(directory, program)).filter(Files::isExecutable).findFirst();
  }

  /** The real file behind a shared library's soname, in the directories the dynamic linker searches here. */
  private static Optional<Path> installedLibrary(String soname) throws Exception {
    List<String> directories = new ArrayList<>(List.of(System.getProperty("java.library.path").split(":")));
    directories.addAll(List.of("/lib64", "/usr/lib64", "/lib", "/usr/lib"));
    for (String directory : directories) {
      Path candidate = Path.of(directory, soname);
      if (Files.exists(candidate)) {
        return Optional.of(candidate.toRealPath());
      }
    }
    return Optional.empty();
  }
}
