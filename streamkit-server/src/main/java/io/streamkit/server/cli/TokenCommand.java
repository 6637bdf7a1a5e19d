package io.streamkit.server.cli;

import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenSigner;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code streamkit token}: mints a playback token, and with {@code --base-url} the master playlist URL carrying it. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
        "Mint a playback token for one title.",
        "Prints the token; with --base-url the last line is the master playlist URL carrying it."})
final class TokenCommand implements Callable<Integer> {

  /** A week: tokens are per playback session; longer grants belong to the application, not the token. */
  static final long MAX_TTL_SECONDS = 7 * 24 * 3600;

  @Spec CommandSpec spec;

  @Option(names = "--signing-key", required = true, defaultValue = "${env:STREAMKIT_SIGNING_KEY}", paramLabel = "KEY",
      description = "HS256 secret (at least 32 bytes) or ES256 private key PEM file (env STREAMKIT_SIGNING_KEY)")
  String signingKey;

  @Option(names = "--title", required = true, paramLabel = "ID", description = "title id (directory under titles/)")
  String title;

  @Option(names = "--viewer", defaultValue = "anonymous", paramLabel = "V", description = "viewer id (sub claim)")
  String viewer;

  @Option(names = "--ttl", defaultValue = "3600", paramLabel = "SECONDS", description = "lifetime (default 3600)")
  long ttlSeconds;

  @Option(names = "--max-height", paramLabel = "H", description = "tallest variant the viewer may receive, in lines")
  Integer maxHeight;

  @Option(names = "--max-streams", paramLabel = "N",
      description = "streams the viewer may play at once (max_streams claim), overriding serve's default")
  Integer maxStreams;

  @Option(names = "--client-ip", paramLabel = "IP", description = "bind the token to this client address")
  String clientIp;

  @Option(names = "--base-url", paramLabel = "URL", description = "origin base URL, e.g. http://localhost:8080")
  String baseUrl;

  @Override
  public Integer call() {
    if (ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new IllegalArgumentException("--ttl must be between 1 and " + MAX_TTL_SECONDS + " seconds, got "
          + ttlSeconds);
    }
    String base = baseUrl == null ? null : checkedBaseUrl(baseUrl);
    PlaybackTokenSigner signer = SigningKeys.signer(signingKey);
    Instant now = Instant.now();
    PlaybackClaims.Builder claims = PlaybackClaims.builder().title(title).viewer(viewer).issuedAt(now)
        .expiresAt(now.plusSeconds(ttlSeconds));
    if (maxHeight != null) {
      claims.maxHeight(maxHeight);
    }
    if (maxStreams != null) {
      claims.maxStreams(maxStreams);
    }
    if (clientIp != null) {
      claims.clientIp(clientIp);
    }
    String token = signer.sign(claims.build());
    PrintWriter out = spec.commandLine().getOut();
    out.println(token);
    if (base != null) {
      out.println(base + "/titles/" + title + "/master.m3u8?token=" + token);
    }
    out.flush();
    return 0;
  }

  private static String checkedBaseUrl(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--base-url '" + value + "' is not a URL; use e.g. http://localhost:8080");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "--base-url '" + value + "' must be an http(s) URL without query, e.g. http://localhost:8080");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
