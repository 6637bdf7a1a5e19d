package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OIDC access tokens against a real identity provider stand-in: the JDK's HTTP server on a local socket serving a
 * discovery document and a JSON Web Key Set, with tokens signed by an RSA key made for the test.
 */
class OidcManagementTest {

  private static final String ADMIN_KEY = "oidc-test-admin-key-0123456789";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String AUDIENCE = "streamkit";

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicInteger keySetFetches = new AtomicInteger();
  private volatile CountDownLatch keySetGate = new CountDownLatch(0);
  private final CountDownLatch keySetAsked = new CountDownLatch(1);
  private HttpServer provider;
  private String issuer;
  private RSAKey signingKey;
  private StreamkitStore store;
  private OriginServer origin;

  @BeforeEach
  void startProvider() throws Exception {
    signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realms/video";
    provider.createContext("/realms/video/.well-known/openid-configuration", exchange -> send(exchange,
        "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
    provider.createContext("/realms/video/jwks", exchange -> {
      keySetFetches.incrementAndGet();
      keySetAsked.countDown();
      try {
        keySetGate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      send(exchange, new JWKSet(signingKey).toPublicJWKSet().toString());
    });
    provider.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    provider.start();
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void start(Consumer<OidcAuthentication.Builder> settings) {
    store = StreamkitStore.builder().dataDirectory(data).build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data)
        .tokenSigner(PlaybackTokenSigner.hs256(SECRET)).build();
    OidcAuthentication.Builder oidc = OidcAuthentication.builder().issuer(issuer).audience(AUDIENCE);
    settings.accept(oidc);
    origin = OriginServer.builder().dataDirectory(data).port(0).host("127.0.0.1").ioThreads(1)
        .rateLimits(RateLimits.none()).tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).store(store).managementApi(api).oidc(oidc.build()).build().start();
  }

  @AfterEach
  void stop() {
    keySetGate.countDown();
    if (origin != null) {
      origin.close();
    }
    if (store != null) {
      store.close();
    }
    provider.stop(0);
  }

  private JWTClaimsSet.Builder claims(String subject, Object role) {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(List.of(AUDIENCE, "account"))
        .subject(subject).expirationTime(Date.from(Instant.now().plusSeconds(300)))
        .issueTime(Date.from(Instant.now()));
    return role == null ? claims : claims.claim(OidcAuthentication.DEFAULT_ROLE_CLAIM, role);
  }

  private String token(JWTClaimsSet claims, RSAKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(new JOSEObjectType("at+jwt")).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private HttpResponse<String> call(String method, String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  @Test
  void aTokenFromTheDiscoveredKeySetActsWithTheRoleItsClaimNamesAndIsAudited() throws Exception {
    start(oidc -> { });
    Title title = store.catalog().create("Film", "");
    store.catalog().transition(title.id(), TitleStatus.PROCESSING);
    store.catalog().transition(title.id(), TitleStatus.READY);
    String editor = token(claims("ed", "editor").build(), signingKey);
    String moderator = token(claims("alice", List.of("offline_access", "moderator")).build(), signingKey);

    assertThat(call("GET", "/api/titles", editor).statusCode()).isEqualTo(200);
    HttpResponse<String> editorPublish = call("POST", "/api/titles/" + title.id() + "/publish", editor);
    assertThat(editorPublish.statusCode()).isEqualTo(403);
    assertThat(editorPublish.body()).contains("oidc:ed has the role editor");
    assertThat(call("POST", "/api/titles/" + title.id() + "/publish", moderator).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/titles", ADMIN_KEY).statusCode()).as("the admin key works beside OIDC")
        .isEqualTo(200);

    JsonNode audit = json.readTree(call("GET", "/api/audit", ADMIN_KEY).body()).get("items").get(0);
    assertThat(audit.get("action").asText()).isEqualTo("title.publish");
    assertThat(audit.get("actor").asText()).isEqualTo("oidc:alice");
    assertThat(keySetFetches.get()).as("the key set is cached between tokens").isEqualTo(1);
  }

  @Test
  void tokensThatDoNotVerifyAre401AndATokenWithoutARoleIs403() throws Exception {
    start(oidc -> { });
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    Map<String, String> refused = Map.of(
        "expired", token(claims("a", "admin").expirationTime(Date.from(Instant.now().minusSeconds(120))).build(),
            signingKey),
        "other audience", token(claims("a", "admin").audience("another-app").build(), signingKey),
        "other issuer", token(claims("a", "admin").issuer("http://127.0.0.1:1/evil").build(), signingKey),
        "other key", token(claims("a", "admin").build(), stranger),
        "not a token", "a.b.c");
    for (Map.Entry<String, String> token : refused.entrySet()) {
      HttpResponse<String> answer = call("GET", "/api/titles", token.getValue());
      assertThat(answer.statusCode()).as(token.getKey()).isEqualTo(401);
      assertThat(answer.body()).as(token.getKey()).startsWith("{\"error\":\"unauthorized\"");
      assertThat(answer.body().strip()).as(token.getKey()).doesNotContain("\n");
    }
    HttpResponse<String> roleless = call("GET", "/api/titles", token(claims("b", "owner").build(), signingKey));
    assertThat(roleless.statusCode()).isEqualTo(403);
    assertThat(roleless.body()).contains("no StreamKit role in its claim streamkit_role");
  }

  @Test
  void aNestedRoleClaimAndAnExplicitKeySetUrlAreHonoured() throws Exception {
    start(oidc -> oidc.roleClaim("realm_access.roles").jwksUrl(issuer + "/jwks"));
    String admin = token(claims("root", null).claim("realm_access", Map.of("roles", List.of("admin"))).build(),
        signingKey);
    assertThat(call("GET", "/api/users", admin).statusCode()).isEqualTo(200);
    String flat = token(claims("root", "admin").build(), signingKey);
    assertThat(call("GET", "/api/users", flat).statusCode()).isEqualTo(403);
  }

  @Test
  void anUnreachableKeySetIs503AndNeverHoldsTheEventLoop() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    start(oidc -> oidc.jwksUrl("http://127.0.0.1:" + closedPort + "/jwks"));
    HttpResponse<String> answer = call("GET", "/api/titles", token(claims("a", "admin").build(), signingKey));
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("identity_provider_unavailable");
  }

  @Test
  void whileTheKeySetIsBeingFetchedTheOriginKeepsAnswering() throws Exception {
    keySetGate = new CountDownLatch(1);
    start(oidc -> { });
    String editor = token(claims("ed", "editor").build(), signingKey);
    CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + origin.port() + "/api/titles")).header("Authorization", "Bearer " + editor)
        .build(), BodyHandlers.ofString());
    assertThat(keySetAsked.await(30, TimeUnit.SECONDS)).isTrue();

    // The one event loop is free while the key set has not answered: other requests are served meanwhile.
    assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/titles", ADMIN_KEY).statusCode()).isEqualTo(200);
    assertThat(waiting).isNotDone();

    keySetGate.countDown();
    assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }
}
