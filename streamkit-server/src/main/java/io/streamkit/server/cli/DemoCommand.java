package io.streamkit.server.cli;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.hls.SampleVideo;
import io.streamkit.server.StreamkitPlatform;
import io.streamkit.hls.ingest.IngestWorkers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamkit demo [FILE]}: the whole platform on one machine in one command. Embedded H2 and a local data
 * directory; generates a short test-pattern video ({@link SampleVideo}) when no file is given; ingests it, publishes
 * it and prints the admin and player URLs, then serves until Ctrl-C. The admin key and signing secret are generated
 * once and kept in the data directory, readable by their owner only, so URLs printed earlier keep working after a
 * restart.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run the whole platform on this machine and print its admin and player URLs.",
        "Ingests FILE (or a generated sample), publishes it and keeps serving until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

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
      throw new IllegalArgumentException(file + " is not a file; give a video file, or no argument for a"
          + " generated sample");
    }
    FreePort.require(host, port);
    Files.createDirectories(data);
    String adminKey = secret(data.resolve(ADMIN_KEY_FILE));
    String signingSecret = secret(data.resolve(SIGNING_KEY_FILE));
    byte[] secretBytes = PlaybackTokenSigner.secretFromText(signingSecret);
    PlaybackTokenSigner signer = PlaybackTokenSigner.hs256(secretBytes);
    StreamkitPlatform platform = StreamkitPlatform.builder().dataDirectory(data).hs256Secret(secretBytes)
        .adminKey(adminKey).workers(workers).ladder(Ladder.apple()).preset("veryfast")
        .managementApi(api -> api.viewerGrants(true))
        .origin(origin -> origin.host(host).port(port)).build().start();
    ProcessLifecycle.closeOnShutdown(platform);
    String base = "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + platform.port();
    out.println("StreamKit demo: data in " + data.toAbsolutePath() + ", serving " + base);

    Title title = existingSample(platform).orElse(null);
    if (title == null || file != null) {
      title = ingest(platform, out);
    }
    if (title.status() != TitleStatus.PUBLISHED) {
      title = platform.store().catalog().transition(title.id(), TitleStatus.PUBLISHED);
    }
    String token = signer.sign(PlaybackClaims.builder().viewer("demo-viewer").title(title.id().toString())
        .issuedAt(Instant.now()).expiresAt(Instant.now().plus(Duration.ofDays(1))).build());
    out.println();
    out.println("Admin:  " + base + "/admin?key=" + adminKey);
    out.println("Player: " + base + "/play/" + title.id() + "?token=" + token);
    out.println("Browse: " + base + "/browse?token=" + token);
    out.println("API:    curl -H 'Authorization: Bearer " + adminKey + "' " + base + "/api/titles");
    out.println();
    out.println("Serving until Ctrl-C.");
    out.flush();
    platform.awaitClose();
    return 0;
  }

  /** Without a FILE, a re-run reuses the newest published title instead of adding another sample. */
  private Optional<Title> existingSample(StreamkitPlatform platform) {
    if (file != null) {
      return Optional.empty();
    }
    List<Title> published = platform.store().catalog()
        .list(TitleStatus.PUBLISHED, PageRequest.first(1)).items();
    return published.stream().findFirst();
  }

  private Title ingest(StreamkitPlatform platform, PrintWriter out) throws IOException, InterruptedException {
    Path uploads = Files.createDirectories(data.resolve(IngestWorkers.UPLOADS));
    Path staged = uploads.resolve(".demo-" + System.nanoTime());
    String name;
    if (file != null) {
      Files.copy(file, staged, StandardCopyOption.REPLACE_EXISTING);
      name = file.getFileName().toString();
    } else {
      out.println("Generating a " + SAMPLE_SECONDS + " s sample video (test pattern and tone)...");
      out.flush();
      SampleVideo.write(staged, SAMPLE_SECONDS);
      name = "StreamKit sample";
    }
    Title title = platform.store().catalog().create(name, "Added by streamkit demo");
    Path source = IngestWorkers.sourceFile(data.toAbsolutePath(), title.id());
    Files.move(staged, source, StandardCopyOption.ATOMIC_MOVE);
    platform.ingestQueue().enqueue(title.id(), source.toString());
    out.println("Transcoding " + name + " (title " + title.id() + ")...");
    out.flush();
    int shown = -1;
    while (true) {
      Title now = platform.store().catalog().get(title.id()).orElseThrow();
      if (now.status() == TitleStatus.READY || now.status() == TitleStatus.PUBLISHED) {
        out.println("  100%");
        return now;
      }
      if (now.status() == TitleStatus.FAILED) {
        throw new IllegalArgumentException(name + " could not be transcoded: " + now.errorMessage());
      }
      if (now.status() == TitleStatus.PROCESSING && now.progressPercent() / 10 != shown) {
        shown = now.progressPercent() / 10;
        out.println("  " + now.progressPercent() + "%");
        out.flush();
      }
      Thread.sleep(250);
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
    Files.deleteIfExists(file);
    // Created owner-only (0600) rather than tightened afterwards: never readable by others, even for a moment.
    FileAttribute<?>[] ownerOnly = file.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    try (SeekableByteChannel channel = Files.newByteChannel(file,
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
      channel.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.UTF_8)));
    }
    return value;
  }
}
