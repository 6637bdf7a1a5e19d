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

  /**
   * Serves a generated title on port 8080 until Ctrl-C, printing a master playlist URL for a 360p-capped viewer.
   *
   * @param args ignored
   * @throws Exception if the title cannot be made or the port is in use
   */
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

  /**
   * Writes a 6 s sample, packages it into {@code data/titles/sample}, and starts an origin that requires tokens.
   *
   * @param data an empty directory to serve from
   * @param secret the HS256 secret tokens are checked with, at least 32 bytes
   * @param port the TCP port, 0 for a free one
   * @return the running origin; the caller closes it
   * @throws IOException declared for file errors; writing and transcoding report theirs as
   *     {@link io.streamkit.hls.TranscodeException}
   */
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

  /**
   * Mints a token for the sample title.
   *
   * @param secret the HS256 secret the origin was started with
   * @param viewer the viewer id (the token's {@code sub})
   * @param maxHeight the tallest variant this viewer may receive, in lines
   * @return a token valid for one hour
   */
  public static String tokenFor(byte[] secret, String viewer, int maxHeight) {
    return PlaybackTokenSigner.hs256(secret).sign(PlaybackClaims.builder()
        .viewer(viewer)
        .title(TITLE)
        .maxHeight(maxHeight)
        .expiresAt(Instant.now().plus(Duration.ofHours(1)))
        .build());
  }
}
