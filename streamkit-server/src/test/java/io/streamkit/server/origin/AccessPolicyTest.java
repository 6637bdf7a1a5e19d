package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.MasterKeys;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocations and concurrent-stream limits, on two origin nodes sharing one database: what one node decides, the
 * other enforces.
 */
class AccessPolicyTest {

  private static final String ADMIN_KEY = "access-policy-admin-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MasterKeys MASTER = MasterKeys.parse(MasterKeys.generateText(), "test");
  private static final ContentKey KEY = ContentKey.generate();

  @TempDir Path data;
  private StreamkitStore store;
  private RunningOrigin first;
  private RunningOrigin second;
  private String title;

  @BeforeEach
  void start() throws Exception {
    store = StreamkitStore.builder().dataDirectory(data.resolve("db")).build();
    title = TestTitles.inCatalog(store, data, TitleStatus.PUBLISHED);
    store.contentKeys(MASTER).save(title, List.of(KEY));
    first = node();
    second = node();
  }

  private RunningOrigin node() {
    return new RunningOrigin(b -> b.dataDirectory(data).store(store).adminKey(ADMIN_KEY).maxStreamsPerViewer(2)
        .contentKeys(store.contentKeys(MASTER)));
  }

  private String key(String token) {
    return "/titles/" + title + "/keys/" + KEY.id() + "?token=" + token;
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
    store.close();
  }

