package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.profile.Profile;
import io.streamkit.core.profile.ProfileRefusedException;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * A viewer's profiles, authorised by the viewer's playback token as the other viewer endpoints are (the viewer is the
 * token's subject):
 *
 * <pre>
 *  GET    /api/profiles              the viewer's profiles, oldest first
 *  POST   /api/profiles              {"name": "Kids", "maxRating": "G"} → 201 with the profile
 *  DELETE /api/profiles/{id}         the profile and its watch progress, 204
 *  POST   /api/profiles/{id}/token   the presented token exchanged for one that acts for the profile
 * </pre>
 *
 * Parental control rests on two rules. A token that already names a profile lists profiles but cannot create or
 * delete any, nor be exchanged for another profile's token: a child holding the kids profile's token cannot step up.
 * And an exchanged token keeps everything the presented one had (viewer, title, client binding, plan limits,
 * categories, country, expiry: it never outlives it) and carries the stricter of its {@code max_rating} and the
 * profile's limit; when its title is above that, no token is signed (403). The origin checks a token's profile again
 * on every request ({@link TitleVisibility}), so a profile deleted or restricted later takes effect on tokens already
 * issued.
 */
final class ProfileEndpoints implements ApiEndpoints {

  static final String PROFILES = "profiles";
  static final String TOKEN = "token";

  private final StreamkitStore store;
  private final PlaybackTokenVerifier verifier;
  private final TokenRevocations revocations;
  private final TitleVisibility visibility;
  private final ManagementApi api;

  /**
   * @param verifier {@code null} for an origin without tokens: every call is then refused
   * @param api signs exchanged tokens; {@code null} (no management API) answers the exchange 501
   */
  ProfileEndpoints(StreamkitStore store, PlaybackTokenVerifier verifier, TokenRevocations revocations,
      TitleVisibility visibility, ManagementApi api) {
    this.store = store;
    this.verifier = verifier;
    this.revocations = revocations;
    this.visibility = visibility;
    this.api = api;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() < 1 || call.size() > 3 || !call.segment(0).equals(PROFILES)
        || (call.size() == 3 && !call.segment(2).equals(TOKEN))) {
      return null;
    }
    HttpMethod method = call.method();
    String allowed = switch (call.size()) {
      case 1 -> "GET, POST";
      case 2 -> "DELETE";
      default -> "POST";
    };
    if (!allowed.contains(method.name())) {
      throw ApiException.methodNotAllowed(method + " is not served at " + call.describe() + "; use " + allowed,
          allowed);
    }
    PlaybackClaims claims = claims(call);
    if (call.size() == 1 && method.equals(HttpMethod.GET)) {
      return ApiExchange.withoutBody(() -> list(call, claims));
    }
    if (call.size() == 1) {
      requireAccountHolder(call, claims);
      return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> create(call, claims, body));
    }
    UUID id = profileId(call.segment(1));
    if (call.size() == 2) {
      requireAccountHolder(call, claims);
      return ApiExchange.withoutBody(() -> delete(call, claims, id));
    }
    if (claims.profile().isPresent() && !claims.profile().get().equals(id)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "profile_locked", "this token acts for profile "
          + claims.profile().get() + " and cannot be exchanged for another profile's; use the account holder's"
          + " token");
    }
    return ApiExchange.withoutBody(() -> exchange(call, claims, id));
  }

  private void list(ApiCall call, PlaybackClaims claims) {
    requireValid(claims);
    ObjectNode body = Responses.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    store.profiles().list(claims.viewer()).forEach(profile -> items.add(json(profile)));
    body.put("maxProfiles", Profile.MAX_PROFILES_PER_VIEWER);
    call.respond(HttpResponseStatus.OK, body);
  }

  private void create(ApiCall call, PlaybackClaims claims, byte[] requestBody) {
    requireValid(claims);
    JsonNode body = ViewerEndpoints.jsonObject(call, requestBody);
    if (body == null) {
      return;
    }
    JsonNode name = body.get("name");
    JsonNode rating = body.get("maxRating");
    Profile profile;
    try {
      profile = store.profiles().create(claims.viewer(), name == null || !name.isTextual() ? null : name.textValue(),
          rating == null || rating.isNull() ? null : MaturityRating.fromLabel("maxRating", rating.asText()));
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(call.describe() + ": " + LogText.escape(e.getMessage()));
    } catch (ProfileRefusedException e) {
      throw ApiException.conflict(e.reason() == ProfileRefusedException.Reason.NAME_TAKEN ? "profile_name_taken"
          : "too_many_profiles", LogText.escape(e.getMessage()));
    }
    call.respond(HttpResponseStatus.CREATED, json(profile));
  }

  private void delete(ApiCall call, PlaybackClaims claims, UUID id) {
    requireValid(claims);
    if (!store.profiles().delete(claims.viewer(), id)) {
      throw notYours(claims, id);
    }
    visibility.invalidateProfile(id);
    call.respond(HttpResponseStatus.NO_CONTENT, null);
  }

  private void exchange(ApiCall call, PlaybackClaims claims, UUID id) {
    requireValid(claims);
    if (api == null) {
      throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "no_signing_key", "this origin runs without the"
          + " management API and signs no tokens; get profile tokens from POST /api/titles/{id}/playback");
    }
    ManagementEndpoints.requireSigner(api);
    Profile profile = store.profiles().find(id).filter(p -> p.ownerId().equals(claims.viewer()))
        .orElseThrow(() -> notYours(claims, id));
    PlaybackClaims.Builder b = PlaybackClaims.builder().viewer(claims.viewer()).title(claims.titleId())
        .expiresAt(claims.expiresAt()).issuedAt(Instant.now()).preview(claims.preview())
        .clientAddress(claims.clientAddress().orElse(null)).maxHeight(claims.maxHeight().orElse(0))
        .maxStreams(claims.maxStreams().orElse(0)).categories(claims.categories()).profile(profile.id())
        .maxRating(profile.stricterLimit(claims.maxRating()).orElse(null)).country(claims.country().orElse(null));
    claims.notBefore().ifPresent(b::notBefore);
    PlaybackClaims exchanged = b.build();
    Optional<Title> title = titleOf(exchanged);
    title.ifPresent(t -> ManagementEndpoints.refuseOutsideLimits(visibility, exchanged, t,
        visibility.regionOf(exchanged, call.headers())));
    String token = api.signer.sign(exchanged);
    ObjectNode out = Responses.MAPPER.createObjectNode();
    out.put("token", token);
    out.put("profileId", profile.id().toString());
    out.put("titleId", exchanged.titleId());
    out.put("maxRating", exchanged.maxRating().map(MaturityRating::label).orElse(null));
    out.put("expiresAt", exchanged.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
    call.respond(HttpResponseStatus.OK, out);
  }

  /** The catalog title a token opens, if its title claim is a catalog id the catalog knows. */
  private Optional<Title> titleOf(PlaybackClaims claims) {
    try {
      return store.catalog().get(UUID.fromString(claims.titleId()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The token's claims; 401 without one, 403 for one that does not hold for this client. On the event loop. */
  private PlaybackClaims claims(ApiCall call) {
    if (verifier == null) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "tokens_off", "profiles need playback tokens, and this"
          + " origin runs without a token verifier; start it with a signing key");
    }
    String token = call.bearerOrTokenParameter();
    if (token == null || token.isEmpty()) {
      throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "missing_token", call.describe() + " needs the"
          + " viewer's playback token as Authorization: Bearer <token> or ?token=");
    }
    return ViewerTokens.verify(call, verifier, token, "");
  }


  /** 403 for a revoked token, or one whose profile was deleted or is not its viewer's. Off the event loop. */
  private void requireValid(PlaybackClaims claims) {
    if (!revocations.allows(claims)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "token_revoked", "this playback token was revoked;"
          + " request a new one");
    }
    if (!visibility.profileHoldsNow(claims)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, OriginMetrics.PROFILE_REFUSED, "the profile this token"
          + " names was deleted or is not its viewer's; request a new token");
    }
  }

  private static void requireAccountHolder(ApiCall call, PlaybackClaims claims) {
    if (claims.profile().isPresent()) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "profile_locked", call.describe() + ": this token acts"
          + " for profile " + claims.profile().get() + ", which cannot create or delete profiles; use the account"
          + " holder's token");
    }
  }

  private static ApiException notYours(PlaybackClaims claims, UUID id) {
    return ApiException.notFound("profile " + id + " is not one of viewer " + claims.viewer() + "'s profiles;"
        + " list them with GET /api/profiles");
  }

  private static UUID profileId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("'" + LogText.escape(text) + "' is not a profile id (a UUID); list the viewer's"
          + " profiles with GET /api/profiles");
    }
  }

  private static ObjectNode json(Profile profile) {
    return Responses.MAPPER.createObjectNode()
        .put("id", profile.id().toString())
        .put("name", profile.name())
        .put("maxRating", profile.maxRatingIfLimited().map(MaturityRating::label).orElse(null))
        .put("createdAt", profile.createdAt().toString());
  }
}
