package com.example.vod;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.hls.SampleVideo;
import io.streamkit.hls.Transcoder;
import io.streamkit.server.origin.OriginServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What an application embedding StreamKit does: package a video as HLS, serve it behind playback tokens, and mint a
 * viewer's URL.
 */
public final class VodApp implements AutoCloseable {

  private final OriginServer origin;
  private final PlaybackTokenSigner signer;

  private VodApp(OriginServer origin, PlaybackTokenSigner signer) {
    this.origin = origin;
    this.signer = signer;
  }

  /** Generates a {@code seconds}-long clip, packages it as the title {@code titleId} under {@code data}, serves it. */
  public static VodApp start(Path data, String titleId, int seconds, byte[] secret) throws Exception {
    Path clip = Files.createDirectories(data.resolve("uploads")).resolve(titleId + ".mp4");
    SampleVideo.write(clip, seconds);
    Transcoder.builder()
        .input(clip)
        .output(data.resolve("titles").resolve(titleId))
        .ladder(Ladder.small())
        .build()
        .run();
    OriginServer origin = OriginServer.builder()
        .dataDirectory(data)
        .host("127.0.0.1")
        .port(0)
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(secret).build())
        .build()
        .start();
    return new VodApp(origin, PlaybackTokenSigner.hs256(secret));
  }

  /** The master playlist URL that lets {@code viewer} play {@code titleId} for the next hour. */
  public String playbackUrl(String titleId, String viewer) {
    String token = signer.sign(PlaybackClaims.builder()
        .title(titleId)
        .viewer(viewer)
        .expiresAt(Instant.now().plus(Duration.ofHours(1)))
        .build());
    return baseUrl() + "/titles/" + titleId + "/master.m3u8?token=" + token;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + origin.port();
  }

  @Override
  public void close() {
    origin.close();
  }

  public static void main(String[] args) throws Exception {
    byte[] secret = PlaybackTokenSigner.secretFromText(System.getenv("SIGNING_KEY"));
    try (VodApp app = start(Path.of(args[0]), "sample", 12, secret)) {
      System.out.println(app.playbackUrl("sample", "alice"));
      Thread.currentThread().join();
    }
  }
}
