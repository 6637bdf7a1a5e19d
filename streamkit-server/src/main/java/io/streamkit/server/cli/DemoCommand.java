package io.streamkit.server.cli;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.PageRequest;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.origin.ManagementApi;
import io.streamkit.server.ingest.IngestWorkers;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamkit demo [FILE]}: the whole platform on one machine in one command. Embedded H2 and a local data
 * directory; generates a short test-pattern video with the bundled ffmpeg when no file is given; ingests it, publishes
 * it and prints the admin and player URLs, then serves until Ctrl-C. The admin key and signing secret are generated
 * once and kept in the data directory, so URLs printed earlier keep working after a restart.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run the platform locally: ingest FILE (or a generated sample), publish it and print the admin and player",
        "URLs. Keeps serving until Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {

  static final String ADMIN_KEY_FILE = "demo-admin-key";
  static final String SIGNING_KEY_FILE = "demo-signing-key";
  static final int SAMPLE_SECONDS = 12;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "video to ingest (default: a sample)")
  Path file;

  @Option(names = "--data", defaultValue = "streamkit-data", paramLabel = "DIR",
      description = "data directory (default ./streamkit-data)")
  Path data;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "TCP port (default 8080)")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "address to listen on (default 127.0.0.1, this machine only)")
  String host;

  @Option(names = "--workers", defaultValue = "1", paramLabel = "N", description = "ingest workers (default 1)")
  int workers;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (file != null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException("demo: " + file + " is not a file; give a video file, or no argument for a"
          + " generated sample");
    }
    Files.createDirectories(data);
    String adminKey = secret(data.resolve(ADMIN_KEY_FILE));
    String signingSecret = secret(data.resolve(SIGNING_KEY_FILE));
    byte[] secretBytes = PlaybackTokenSigner.secretFromText(signingSecret);
    PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(secretBytes);
    OriginServer.Builder origin = OriginServer.builder().dataDirectory(data).host(host).port(port)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(secretBytes).build()).adminKey(adminKey);
    RunningPlatform platform = RunningPlatform.start(data, null, null, workers, Ladder.apple(), "veryfast", adminKey,
        ManagementApi.DEFAULT_MAX_UPLOAD_BYTES, signer, null, origin);
    Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "streamkit-demo-stop"));
    String base = "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + platform.origin.port();
    out.println("StreamKit demo: data in " + data.toAbsolutePath() + ", serving " + base);

    Title title = existingSample(platform).orElse(null);
    if (title == null || file != null) {
      title = ingest(platform, out);
    }
    if (title.status() != TitleStatus.PUBLISHED) {
      title = platform.store.catalog().transition(title.id(), TitleStatus.PUBLISHED);
    }
    String token = signer.sign(PlaybackClaims.builder().viewer("demo-viewer").title(title.id().toString())
        .issuedAt(Instant.now()).expiresAt(Instant.now().plus(Duration.ofDays(1))).build());
    out.println();
    out.println("Admin:  " + base + "/admin?key=" + adminKey);
    out.println("Player: " + base + "/play/" + title.id() + "?token=" + token);
    out.println("API:    curl -H 'Authorization: Bearer " + adminKey + "' " + base + "/api/titles");
    out.println();
    out.println("Serving until Ctrl-C.");
    out.flush();
    platform.origin.awaitClose();
    return 0;
  }

  /** Without a FILE, a re-run reuses the newest published title instead of adding another sample. */
  private Optional<Title> existingSample(RunningPlatform platform) {
    if (file != null) {
      return Optional.empty();
    }
    List<Title> published = platform.store.catalog()
        .list(TitleStatus.PUBLISHED, PageRequest.first(1)).items();
    return published.stream().findFirst();
  }

  private Title ingest(RunningPlatform platform, PrintWriter out) throws IOException, InterruptedException {
    Path uploads = Files.createDirectories(data.resolve(IngestWorkers.UPLOADS));
    Path staged = uploads.resolve(".demo-" + System.nanoTime());
    String name;
    if (file != null) {
      Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
      name = file.getFileName().toString();
    } else {
      out.println("Generating a " + SAMPLE_SECONDS
          + " s sample video (test pattern and tone) with the bundled ffmpeg...");
      out.flush();
      generateSample(staged);
      name = "StreamKit sample";
    }
    Title title = platform.store.catalog().create(name, "Added by streamkit demo");
    Path source = IngestWorkers.sourceFile(data.toAbsolutePath(), title.id());
    Files.move(staged, source, StandardCopyOption.ATOMIC_MOVE);
    IngestJobQueue.in(platform.store).enqueue(title.id(), source.toString());
    out.println("Transcoding " + name + " (title " + title.id() + ")...");
    out.flush();
    int shown = -1;
    while (true) {
      Title now = platform.store.catalog().get(title.id()).orElseThrow();
      if (now.status() == TitleStatus.READY || now.status() == TitleStatus.PUBLISHED) {
        out.println("  100%");
        return now;
      }
      if (now.status() == TitleStatus.FAILED) {
        throw new IllegalArgumentException("demo: " + name + " could not be transcoded: " + now.errorMessage());
      }
      if (now.status() == TitleStatus.PROCESSING && now.progressPercent() / 10 != shown) {
        shown = now.progressPercent() / 10;
        out.println("  " + now.progressPercent() + "%");
        out.flush();
      }
      Thread.sleep(250);
    }
  }

  /** Test pattern and a 440 Hz tone, 640x360, through the bundled ffmpeg's lavfi input. */
  static void generateSample(Path target) throws IOException, InterruptedException {
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    Process process = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", Integer.toString(SAMPLE_SECONDS), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-f", "mp4", target.toString()).redirectErrorStream(true).start();
    byte[] log = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("demo: the bundled ffmpeg could not generate the sample: "
          + new String(log, StandardCharsets.UTF_8).lines().findFirst().orElse("exit " + process.exitValue()));
    }
  }

  /** A random key kept in {@code file}: created on first use, read afterwards. */
  private static String secret(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.length() >= 32) {
        return value;
      }
    }
    byte[] random = new byte[36];
    new SecureRandom().nextBytes(random);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    return value;
  }
}
