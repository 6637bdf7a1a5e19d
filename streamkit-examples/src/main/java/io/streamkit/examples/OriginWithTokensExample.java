package io.streamkit.examples;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.SampleVideo;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * Packages a title and serves it behind playback tokens: the application signs one token per viewing session, the
 * origin checks it on every request and splices it into every playlist URI, and a viewer whose plan stops at 360p is
 * never offered more.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl streamkit-server,streamkit-examples -am
 * java -cp streamkit-server/target/streamkit.jar:streamkit-examples/target/classes \
 *     io.streamkit.examples.OriginWithTokensExample
 * </pre>
 */
public final class OriginWithTokensExample {

  /** The title's id: its directory under {@code titles/}, and the {@code title} claim of its tokens. */
  public static final String TITLE = "sample";

  private OriginWithTokensExample() {}

  /** Serves a generated title until Ctrl-C, printing a player URL for a 360p-capped viewer. */
  public static void main(String[] args) throws Exception {
    Path data = Files.createTempDirectory("streamkit-example");
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try (OriginServer origin = start(data, secret, 8080)) {
      String token = tokenFor(secret, "alice", 360);
      System.out.println("master playlist: http://localhost:" + origin.port() + "/titles/" + TITLE
          + "/master.m3u8?token=" + token);
      origin.awaitClose();
    }
  }

  /** Writes a 6 s sample, packages it into {@code data/titles/sample}, and starts an origin that requires tokens. */
  public static OriginServer start(Path data, byte[] secret, int port) throws IOException {
    Path source = data.resolve("source.mp4");
    SampleVideo.write(source, 6);
    Transcoder.builder().input(source).output(data.resolve("titles").resolve(TITLE)).ladder(Ladder.small())
        .build().run();
    return OriginServer.builder()
        .dataDirectory(data)
        .port(port)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(secret).build())
        .build()
        .start();
  }

  /** A one-hour token for {@code viewer}, capped at {@code maxHeight} lines. */
  public static String tokenFor(byte[] secret, String viewer, int maxHeight) {
    return PlaybackTokenSigner.hs256(secret).sign(PlaybackClaims.builder()
        .viewer(viewer)
        .title(TITLE)
        .maxHeight(maxHeight)
        .expiresAt(Instant.now().plus(Duration.ofHours(1)))
        .build());
  }
}
