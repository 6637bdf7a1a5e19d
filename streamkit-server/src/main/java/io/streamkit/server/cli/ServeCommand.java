package io.streamkit.server.cli;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.server.origin.ManagementApi;
import io.streamkit.hls.SegmentEncryption;
import io.streamkit.hls.Transcoder;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.StreamkitPlatform;
import io.streamkit.server.origin.OidcAuthentication;
import io.streamkit.server.origin.OriginServer;
import io.streamkit.server.origin.RateLimits;
import io.streamkit.storage.s3.S3Storage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamkit serve}: runs the origin until interrupted; SIGTERM/SIGINT drain responses in flight first.
 * Every option also reads a {@code STREAMKIT_*} environment variable, so a container needs no arguments.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serve titles to players behind playback tokens, with the management API and ingest workers.",
        "Titles are read from DIR/titles/<id>/; with --admin-key the management API (uploads, titles, moderation,"
            + " playback tokens) and ingest workers transcoding uploads are on too.",
        "With --storage s3://BUCKET[/PREFIX], sources and titles live in S3 instead: uploads go there, workers publish"
            + " there and titles are served through a disk cache, so several nodes share one database and one bucket"
            + " (docs/deployment.md).",
        "Stops gracefully on SIGTERM or Ctrl-C: responses in flight finish, answered progress heartbeats are stored,"
            + " then the database closes (exit status 143 after SIGTERM, 130 after Ctrl-C)."})
final class ServeCommand implements Callable<Integer> {

