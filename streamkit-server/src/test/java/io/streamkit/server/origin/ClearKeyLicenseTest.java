package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyFile;
import io.streamkit.core.token.PlaybackClaims;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Clear Key licence URL of a {@code 'cbcs'} title's DASH manifest answers an EME licence request with the JSON
 * Web Keys it names, opens with exactly the tokens that open the title's key URIs, gives out no other title's key,
 * answers malformed requests with a sentence saying what to send, never with a stack trace, and lets a player on
 * another origin post its JSON request (the CORS preflight allows POST and Content-Type there, and only there).
 */
class ClearKeyLicenseTest {

  private static final ContentKey FIRST = ContentKey.generate();
  private static final ContentKey ROTATED = ContentKey.generate();
  private static final ContentKey OTHER_TITLES = ContentKey.generate();
  private static final String LICENSE_PATH = "/titles/" + TestTitles.FMP4 + "/keys/clearkey";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path keysDirectory;
  private static RunningOrigin origin;

  @BeforeAll
  static void start() {
    ContentKeyFile keys = ContentKeyFile.at(keysDirectory.resolve("streamkit.keys"));
    keys.save(TestTitles.FMP4, List.of(FIRST, ROTATED));
    keys.save(TestTitles.TS, List.of(OTHER_TITLES));
    origin = new RunningOrigin(b -> b.contentKeys(keys));
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static String token() {
    return origin.token(PlaybackClaims.builder().title(TestTitles.FMP4).expiresAt(Instant.now().plusSeconds(600)));
  }

  private static String kid(ContentKey key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(key.id()));
  }

  private static String request(ContentKey... keys) {
    return "{\"kids\":[" + String.join(",", java.util.Arrays.stream(keys).map(k -> '"' + kid(k) + '"').toList())
        + "],\"type\":\"temporary\"}";
  }