  private PlaybackClaims.Builder alice(String session) {
    return PlaybackClaims.builder().viewer("alice").title(title).sessionId(session)
        .issuedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5))
        .expiresAt(Instant.now().plusSeconds(600));
  }

  private String master(String token) {
    return "/titles/" + title + "/master.m3u8?token=" + token;
  }

  private String segment(String token) {
    return "/titles/" + title + "/v0/seg_00000.m4s?token=" + token;
  }

  private HttpResponse<String> post(RunningOrigin node, String path, boolean admin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (admin) {
      request.header("Authorization", "Bearer " + ADMIN_KEY);
    }
    return node.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void revokingAViewerStopsTheirTokensOnEveryNodeAndNotTokensIssuedAfter() throws Exception {
    String before = first.token(alice("s1"));
    String bob = first.token(alice("b1").viewer("bob"));
    assertThat(first.get(segment(before)).statusCode()).isEqualTo(200);
    assertThat(second.get(segment(before)).statusCode()).isEqualTo(200);
    assertThat(first.get(key(before)).body()).isEqualTo(KEY.key());

    assertThat(post(first, "/api/viewers/alice/revoke", false).statusCode()).as("admin key needed").isEqualTo(401);
    assertThat(post(first, "/api/viewers/" + "a".repeat(200) + "/revoke", true).statusCode()).isEqualTo(400);
    HttpResponse<String> revoked = post(first, "/api/viewers/alice/revoke", true);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    Instant line = Instant.parse(JSON.readTree(revoked.body()).get("tokensIssuedUntil").asText());

    assertThat(first.get(segment(before)).statusCode()).as("at once on the node that revoked").isEqualTo(403);
    assertThat(first.get(master(before)).statusCode()).isEqualTo(403);
    assertThat(first.get(key(before)).statusCode()).as("and the title's keys").isEqualTo(403);
    assertThat(first.rejections(OriginMetrics.TOKEN_REVOKED)).isPositive();
    HttpResponse<byte[]> progress = first.get("/api/progress/" + title + "?token=" + before);
    assertThat(progress.statusCode()).as("the viewer API refuses it too").isEqualTo(403);
    assertThat(new String(progress.body(), StandardCharsets.UTF_8)).contains("token_revoked");
    awaitStatus(second, segment(before), 403, "the other node, within its cache refresh");

    assertThat(first.get(segment(bob)).statusCode()).as("another viewer").isEqualTo(200);
    String after = first.token(alice("s2").issuedAt(line.plusSeconds(1)));
    assertThat(first.get(segment(after)).statusCode()).as("a token issued after the revocation").isEqualTo(200);
    assertThat(second.get(segment(after)).statusCode()).isEqualTo(200);
  }

  @Test
  void revokingOneSessionLeavesTheViewersOtherSessions() throws Exception {
    String phone = first.token(alice("phone"));
    String television = first.token(alice("television"));
    assertThat(second.get(segment(phone)).statusCode()).isEqualTo(200);

    assertThat(post(first, "/api/sessions/phone/revoke", false).statusCode()).as("admin key needed").isEqualTo(401);
    assertThat(post(first, "/api/sessions/" + "x".repeat(200) + "/revoke", true).statusCode()).isEqualTo(400);
    assertThat(post(first, "/api/sessions/phone/revoke", true).statusCode()).isEqualTo(200);

    assertThat(first.get(segment(phone)).statusCode()).isEqualTo(403);
    awaitStatus(second, segment(phone), 403, "the other node, within its cache refresh");
    assertThat(first.get(segment(television)).statusCode()).isEqualTo(200);
  }

  @Test
  void aThirdStreamIsRefusedOnAnyNodeUntilOneStops() throws Exception {
    String one = first.token(alice("one"));
    String two = first.token(alice("two"));
    String three = first.token(alice("three"));
    assertThat(first.get(master(one)).statusCode()).isEqualTo(200);
    assertThat(second.get(master(two)).statusCode()).isEqualTo(200);
    assertThat(first.get(master(one)).statusCode()).as("a player reloading its master playlist").isEqualTo(200);

    HttpResponse<byte[]> refused = second.get(master(three));
    assertThat(refused.statusCode()).isEqualTo(403);
    JsonNode error = JSON.readTree(refused.body());
    assertThat(error.get("error").asText()).isEqualTo("too_many_streams");
    assertThat(error.get("message").asText()).contains("too many devices");
    assertThat(first.get(master(first.token(alice("four").viewer("bob")))).statusCode()).as("another viewer")
        .isEqualTo(200);

    assertThat(post(first, "/api/sessions/stop?token=" + one, false).statusCode()).isEqualTo(204);
    assertThat(second.get(master(three)).statusCode()).as("the stopped session's slot is free").isEqualTo(200);
    assertThat(first.get(master(first.token(alice("five")))).statusCode()).isEqualTo(403);
  }

  @Test
  void progressHeartbeatsKeepASessionAliveWhereSegmentsComeFromACdn() throws Exception {
    String token = first.token(alice("behind-a-cdn"));
    assertThat(first.get(master(token)).statusCode()).isEqualTo(200);
    Instant admitted = lastSeen("behind-a-cdn");
    Thread.sleep(1100);

    HttpResponse<String> heartbeat = first.http.send(HttpRequest.newBuilder(first.uri("/api/progress/" + title))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"positionSeconds\":3,\"durationSeconds\":20,\"clientTime\":\""
            + Instant.now() + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(heartbeat.statusCode()).as(heartbeat.body()).isEqualTo(202);

    long deadline = System.nanoTime() + StreamLimitHandler.TOUCH_INTERVAL.plusSeconds(5).toNanos();
    while (!lastSeen("behind-a-cdn").isAfter(admitted.plusSeconds(1)) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(lastSeen("behind-a-cdn")).as("the heartbeat, not a segment, marked the session as playing")
        .isAfter(admitted.plusSeconds(1));
  }

  private Instant lastSeen(String session) throws Exception {
    try (var c = store.dataSource().getConnection();
        var s = c.prepareStatement("SELECT last_seen_at FROM streamkit_playback_sessions WHERE session_id = ?")) {
      s.setString(1, session);
      try (var rows = s.executeQuery()) {
        assertThat(rows.next()).as("session %s in the database", session).isTrue();
        return rows.getTimestamp(1).toInstant();
      }
    }
  }

  @Test
  void aPlansMaxStreamsClaimOverridesTheDefault() throws Exception {
    assertThat(first.get(master(first.token(alice("a").maxStreams(1)))).statusCode()).isEqualTo(200);
    assertThat(first.get(master(first.token(alice("b").maxStreams(1)))).statusCode()).isEqualTo(403);
    assertThat(first.get(master(first.token(alice("c").maxStreams(3)))).statusCode()).isEqualTo(200);
  }

  private static void awaitStatus(RunningOrigin node, String path, int status, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int last = 0;
    while (System.nanoTime() < deadline) {
      last = node.get(path).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(what + ": expected " + status + ", still " + last);
  }
}
