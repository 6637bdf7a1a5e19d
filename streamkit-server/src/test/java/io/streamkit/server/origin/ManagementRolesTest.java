package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.server.live.LiveEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every management endpoint against every kind of caller, over real sockets: without a credential 401, with a role
 * that may not 403, with one that may neither (the endpoint itself answers: 404 for a title that does not exist, 501
 * for direct uploads on a server without them, and so on). Accounts and keys are made through the API itself.
 */
abstract class ManagementRolesTest {

  static final String ADMIN_KEY = "roles-test-admin-key-0123456789";
  /** Opens /metrics, and no management endpoint. */
  static final String METRICS_KEY = "roles-test-metrics-key-0123456789";
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  /** Who may call an endpoint: letters of the roles, A admin, E editor, M moderator (no endpoint is for viewers). */
  private record Endpoint(String method, String path, String body, String contentType, String allowed) {
    boolean allows(char role) {
      return allowed.indexOf(role) >= 0;
    }
  }

  private static final String ID = UUID.randomUUID().toString();
  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("GET", "/api/titles", null, null, "AEM"),
      new Endpoint("POST", "/api/titles", "not a video", "video/mp4", "AE"),
      new Endpoint("GET", "/api/titles/" + ID, null, null, "AEM"),
      new Endpoint("DELETE", "/api/titles/" + ID, null, null, "A"),
      new Endpoint("POST", "/api/titles/" + ID + "/publish", null, null, "AM"),
      new Endpoint("POST", "/api/titles/" + ID + "/unpublish", null, null, "AM"),
      new Endpoint("POST", "/api/titles/" + ID + "/retry", null, null, "AE"),
      new Endpoint("POST", "/api/titles/" + ID + "/reject", "{\"reason\":\"blurry\"}", "application/json", "AM"),
      new Endpoint("POST", "/api/titles/" + ID + "/playback", "{\"viewerId\":\"v1\"}", "application/json", "AEM"),
      new Endpoint("GET", "/api/titles/" + ID + "/subtitles", null, null, "AEM"),
      new Endpoint("POST", "/api/titles/" + ID + "/subtitles?lang=en&label=English", "WEBVTT\n", "text/vtt", "AE"),
      new Endpoint("DELETE", "/api/titles/" + ID + "/subtitles/en", null, null, "AE"),
      new Endpoint("POST", "/api/uploads", null, null, "AE"),
      new Endpoint("HEAD", "/api/uploads/" + ID, null, null, "AE"),
      new Endpoint("PATCH", "/api/uploads/" + ID, "abc", "application/offset+octet-stream", "AE"),
      new Endpoint("DELETE", "/api/uploads/" + ID, null, null, "AE"),
      new Endpoint("POST", "/api/uploads/s3", "{\"size\":10}", "application/json", "AE"),
      new Endpoint("POST", "/api/uploads/s3/complete", "{}", "application/json", "AE"),
      new Endpoint("POST", "/api/uploads/s3/abort", "{}", "application/json", "AE"),
      new Endpoint("GET", "/api/titles/" + ID + "/analytics", null, null, "A"),
      new Endpoint("GET", "/api/analytics", null, null, "A"),
      new Endpoint("GET", "/api/analytics/devices?range=7d", null, null, "A"),
      new Endpoint("POST", "/api/viewers/v1/revoke", null, null, "A"),
      new Endpoint("POST", "/api/sessions/s1/revoke", null, null, "A"),
      new Endpoint("GET", "/api/live", null, null, "A"),
      new Endpoint("POST", "/api/live", "{\"name\":\"Show\"}", "application/json", "A"),
      new Endpoint("GET", "/api/live/" + ID, null, null, "A"),
      new Endpoint("DELETE", "/api/live/" + ID, null, null, "A"),
      new Endpoint("POST", "/api/live/" + ID + "/key", null, null, "A"),
      new Endpoint("POST", "/api/live/" + ID + "/playback", "{\"viewerId\":\"v1\"}", "application/json", "A"),
      new Endpoint("GET", "/api/users", null, null, "A"),
      new Endpoint("POST", "/api/users", "{\"name\":\"n-%s\",\"role\":\"viewer\"}", "application/json", "A"),
      new Endpoint("GET", "/api/users/" + ID, null, null, "A"),
      new Endpoint("PATCH", "/api/users/" + ID, "{\"role\":\"editor\"}", "application/json", "A"),
      new Endpoint("DELETE", "/api/users/" + ID, null, null, "A"),
      new Endpoint("POST", "/api/users/" + ID + "/keys", "{\"label\":\"x\"}", "application/json", "A"),
      new Endpoint("DELETE", "/api/keys/" + ID, null, null, "A"),
      new Endpoint("GET", "/api/audit?page=0&size=5", null, null, "A"));

  @TempDir Path data;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private StreamkitStore store;
  private LiveEvents live;
  private OriginServer origin;

  /** A store on an empty database. */
  protected abstract StreamkitStore.Builder emptyStore() throws Exception;

  /** Removes what {@link #emptyStore()} made. */
  protected abstract void dropStore() throws Exception;

  private void start(boolean editorsMayPublish) throws Exception {
    store = emptyStore().build();
    ManagementApi api = ManagementApi.builder().store(store).dataDirectory(data)
        .tokenSigner(PlaybackTokenSigner.hs256(SECRET)).editorsMayPublish(editorsMayPublish).build();
    live = LiveEvents.builder().streams(store.liveStreams()).workDirectory(data.resolve("live"))
        .rtmp("127.0.0.1", 0).ladder(LiveApiTest.LADDER).preset("ultrafast").build().start();
    origin = OriginServer.builder().dataDirectory(data).port(0).host("127.0.0.1").rateLimits(RateLimits.none())
        .tokenVerifier(PlaybackTokenVerifier.builder().hs256(SECRET).build())
        .adminKey(ADMIN_KEY).metricsKey(METRICS_KEY).store(store).managementApi(api).live(live).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    if (origin != null) {
      origin.close();
    }
    if (live != null) {
      live.close();
    }
    if (store != null) {
      store.close();
      dropStore();
    }
  }

  private HttpResponse<String> send(String credential, String method, String path, String body, String type)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + origin.port() + path))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (credential != null) {
      request.header("Authorization", "Bearer " + credential);
    }
    if (type != null) {
      request.header("Content-Type", type);
    }
    if (path.startsWith("/api/uploads") && !path.startsWith("/api/uploads/s3")) {
      request.header("Tus-Resumable", "1.0.0").header("Upload-Length", "10").header("Upload-Offset", "0");
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private JsonNode created(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return json.readTree(response.body());
  }

  /** Creates an account with {@code role} through the API and returns a fresh key's secret. */
  private String keyFor(String role) throws Exception {
    return accountWithKey(role + "-" + UUID.randomUUID(), role, "roles test").get("secret").asText();
  }

  /** Creates an account through the API and issues it a key: the key as issued, with its accountId and secret. */
  private JsonNode accountWithKey(String name, String role, String label) throws Exception {
    JsonNode account = created(send(ADMIN_KEY, "POST", "/api/users",
        "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}", "application/json"));
    JsonNode key = created(send(ADMIN_KEY, "POST", "/api/users/" + account.get("id").asText() + "/keys",
        "{\"label\":\"" + label + "\"}", "application/json"));
    assertThat(key.get("secret").asText()).hasSize(43);
    return key;
  }

  @Test
  void everyEndpointRefusesWhoMayNotAndServesWhoMay() throws Exception {
    start(false);
    Map<Character, String> callers = new LinkedHashMap<>();
    callers.put('K', ADMIN_KEY);
    callers.put('A', keyFor("admin"));
    callers.put('E', keyFor("editor"));
    callers.put('M', keyFor("moderator"));
    callers.put('V', keyFor("viewer"));

    List<String> wrong = new ArrayList<>();
    for (Endpoint endpoint : ENDPOINTS) {
      String body = endpoint.body() == null ? null : endpoint.body().replace("%s", UUID.randomUUID().toString());
      HttpResponse<String> anonymous = send(null, endpoint.method(), endpoint.path(), body, endpoint.contentType());
      check(wrong, endpoint, "nobody", anonymous, 401);
      HttpResponse<String> forged = send("not-a-key-" + UUID.randomUUID(), endpoint.method(), endpoint.path(), body,
          endpoint.contentType());
      check(wrong, endpoint, "a made-up key", forged, 401);
      check(wrong, endpoint, "the metrics key", send(METRICS_KEY, endpoint.method(), endpoint.path(), body,
          endpoint.contentType()), 401);
      for (Map.Entry<Character, String> caller : callers.entrySet()) {
        char role = caller.getKey() == 'K' ? 'A' : caller.getKey();
        HttpResponse<String> answer = send(caller.getValue(), endpoint.method(), endpoint.path(), body,
            endpoint.contentType());
        if (endpoint.allows(role)) {
          if (answer.statusCode() == 401 || answer.statusCode() == 403) {
            wrong.add(endpoint.method() + " " + endpoint.path() + " as " + caller.getKey() + ": "
                + answer.statusCode() + " " + answer.body());
          }
        } else {
          check(wrong, endpoint, String.valueOf(caller.getKey()), answer, 403);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static void check(List<String> wrong, Endpoint endpoint, String who, HttpResponse<String> answer,
      int status) {
    boolean oneLineJson = endpoint.method().equals("HEAD")
        || (answer.body().startsWith("{\"error\"") && !answer.body().strip().contains("\n"));
    if (answer.statusCode() != status || !oneLineJson) {
      wrong.add(endpoint.method() + " " + endpoint.path() + " as " + who + ": expected " + status + ", got "
          + answer.statusCode() + " " + answer.body());
    }
  }

  @Test
  void aModeratorsPublishIsAuditedUnderItsAccountAndARevokedKeyStopsAtOnce() throws Exception {
    start(false);
    JsonNode key = accountWithKey("mo", "moderator", "laptop");
    String accountId = key.get("accountId").asText();
    String secret = key.get("secret").asText();
    Title title = store.catalog().create("Film", "");
    store.catalog().transition(title.id(), TitleStatus.PROCESSING);
    store.catalog().transition(title.id(), TitleStatus.READY);

    HttpResponse<String> published = send(secret, "POST", "/api/titles/" + title.id() + "/publish", null, null);
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    HttpResponse<String> rejected = send(secret, "POST", "/api/titles/" + title.id() + "/reject",
        "{\"reason\":\"wrong aspect ratio\"}", "application/json");
    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
    HttpResponse<String> deleted = send(secret, "DELETE", "/api/titles/" + title.id(), null, null);
    assertThat(deleted.statusCode()).isEqualTo(403);
    assertThat(deleted.body()).contains("needs the role admin").contains("has the role moderator");

    JsonNode audit = json.readTree(send(ADMIN_KEY, "GET", "/api/audit?page=0&size=10", null, null).body());
    assertThat(audit.get("total").asLong()).isEqualTo(4);
    JsonNode items = audit.get("items");
    assertThat(items.get(0).get("action").asText()).isEqualTo("title.reject");
    assertThat(items.get(0).get("actor").asText()).isEqualTo("account:" + accountId);
    assertThat(items.get(0).get("detail").asText()).isEqualTo("wrong aspect ratio");
    assertThat(items.get(1).get("action").asText()).isEqualTo("title.publish");
    assertThat(items.get(1).get("target").asText()).isEqualTo(title.id().toString());
    assertThat(items.get(2).get("action").asText()).isEqualTo("key.issue");
    assertThat(items.get(3).get("action").asText()).isEqualTo("account.create");
    assertThat(items.get(3).get("actor").asText()).isEqualTo("admin-key");
    JsonNode secondPage = json.readTree(send(ADMIN_KEY, "GET", "/api/audit?page=1&size=3", null, null).body());
    assertThat(secondPage.get("items")).hasSize(1);

    HttpResponse<String> demoted = send(ADMIN_KEY, "PATCH", "/api/users/" + accountId, "{\"role\":\"viewer\"}",
        "application/json");
    assertThat(demoted.statusCode()).isEqualTo(200);
    assertThat(send(secret, "GET", "/api/titles", null, null).statusCode()).isEqualTo(403);
    HttpResponse<String> revoked = send(ADMIN_KEY, "DELETE", "/api/keys/" + key.get("id").asText(), null, null);
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(send(secret, "GET", "/api/titles", null, null).statusCode()).isEqualTo(401);
    JsonNode listed = json.readTree(send(ADMIN_KEY, "GET", "/api/users/" + accountId, null, null).body());
    assertThat(listed.get("role").asText()).isEqualTo("viewer");
    assertThat(listed.get("keys").get(0).get("revokedAt").isNull()).isFalse();
    assertThat(listed.toString()).doesNotContain(secret);
    JsonNode latest = json.readTree(send(ADMIN_KEY, "GET", "/api/audit?size=2", null, null).body()).get("items");
    assertThat(latest.get(0).get("action").asText()).isEqualTo("key.revoke");
    assertThat(latest.get(1).get("detail").asText()).isEqualTo("moderator -> viewer");
  }

  @Test
  void aDeletedAccountsKeysStopAtOnceAndItsDeletionIsAudited() throws Exception {
    start(false);
    JsonNode key = accountWithKey("leaver", "editor", "laptop");
    String accountId = key.get("accountId").asText();
    String secret = key.get("secret").asText();
    String admin = keyFor("admin");
    assertThat(send(secret, "GET", "/api/titles", null, null).statusCode()).isEqualTo(200);

    HttpResponse<String> deleted = send(admin, "DELETE", "/api/users/" + accountId, null, null);

    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(send(secret, "GET", "/api/titles", null, null).statusCode()).as("its key").isEqualTo(401);
    assertThat(send(ADMIN_KEY, "GET", "/api/users/" + accountId, null, null).statusCode()).isEqualTo(404);
    HttpResponse<String> again = send(admin, "DELETE", "/api/users/" + accountId, null, null);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).startsWith("{\"error\"").contains(accountId);
    assertThat(again.body().strip()).doesNotContain("\n");
    JsonNode latest = json.readTree(send(ADMIN_KEY, "GET", "/api/audit?size=1", null, null).body()).get("items");
    assertThat(latest.get(0).get("action").asText()).isEqualTo("account.delete");
    assertThat(latest.get(0).get("target").asText()).isEqualTo(accountId);
    assertThat(latest.get(0).get("actor").asText()).startsWith("account:");
    assertThat(latest.get(0).get("detail").asText()).isEqualTo("name leaver, role editor, 1 key");
    HttpResponse<String> put = send(ADMIN_KEY, "PUT", "/api/users/" + accountId, "{}", "application/json");
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("Allow")).contains("GET, PATCH, DELETE");
  }

  @Test
  void badAccountRequestsAreOneLineJsonErrorsThatSayWhatToSend() throws Exception {
    start(false);
    HttpResponse<String> badRole = send(ADMIN_KEY, "POST", "/api/users", "{\"name\":\"x\",\"role\":\"owner\"}",
        "application/json");
    assertThat(badRole.statusCode()).isEqualTo(400);
    assertThat(badRole.body()).contains("[admin, editor, moderator, viewer]");
    assertThat(badRole.body().strip()).doesNotContain("\n");
    created(send(ADMIN_KEY, "POST", "/api/users", "{\"name\":\"x\",\"role\":\"editor\"}", "application/json"));
    HttpResponse<String> duplicate = send(ADMIN_KEY, "POST", "/api/users", "{\"name\":\"x\",\"role\":\"editor\"}",
        "application/json");
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(duplicate.body()).contains("already exists");
    HttpResponse<String> unknown = send(ADMIN_KEY, "PATCH", "/api/users/" + ID, "{\"role\":\"editor\"}",
        "application/json");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(send(ADMIN_KEY, "DELETE", "/api/keys/" + ID, null, null).statusCode()).isEqualTo(404);
    assertThat(json.readTree(send(ADMIN_KEY, "GET", "/api/audit", null, null).body()).get("total").asLong())
        .isEqualTo(1);
  }

  @Test
  void editorsPublishOnlyWhereTheDeploymentAllowsIt() throws Exception {
    start(true);
    String editor = keyFor("editor");
    Title title = store.catalog().create("Film", "");
    store.catalog().transition(title.id(), TitleStatus.PROCESSING);
    store.catalog().transition(title.id(), TitleStatus.READY);

    assertThat(send(editor, "POST", "/api/titles/" + title.id() + "/publish", null, null).statusCode())
        .isEqualTo(200);
    assertThat(send(editor, "POST", "/api/titles/" + title.id() + "/unpublish", null, null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> reject = send(editor, "POST", "/api/titles/" + title.id() + "/reject",
        "{\"reason\":\"x\"}", "application/json");
    assertThat(reject.statusCode()).isEqualTo(403);
    assertThat(reject.body()).contains("needs the role admin or moderator");
  }
}