  private static HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
    return origin.http.send(HttpRequest.newBuilder(origin.uri(pathAndQuery)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theTitlesTokenGetsTheNamedKeysAsAJsonWebKeySet() throws Exception {
    HttpResponse<String> r = post(LICENSE_PATH + "?token=" + token(), request(ROTATED, FIRST));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/json"));
    JsonNode licence = JSON.readTree(r.body());
    assertThat(licence.get("type").asText()).isEqualTo("temporary");
    assertThat(licence.get("keys")).hasSize(2);
    Base64.Decoder base64url = Base64.getUrlDecoder();
    for (int i = 0; i < 2; i++) {
      ContentKey expected = i == 0 ? ROTATED : FIRST;
      JsonNode jwk = licence.get("keys").get(i);
      assertThat(jwk.get("kty").asText()).isEqualTo("oct");
      assertThat(jwk.get("kid").asText()).isEqualTo(kid(expected)).doesNotContain("=");
      assertThat(base64url.decode(jwk.get("k").asText())).isEqualTo(expected.key());
    }
  }

  @Test
  void aPlayerOnAnotherOriginMayPostAJsonLicenceRequest() throws Exception {
    String path = LICENSE_PATH + "?token=" + token();
    RunningOrigin.RawResponse preflight = origin.raw("OPTIONS " + path + " HTTP/1.1\r\nHost: x\r\n"
        + "Origin: https://player.example\r\nAccess-Control-Request-Method: POST\r\n"
        + "Access-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n");
    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.headers().get("access-control-allow-origin")).isEqualTo("*");
    assertThat(List.of(preflight.headers().get("access-control-allow-methods").split(",\\s*"))).contains("POST");
    assertThat(preflight.headers().get("access-control-allow-headers")).containsIgnoringCase("content-type");

    RunningOrigin.RawResponse licence = origin.raw("POST " + path + " HTTP/1.1\r\nHost: x\r\n"
        + "Origin: https://player.example\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + request(FIRST).length() + "\r\nConnection: close\r\n\r\n" + request(FIRST));
    assertThat(licence.status()).as(licence.text()).isEqualTo(200);
    assertThat(licence.headers().get("access-control-allow-origin")).isEqualTo("*");
    assertThat(JSON.readTree(licence.text()).get("keys").get(0).get("kid").asText()).isEqualTo(kid(FIRST));

    // A media route's preflight stays read-only: no POST, no Content-Type.
    RunningOrigin.RawResponse media = origin.raw("OPTIONS /titles/" + TestTitles.FMP4 + "/master.m3u8 HTTP/1.1\r\n"
        + "Host: x\r\nOrigin: https://player.example\r\nAccess-Control-Request-Method: POST\r\n"
        + "Access-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n");
    assertThat(media.headers().get("access-control-allow-methods")).doesNotContain("POST");
    assertThat(media.headers().get("access-control-allow-headers")).doesNotContainIgnoringCase("content-type");
  }

  @Test
  void aLicenceRefusesWhatTheKeysRefuse() throws Exception {
    assertThat(post(LICENSE_PATH, request(FIRST)).statusCode()).as("no token").isEqualTo(403);
    assertThat(post(LICENSE_PATH + "?token=" + origin.token(TestTitles.TS), request(FIRST)).statusCode())
        .as("another title's token").isEqualTo(403);
    assertThat(post(LICENSE_PATH + "?token=" + origin.token(PlaybackClaims.builder().title(TestTitles.FMP4)
        .expiresAt(Instant.now().minusSeconds(120))), request(FIRST)).statusCode()).as("expired").isEqualTo(403);
  }

  @Test
  void anotherTitlesKeyIsRefusedEvenBesideThisTitlesOwn() throws Exception {
    String token = token();
    HttpResponse<String> mixed = post(LICENSE_PATH + "?token=" + token, request(FIRST, OTHER_TITLES));

    assertThat(mixed.statusCode()).isEqualTo(404);
    JsonNode error = JSON.readTree(mixed.body());
    assertThat(error.get("error").asText()).isEqualTo("unknown_key");
    assertThat(error.get("message").asText()).contains(kid(OTHER_TITLES));
    assertThat(mixed.body()).as("no key of either title in a refusal")
        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(FIRST.key()))
        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(OTHER_TITLES.key()));
    assertThat(post(LICENSE_PATH + "?token=" + token, request(ContentKey.generate())).statusCode()).isEqualTo(404);
    try (RunningOrigin withoutKeys = new RunningOrigin()) {
      HttpResponse<String> r = withoutKeys.http.send(HttpRequest.newBuilder(withoutKeys.uri(LICENSE_PATH + "?token="
          + withoutKeys.token(TestTitles.FMP4))).POST(HttpRequest.BodyPublishers.ofString(request(FIRST))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("an origin without a key store").isEqualTo(404);
    }
  }

  @Test
  void malformedRequestsAreToldWhatToSend() throws Exception {
    String path = LICENSE_PATH + "?token=" + token();
    for (String body : List.of("", "not json", "[]", "{\"kids\":[]}", "{\"kids\":\"" + kid(FIRST) + "\"}",
        "{\"kids\":[\"" + FIRST.id() + "\"]}", "{\"kids\":[\"" + kid(FIRST) + "==\"]}", "{\"kids\":[42]}")) {
      HttpResponse<String> r = post(path, body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      JsonNode error = JSON.readTree(r.body());
      assertThat(error.get("error").asText()).isEqualTo("bad_license_request");
      assertThat(error.get("message").asText()).as(body).containsAnyOf("kids", "Clear Key licence request");
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    HttpResponse<String> persistent = post(path, "{\"kids\":[\"" + kid(FIRST) + "\"],\"type\":\"persistent-license\"}");
    assertThat(persistent.statusCode()).isEqualTo(400);
    assertThat(persistent.body()).contains("temporary");

    HttpResponse<byte[]> get = origin.get(path);
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST, OPTIONS");

    String huge = "{\"kids\":[" + "\"AAAAAAAAAAAAAAAAAAAAAA\",".repeat(LicenseRequestReader.MAX_BODY_BYTES / 24)
        + "\"AAAAAAAAAAAAAAAAAAAAAA\"]}";
    assertThat(post(path, huge).statusCode()).isEqualTo(413);
    assertThat(post(path, request(FIRST)).statusCode()).as("the origin still answers after a refusal")
        .isEqualTo(200);
    assertThat(new String(origin.raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n" + Integer.toHexString(request(FIRST).length()) + "\r\n" + request(FIRST)
        + "\r\n0\r\n\r\n").body(), StandardCharsets.UTF_8)).as("a chunked request body is read whole")
        .contains("\"kty\":\"oct\"");
  }
}