  /** A {@code --rate-limit-*} value: requests, then a period of whole seconds, minutes or hours. */
  private static final Pattern RATE = Pattern.compile("(\\d{1,7})/(\\d{0,5})(s|min|h)");

  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "${env:STREAMKIT_PORT:-8080}", paramLabel = "P",
      description = "TCP port (env STREAMKIT_PORT, default 8080)")
  int port;

  @Option(names = "--host", defaultValue = "${env:STREAMKIT_HOST:-0.0.0.0}", paramLabel = "ADDR",
      description = "address to listen on (env STREAMKIT_HOST, default 0.0.0.0)")
  String host;

  @Option(names = "--data", required = true, defaultValue = "${env:STREAMKIT_DATA}", paramLabel = "DIR",
      description = "data directory holding titles/<id>/master.m3u8, made if missing when --admin-key is given"
          + " (env STREAMKIT_DATA)")
  Path data;

  @Option(names = "--db", defaultValue = "${env:STREAMKIT_DB}", paramLabel = "JDBC_URL",
      description = "catalog and job queue database (env STREAMKIT_DB), jdbc:postgresql://... or jdbc:h2:...;"
          + " default: H2 in the data directory")
  String db;

  @Option(names = {"--workers", "--ingest-workers"}, defaultValue = "${env:STREAMKIT_WORKERS:-1}", paramLabel = "N",
      description = "ingest workers transcoding uploads on this node, 0 to leave transcoding to other nodes sharing"
          + " the database (env STREAMKIT_WORKERS, default 1)")
  int workers;

  @Option(names = "--job-lease", defaultValue = "${env:STREAMKIT_JOB_LEASE:-60}", paramLabel = "SECONDS",
      description = "how long a claimed ingest job stays this node's without a renewal; after a crash another node"
          + " takes it over once it runs out (env STREAMKIT_JOB_LEASE, default 60)")
  long jobLeaseSeconds;

  @Option(names = "--recommendations-every", defaultValue = "${env:STREAMKIT_RECOMMENDATIONS_EVERY:-900}",
      paramLabel = "SECONDS", description = "how often the recommendations are recomputed from watch progress, by one"
          + " of the nodes sharing the database (env STREAMKIT_RECOMMENDATIONS_EVERY, default 900)")
  long recommendationSeconds;

  @Option(names = "--trusted-proxy", defaultValue = "${env:STREAMKIT_TRUSTED_PROXIES}", split = ",",
      paramLabel = "ADDR|CIDR", description = "proxies (CDN edge, load balancer) whose X-Forwarded-For is believed for"
          + " IP-bound tokens, e.g. 10.0.0.0/8 (env STREAMKIT_TRUSTED_PROXIES, comma-separated); default none")
  List<String> trustedProxies;

  @Option(names = "--rate-limit-management-api", defaultValue = "${env:STREAMKIT_RATE_LIMIT_MANAGEMENT_API}",
      paramLabel = "N/PERIOD", description = "management API requests (/api/titles, /api/uploads, /api/analytics) per"
          + " client, e.g. 600/min, 20/10s, 5000/h (env STREAMKIT_RATE_LIMIT_MANAGEMENT_API, default 600/min)")
  String managementApiRate;

  @Option(names = "--rate-limit-viewer-api", defaultValue = "${env:STREAMKIT_RATE_LIMIT_VIEWER_API}",
      paramLabel = "N/PERIOD", description = "viewer API requests (progress, events, continue-watching) per client"
          + " (env STREAMKIT_RATE_LIMIT_VIEWER_API, default 600/min)")
  String viewerApiRate;

  @Option(names = "--rate-limit-keys", defaultValue = "${env:STREAMKIT_RATE_LIMIT_KEYS}", paramLabel = "N/PERIOD",
      description = "content key requests per client (env STREAMKIT_RATE_LIMIT_KEYS, default 120/min)")
  String keysRate;

  @Option(names = "--rate-limit-failed-tokens", defaultValue = "${env:STREAMKIT_RATE_LIMIT_FAILED_TOKENS}",
      paramLabel = "N/PERIOD", description = "title requests refused for their token per client before its title"
          + " requests get 429 (env STREAMKIT_RATE_LIMIT_FAILED_TOKENS, default 20/min)")
  String failedTokensRate;

  @Option(names = "--no-rate-limits", defaultValue = "${env:STREAMKIT_NO_RATE_LIMITS:-false}", fallbackValue = "true",
      arity = "0..1", paramLabel = "BOOL", description = "limit no client's requests, e.g. when a gateway in front"
          + " does (env STREAMKIT_NO_RATE_LIMITS); limits apply per client, so behind a proxy set --trusted-proxy")
  boolean noRateLimits;

  @Option(names = "--max-upload-bytes", defaultValue = "${env:STREAMKIT_MAX_UPLOAD_BYTES:-10737418240}",
      paramLabel = "BYTES", description = "largest upload accepted (env STREAMKIT_MAX_UPLOAD_BYTES, default 10 GiB)")
  long maxUploadBytes;

  @Option(names = "--max-source-hours", paramLabel = "HOURS",
      defaultValue = "${env:STREAMKIT_MAX_SOURCE_HOURS:-" + Transcoder.DEFAULT_MAX_SOURCE_HOURS + "}",
      description = "longest upload transcoded; a longer one becomes a failed title saying so (env"
          + " STREAMKIT_MAX_SOURCE_HOURS, default " + Transcoder.DEFAULT_MAX_SOURCE_HOURS + ")")
  double maxSourceHours;

  @Option(names = "--ladder", defaultValue = "${env:STREAMKIT_LADDER:-apple}", paramLabel = "NAME|FILE",
      description = "ladder uploads are transcoded to: apple, bench, small, auto (apple's rungs fitted to each title)"
          + " or a ladder file (default apple)")
  String ladder;

  @Option(names = "--preset", defaultValue = "${env:STREAMKIT_PRESET:-veryfast}", paramLabel = "NAME",
      description = "x264 speed preset for uploads (default veryfast)")
  String preset;

  @Option(names = "--node-id", defaultValue = "${env:STREAMKIT_NODE_ID}", paramLabel = "ID",
      description = "this node's id in the shared job queue (env STREAMKIT_NODE_ID); default: kept in DIR/node-id."
          + " Nodes sharing one data directory must each set their own, stable across restarts")
  String nodeId;

  @Option(names = "--public-url", defaultValue = "${env:STREAMKIT_PUBLIC_URL}", paramLabel = "URL",
      description = "base URL players reach this server at, for absolute URLs in playback responses")
  String publicUrl;

  @Option(names = "--signing-key", required = true, defaultValue = "${env:STREAMKIT_SIGNING_KEY}", split = ",",
      paramLabel = "KEY",
      description = "HS256 secret (>= 32 bytes) or ES256 public key PEM file; repeat or separate with commas to "
          + "accept several during a key rotation (env STREAMKIT_SIGNING_KEY)")
  List<String> signingKeys;

  @Option(names = "--admin-key", defaultValue = "${env:STREAMKIT_ADMIN_KEY}", paramLabel = "KEY",
      description = "bearer key for /metrics and the management API /api/... (env STREAMKIT_ADMIN_KEY); without it"
          + " /metrics is open and the API is off")
  String adminKey;

  @Option(names = "--metrics-key", defaultValue = "${env:STREAMKIT_METRICS_KEY}", paramLabel = "KEY",
      description = "bearer key that opens /metrics and nothing else, for a Prometheus scraper (env"
          + " STREAMKIT_METRICS_KEY); with it /metrics takes this key or the admin key")
  String metricsKey;

  @Option(names = "--oidc-issuer", defaultValue = "${env:STREAMKIT_OIDC_ISSUER}", paramLabel = "URL",
      description = "also accept OIDC access tokens from this issuer for the management API (env"
          + " STREAMKIT_OIDC_ISSUER); needs --oidc-audience")
  String oidcIssuer;

  @Option(names = "--oidc-audience", defaultValue = "${env:STREAMKIT_OIDC_AUDIENCE}", paramLabel = "AUD",
      description = "the audience OIDC access tokens must hold in aud (env STREAMKIT_OIDC_AUDIENCE)")
  String oidcAudience;

  @Option(names = "--oidc-jwks-url", defaultValue = "${env:STREAMKIT_OIDC_JWKS_URL}", paramLabel = "URL",
      description = "the issuer's JSON Web Key Set (default: jwks_uri of the issuer's"
          + " /.well-known/openid-configuration)")
  String oidcJwksUrl;

  @Option(names = "--oidc-role-claim", defaultValue = "${env:STREAMKIT_OIDC_ROLE_CLAIM:-streamkit_role}",
      paramLabel = "CLAIM", description = "the token claim naming the role: admin, editor, moderator or viewer; dots"
          + " read nested claims, e.g. realm_access.roles (default streamkit_role)")
  String oidcRoleClaim;

  @Option(names = "--editors-may-publish", defaultValue = "${env:STREAMKIT_EDITORS_MAY_PUBLISH:-false}",
      description = "let the editor role publish and unpublish titles too (default: moderators and admins only)")
  boolean editorsMayPublish;

  @Option(names = "--viewer-grants", defaultValue = "${env:STREAMKIT_VIEWER_GRANTS:-false}",
      description = "let a viewer's playback token be exchanged for a token for any other title the catalog lists to"
          + " that viewer, as the browse page does (env STREAMKIT_VIEWER_GRANTS, default false: only the management"
          + " API signs tokens)")
  boolean viewerGrants;

  @Option(names = "--max-connections", defaultValue = "${env:STREAMKIT_MAX_CONNECTIONS:-10000}", paramLabel = "N",
      description = "concurrent connections accepted (default 10000)")
  int maxConnections;

  @Option(names = "--io-threads", defaultValue = "0", paramLabel = "N",
      description = "event loop threads (default: one per core)")
  int ioThreads;

  @Option(names = "--idle-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "close keep-alive connections idle this long (default 60)")
  long idleTimeoutSeconds;

  @Option(names = "--request-head-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "drop clients whose request head takes longer than this to arrive (default 10)")
  long requestHeadTimeoutSeconds;

  @Option(names = "--write-stall-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "drop clients that stop reading a response for this long (default 60)")
  long writeStallTimeoutSeconds;

  @Option(names = "--tls-cert", defaultValue = "${env:STREAMKIT_TLS_CERT}", paramLabel = "PEM",
      description = "certificate chain for HTTPS (env STREAMKIT_TLS_CERT); needs --tls-key")
  File tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:STREAMKIT_TLS_KEY}", paramLabel = "PEM",
      description = "PKCS #8 private key for HTTPS (env STREAMKIT_TLS_KEY)")
  File tlsKey;

  @Option(names = "--storage", defaultValue = "${env:STREAMKIT_STORAGE}", paramLabel = "s3://BUCKET[/PREFIX]",
      description = "keep sources and titles in S3 or a compatible storage instead of DIR: uploads go there, workers"
          + " publish there and titles are served through a disk cache (env STREAMKIT_STORAGE); credentials from"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS default chain")
  String storage;

  @CommandLine.Mixin S3Options s3;

  @Option(names = "--cache-dir", defaultValue = "${env:STREAMKIT_CACHE_DIR}", paramLabel = "DIR",
      description = "disk cache of objects fetched from --storage, emptied at start (env STREAMKIT_CACHE_DIR);"
          + " default DIR/storage-cache")
  Path cacheDir;

  @Option(names = "--cache-max-bytes", defaultValue = "${env:STREAMKIT_CACHE_MAX_BYTES}", paramLabel = "BYTES",
      description = "most bytes the disk cache keeps (env STREAMKIT_CACHE_MAX_BYTES, default 10 GiB)")
  Long cacheMaxBytes;

  @Option(names = "--max-streams-per-viewer", defaultValue = "${env:STREAMKIT_MAX_STREAMS_PER_VIEWER:-0}",
      paramLabel = "N", description = "most titles one viewer plays at once, across every node on the database; the"
          + " next master playlist is refused 403 too_many_streams. A token's max_streams claim overrides it"
          + " (env STREAMKIT_MAX_STREAMS_PER_VIEWER, default 0: only tokens with max_streams are limited)")
  int maxStreamsPerViewer;

  @Option(names = "--category-access", defaultValue = "${env:STREAMKIT_CATEGORY_ACCESS:-false}",
      description = "let a token's categories claim limit what its viewer lists in GET /api/catalog and plays"
          + " (env STREAMKIT_CATEGORY_ACCESS, default false: the claim is ignored)")
  boolean categoryAccess;

  @Option(names = "--viewer-country-header", defaultValue = "${env:STREAMKIT_VIEWER_COUNTRY_HEADER}",
      paramLabel = "NAME", description = "read the viewer's country for titles' regions from this header, set by the"
          + " CDN every request comes through (CloudFront-Viewer-Country, CF-IPCountry); only where clients cannot"
          + " reach the origin directly (env STREAMKIT_VIEWER_COUNTRY_HEADER, default none: the token's country claim"
          + " only)")
  String viewerCountryHeader;

  @Option(names = "--require-viewer-country", defaultValue = "${env:STREAMKIT_REQUIRE_VIEWER_COUNTRY:-false}",
      description = "refuse titles that list regions to a viewer whose country is not known (env"
          + " STREAMKIT_REQUIRE_VIEWER_COUNTRY, default false: such a viewer sees every title)")
  boolean requireViewerCountry;

  @Option(names = "--stream-idle-timeout", defaultValue = "${env:STREAMKIT_STREAM_IDLE_TIMEOUT:-60}",
      paramLabel = "SECONDS", description = "a playback session without requests for this long frees its slot"
          + " (env STREAMKIT_STREAM_IDLE_TIMEOUT, default 60)")
  long streamIdleTimeoutSeconds;

  @Option(names = "--encrypt", defaultValue = "${env:STREAMKIT_ENCRYPT:-none}", paramLabel = "none|aes-128|cbcs",
      description = "encrypt every title the ingest workers transcode from now on: aes-128 (HLS METHOD=AES-128) or"
          + " cbcs (CMAF sample encryption, fMP4, for DRM players); its keys are kept in the database wrapped under"
          + " the master key (env STREAMKIT_ENCRYPT, default none)")
  String encrypt;

  @Option(names = "--key-rotation-segments", defaultValue = "${env:STREAMKIT_KEY_ROTATION_SEGMENTS:-0}",
      paramLabel = "N", description = "with --encrypt: a new key every N segments; 0 keeps one key per title"
          + " (env STREAMKIT_KEY_ROTATION_SEGMENTS, default 0)")
  int keyRotationSegments;

  @Option(names = "--master-key-file", defaultValue = "${env:STREAMKIT_MASTER_KEY_FILE}", paramLabel = "FILE",
      description = "base64 AES-256 master keys, one per line, the current one first, that wrap content keys in the"
          + " database (env STREAMKIT_MASTER_KEY_FILE, or the keys themselves in STREAMKIT_MASTER_KEY); make one"
          + " with: openssl rand -base64 32")
  Path masterKeyFile;

  @Option(names = "--key-file", defaultValue = "${env:STREAMKIT_KEY_FILE}", paramLabel = "FILE",
      description = "answer key URIs from this key file, written by 'streamkit transcode --encrypt' for titles"
          + " copied into DIR/titles (env STREAMKIT_KEY_FILE)")
  Path keyFile;

  @Option(names = "--rtmp-port", defaultValue = "${env:STREAMKIT_RTMP_PORT:--1}", paramLabel = "P",
      description = "accept live streams from RTMP publishers (OBS, ffmpeg) on this port, e.g. 1935, and serve them as"
          + " Low-Latency HLS under /live/<id>/; needs --admin-key (env STREAMKIT_RTMP_PORT, default off)")
  int rtmpPort;

  @Option(names = "--live-dvr", defaultValue = "${env:STREAMKIT_LIVE_DVR:-false}", fallbackValue = "true",
      description = "live playlists list every segment since the stream started (EXT-X-PLAYLIST-TYPE:EVENT), so"
          + " viewers can rewind; default a sliding window (env STREAMKIT_LIVE_DVR)")
  boolean liveDvr;

  @Option(names = "--live-reconnect-grace", defaultValue = "${env:STREAMKIT_LIVE_RECONNECT_GRACE:-10}",
      paramLabel = "SECONDS", description = "how long a dropped publisher may take to come back and continue the same"
          + " event (env STREAMKIT_LIVE_RECONNECT_GRACE, default 10)")
  int liveReconnectGraceSeconds;

  @Override
  public Integer call() throws Exception {
    Path dataDirectory = dataDirectory(data, adminKey != null && !adminKey.isBlank());
    PlaybackTokenVerifier verifier = SigningKeys.verifier(signingKeys == null ? List.of() : signingKeys);
    Duration idle = seconds("--idle-timeout", idleTimeoutSeconds);
    Duration head = seconds("--request-head-timeout", requestHeadTimeoutSeconds);
    Duration stall = seconds("--write-stall-timeout", writeStallTimeoutSeconds);
    Duration streamIdle = seconds("--stream-idle-timeout", streamIdleTimeoutSeconds);
    if (maxStreamsPerViewer < 0 || maxStreamsPerViewer > OriginServer.MAX_STREAMS_PER_VIEWER) {
      throw new IllegalArgumentException("--max-streams-per-viewer must be between 0 (no default limit) and "
          + OriginServer.MAX_STREAMS_PER_VIEWER + ", got " + maxStreamsPerViewer);
    }
    if (streamIdle.toSeconds() < OriginServer.MIN_STREAM_IDLE_SECONDS || streamIdle.toSeconds() > 3600) {
      throw new IllegalArgumentException("--stream-idle-timeout must be between " + OriginServer.MIN_STREAM_IDLE_SECONDS
          + " and 3600 seconds, got " + streamIdleTimeoutSeconds);
    }
    SslContext tls = sslContext();
    RateLimits rateLimits = rateLimits();
    String jdbcUrl = db == null || db.isBlank() ? null : checkedJdbcUrl(db);
    if (maxUploadBytes < 1 || maxUploadBytes > ManagementApi.MAX_UPLOAD_BYTES) {
      throw new IllegalArgumentException("--max-upload-bytes must be between 1 and " + ManagementApi.MAX_UPLOAD_BYTES
          + ", got " + maxUploadBytes);
    }
    if (workers < 0 || workers > IngestWorkers.MAX_WORKERS) {
      throw new IllegalArgumentException("--workers must be between 0 and " + IngestWorkers.MAX_WORKERS + ", got "
          + workers);
    }
    Duration lease = seconds("--job-lease", jobLeaseSeconds);
    if (lease.compareTo(IngestJobQueue.MAX_LEASE) > 0) {
      throw new IllegalArgumentException("--job-lease must be between 1 and " + IngestJobQueue.MAX_LEASE.toSeconds()
          + " seconds, got " + jobLeaseSeconds);
    }
    boolean api = adminKey != null && !adminKey.isBlank();
    boolean stored = storage != null && !storage.isBlank();
    checkStorageOptions(stored);
    OidcAuthentication oidc = oidc();
    StreamkitPlatform.Builder platform = StreamkitPlatform.builder()
        .dataDirectory(dataDirectory)
        .tokenVerifier(verifier)
        .ladder(Ladder.named(ladder))
        .preset(preset)
        .maxUploadBytes(maxUploadBytes)
        .maxSourceDuration(TranscodeCommand.sourceHours("--max-source-hours", maxSourceHours))
        .publicBaseUrl(publicUrl)
        .workers(workers)
        .jobLease(lease)
        .recommendationPeriod(seconds("--recommendations-every", recommendationSeconds))
        .origin(origin -> {
          origin.host(host).port(port).maxConnections(maxConnections).idleTimeout(idle).requestHeadTimeout(head)
              .writeStallTimeout(stall).tls(tls).rateLimits(rateLimits).maxStreamsPerViewer(maxStreamsPerViewer)
              .categoryAccess(categoryAccess).viewerCountryHeader(viewerCountryHeader)
              .requireViewerCountry(requireViewerCountry)
              .streamIdleTimeout(streamIdle).oidc(oidc)
              .metricsKey(metricsKey == null || metricsKey.isBlank() ? null : metricsKey);
          if (trustedProxies != null) {
            origin.trustedProxies(trustedProxies.stream().map(String::strip).filter(p -> !p.isEmpty())
                .toArray(String[]::new));
          }
          if (ioThreads != 0) {
            origin.ioThreads(ioThreads);
          }
          if (cacheDir != null) {
            origin.cacheDirectory(cacheDir);
          }
          if (cacheMaxBytes != null) {
            origin.cacheMaxBytes(cacheMaxBytes);
          }
        });
    PlaybackTokenSigner signer = signer();
    if (signer != null) {
      platform.tokenSigner(signer);
    }
    if (jdbcUrl != null) {
      platform.jdbcUrl(jdbcUrl);
    }
    if (nodeId != null && !nodeId.isBlank()) {
      platform.nodeId(nodeId);
    }
    if (api) {
      platform.adminKey(adminKey).managementApi(management -> management.editorsMayPublish(editorsMayPublish)
          .viewerGrants(viewerGrants));
    }
    protection(platform);
    live(platform, api);
    FreePort.require(host, port);
    try (MediaStorage titles = stored ? s3Storage() : null) {
      if (titles != null) {
        platform.storage(titles);
      }
      StreamkitPlatform running = platform.build().start();
      ProcessLifecycle.closeOnShutdown(running);
      PrintWriter out = spec.commandLine().getOut();
      String mode = (api ? ", management API on" : "")
          + (running.live() != null ? ", RTMP ingest on port " + running.live().rtmpPort() : "")
          + ", " + workers + " ingest worker" + (workers == 1 ? "" : "s");
      out.println("StreamKit serving " + (stored ? storage : dataDirectory.toAbsolutePath()) + " at "
          + (tlsCert == null ? "http" : "https") + "://" + host + ":" + running.port() + " ("
          + running.store().databaseName() + " database" + mode + "); stop with Ctrl-C or SIGTERM");
      out.flush();
      running.awaitClose();
    }
    return 0;
  }

  /** OIDC access tokens for management, when an issuer is given; {@code null} otherwise. */
  private OidcAuthentication oidc() {
    if (oidcIssuer == null || oidcIssuer.isBlank()) {
      if (oidcAudience != null || oidcJwksUrl != null) {
        throw new IllegalArgumentException("--oidc-audience and --oidc-jwks-url need --oidc-issuer too");
      }
      return null;
    }
    if (oidcAudience == null || oidcAudience.isBlank()) {
      throw new IllegalArgumentException("--oidc-issuer needs --oidc-audience: the audience this server has at the"
          + " identity provider");
    }
    OidcAuthentication.Builder oidc = OidcAuthentication.builder().issuer(oidcIssuer).audience(oidcAudience)
        .roleClaim(oidcRoleClaim);
    if (oidcJwksUrl != null && !oidcJwksUrl.isBlank()) {
      oidc.jwksUrl(oidcJwksUrl);
    }
    return oidc.build();
  }

  /** Live streaming, when an RTMP port is given. */
  private void live(StreamkitPlatform.Builder platform, boolean api) {
    if (rtmpPort < 0) {
      return;
    }
    if (rtmpPort > 65_535) {
      throw new IllegalArgumentException("--rtmp-port must be between 0 and 65535, got " + rtmpPort);
    }
    if (!api) {
      throw new IllegalArgumentException("--rtmp-port needs --admin-key: live streams are created and their"
          + " recordings admitted through the management API");
    }
    if (rtmpPort == port) {
      throw new IllegalArgumentException("--rtmp-port " + rtmpPort + " is also the HTTP --port; choose another");
    }
    Duration grace = Duration.ofSeconds(Math.max(0, liveReconnectGraceSeconds));
    FreePort.require(host, rtmpPort, "--rtmp-port");
    platform.live(live -> live.rtmp(host, rtmpPort).dvr(liveDvr).reconnectGrace(grace));
  }

  /**
   * Content keys: wrapped in the database under {@code --master-key-file} (or {@code STREAMKIT_MASTER_KEY}), or read
   * from a {@code --key-file}; {@code --encrypt} needs the former.
   */
  private void protection(StreamkitPlatform.Builder platform) throws IOException {
    MasterKeys master = EncryptionOptions.masterKeys(masterKeyFile);
    SegmentEncryption encryption = EncryptionOptions.segmentEncryption(encrypt, keyRotationSegments);
    if (master != null && keyFile != null) {
      throw new IllegalArgumentException("--key-file cannot be combined with a master key: keys come either from the"
          + " database (--master-key-file) or from one key file");
    }
    if (encryption.encrypts()) {
      if (master == null) {
        throw new IllegalArgumentException("--encrypt " + encrypt + " needs a master key to wrap the content keys:"
            + " add --master-key-file FILE (openssl rand -base64 32 > FILE) or set "
            + EncryptionOptions.MASTER_KEY_VARIABLE);
      }
      platform.encryption(encryption);
    }
    if (master != null) {
      platform.masterKeys(master);
    } else if (keyFile != null) {
      if (!Files.isRegularFile(keyFile)) {
        throw new IllegalArgumentException("--key-file " + keyFile + " does not exist; it is written by"
            + " 'streamkit transcode INPUT --out DIR --encrypt aes-128'");
      }
      platform.keyFile(keyFile);
    }
  }

  /** Storage options belong together: S3 and cache settings need {@code --storage}. */
  private void checkStorageOptions(boolean stored) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (!stored) {
      // Only what was typed: STREAMKIT_S3_* and STREAMKIT_CACHE_* variables without STREAMKIT_STORAGE are unused.
      List<String> given = Stream.of("--s3-endpoint", "--s3-region", "--s3-path-style", "--cache-dir",
          "--cache-max-bytes").filter(parsed::hasMatchedOption).toList();
      if (!given.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", given) + (given.size() == 1 ? " needs" : " need")
            + " --storage s3://BUCKET[/PREFIX] (env STREAMKIT_STORAGE); add it, or leave "
            + (given.size() == 1 ? "it" : "them") + " out to serve " + data.resolve("titles"));
      }
      return;
    }
    if (cacheMaxBytes != null && (cacheMaxBytes < OriginServer.MIN_CACHE_MAX_BYTES
        || cacheMaxBytes > OriginServer.MAX_CACHE_MAX_BYTES)) {
      throw new IllegalArgumentException("--cache-max-bytes must be between " + OriginServer.MIN_CACHE_MAX_BYTES
          + " (1 MiB) and " + OriginServer.MAX_CACHE_MAX_BYTES + " (1 PiB), got " + cacheMaxBytes);
    }
  }

  /** The storage {@code --storage} and the {@code --s3-*} options name; nothing is sent until the origin starts. */
  private S3Storage s3Storage() {
    try {
      return s3.storage(storage.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().startsWith("--") ? e.getMessage() : "--storage: "
          + e.getMessage() + "; e.g. --storage s3://media/streamkit", e);
    }
  }

  /** Tokens for the playback endpoint: the first HS256 secret, or an ES256 key file holding a private key. */
  private PlaybackTokenSigner signer() {
    if (signingKeys == null || signingKeys.isEmpty()) {
      return null;
    }
    try {
      return SigningKeys.signer(signingKeys.get(0));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The defaults, with what the {@code --rate-limit-*} options change, or none with {@code --no-rate-limits}. */
  private RateLimits rateLimits() {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("--rate-limit-management-api", managementApiRate);
    given.put("--rate-limit-viewer-api", viewerApiRate);
    given.put("--rate-limit-keys", keysRate);
    given.put("--rate-limit-failed-tokens", failedTokensRate);
    given.values().removeIf(value -> value == null || value.isBlank());
    if (noRateLimits) {
      if (!given.isEmpty()) {
        throw new IllegalArgumentException("cannot use --no-rate-limits with " + String.join(", ", given.keySet())
            + "; leave out one or the other (the options also come from STREAMKIT_* variables)");
      }
      return RateLimits.none();
    }
    RateLimits.Builder limits = RateLimits.builder();
    given.forEach((option, value) -> {
      Matcher rate = RATE.matcher(value.strip());
      if (!rate.matches()) {
        throw new IllegalArgumentException(option + " '" + value + "' is not a rate: give requests per period, e.g."
            + " 600/min, 20/10s or 5000/h");
      }
      int requests = Integer.parseInt(rate.group(1));
      long count = rate.group(2).isEmpty() ? 1 : Long.parseLong(rate.group(2));
      Duration period = switch (rate.group(3)) {
        case "s" -> Duration.ofSeconds(count);
        case "min" -> Duration.ofMinutes(count);
        default -> Duration.ofHours(count);
      };
      try {
        switch (option) {
          case "--rate-limit-management-api" -> limits.managementApi(requests, period);
          case "--rate-limit-viewer-api" -> limits.viewerApi(requests, period);
          case "--rate-limit-keys" -> limits.keys(requests, period);
          default -> limits.failedTokenChecks(requests, period);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " " + value + ": " + e.getMessage(), e);
      }
    });
    return limits.build();
  }

  /**
   * {@code --data}, made when the management API is on (uploads and live recordings fill it); an origin for titles
   * already there refuses a directory that does not exist, which is more likely a mistyped path than an empty one.
   */
  static Path dataDirectory(Path data, boolean managementApi) throws IOException {
    if (managementApi && !Files.exists(data)) {
      Files.createDirectories(data);
    }
    if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException("--data " + data + " is not a directory; create it and put titles in "
          + data.resolve("titles") + "/<id>/" + (managementApi ? "" : ", or pass --admin-key to upload them"));
    }
    return data;
  }

  private static Duration seconds(String option, long value) {
    if (value <= 0 || value > 86_400) {
      throw new IllegalArgumentException(option + " must be between 1 and 86400 seconds, got " + value);
    }
    return Duration.ofSeconds(value);
  }

  private SslContext sslContext() throws javax.net.ssl.SSLException {
    if (tlsCert == null && tlsKey == null) {
      return null;
    }
    if (tlsCert == null || tlsKey == null) {
      throw new IllegalArgumentException("HTTPS needs both --tls-cert and --tls-key");
    }
    for (File f : new File[] {tlsCert, tlsKey}) {
      if (!f.isFile()) {
        throw new IllegalArgumentException("TLS file " + f + " does not exist");
      }
    }
    try {
      return SslContextBuilder.forServer(tlsCert, tlsKey).build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use --tls-cert " + tlsCert + " with --tls-key " + tlsKey + ": "
          + e.getMessage() + " (the key must be an unencrypted PKCS #8 PEM)", e);
    }
  }

  static String checkedJdbcUrl(String url) {
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--db '" + url + "' is not a supported JDBC URL; use jdbc:postgresql://host:"
          + "5432/db?user=... or jdbc:h2:file:/path/streamkit");
    }
    return url;
  }
}
