package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code POST /api/catalog/{id}/playback}: a viewer's playback token exchanged for a token for another title the
 * catalog lists to that viewer, so that a browse page holding one token can play what it shows. Only where the
 * deployment turns it on ({@link ManagementApi.Builder#viewerGrants}).
 *
 * <p>The new token carries nothing the presented one did not: the same viewer, {@code max_height},
 * {@code max_streams}, {@code max_rating}, {@code categories}, {@code country} and {@code profile} (whose limit
 * applies as well), and it
 * expires no later (at most
 * {@link ManagementApi#DEFAULT_TOKEN_TTL} from now), so an exchange never extends a viewer's access in time or
 * scope; only the title changes, and only to one the catalog search would list to the same token
 * ({@link CatalogEndpoints}). It has a session id of its own, so that concurrent-stream limits count it as the
 * separate stream it is. Refused: preview tokens (a moderator's token is not a viewer's), tokens bound to a client
 * address (the grant could not carry the binding the application chose), revoked tokens. Revoking the viewer stops
 * every token obtained this way, as it was issued from a token the revocation covers.
 */
final class ViewerGrantEndpoints implements ApiEndpoints {

  static final String PLAYBACK = "playback";

  private final ManagementApi api;
  private final PlaybackTokenVerifier verifier;
  private final TokenRevocations revocations;
  private final TitleVisibility visibility;

  ViewerGrantEndpoints(ManagementApi api, PlaybackTokenVerifier verifier, TokenRevocations revocations,
      TitleVisibility visibility) {
    this.api = api;
    this.verifier = verifier;
    this.revocations = revocations;
    this.visibility = visibility;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() != 3 || !call.segment(0).equals(CatalogEndpoints.CATALOG) || !call.segment(2).equals(PLAYBACK)) {
      return null;
    }
    if (!call.method().equals(HttpMethod.POST)) {
      throw ApiException.methodNotAllowed(call.method() + " is not served at " + call.describe() + "; use POST",
          "POST");
    }
    if (!api.viewerGrants) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "viewer_grants_off", "this server signs playback tokens"
          + " only through POST /api/titles/{id}/playback; start it with --viewer-grants to let a viewer's token"
          + " open the other titles the catalog lists to them");
    }
    ManagementEndpoints.requireSigner(api);
    PlaybackClaims presented = presented(call);
    String id = call.segment(1);
    return ApiExchange.withoutBody(() -> grant(call, id, presented));
  }

  /** The presented token's claims: 401 without one, 403 for one that does not hold or cannot be exchanged. */
  private PlaybackClaims presented(ApiCall call) {
    String token = call.bearerOrTokenParameter();
    if (token == null || token.isEmpty()) {
      throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "missing_token", call.describe() + " needs the"
          + " viewer's playback token as Authorization: Bearer <token>");
    }
    PlaybackClaims claims;
    try {
      claims = verifier.verify(token);
      if (!claims.allowsClient(call.client())) {
        throw new TokenRejectedException(TokenRejectedException.Reason.WRONG_CLIENT, "another client address");
      }
    } catch (TokenRejectedException e) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", "the playback token was refused ("
          + e.reason().tag() + "); request a new one");
    }
    if (claims.preview() || claims.clientAddress().isPresent()) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "not_exchangeable", "a "
          + (claims.preview() ? "preview token" : "token bound to a client address") + " is not exchanged for"
          + " another title's; ask the application for that title's token");
    }
    return claims;
  }

  private void grant(ApiCall call, String id, PlaybackClaims presented) {
    if (revocations != null && !revocations.allows(presented)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "token_revoked", "this playback token was revoked;"
          + " request a new one");
    }
    Instant now = Instant.now();
    Title title = CatalogEndpoints.listed(api.store, visibility, id, presented, call).orElseThrow(() ->
        ApiException.notFound("no title '" + LogText.escape(id) + "' in the catalog for this viewer; search it with"
            + " GET /api/catalog?q="));
    long ttl = Math.min(ManagementApi.DEFAULT_TOKEN_TTL.toSeconds(),
        Duration.between(now, presented.expiresAt()).toSeconds());
    if (ttl < 1) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", "the playback token expires now; request a"
          + " new one");
    }
    ObjectNode request = Responses.MAPPER.createObjectNode().put("viewerId", presented.viewer())
        .put("ttlSeconds", ttl);
    presented.maxHeight().ifPresent(h -> request.put("maxHeight", h));
    presented.maxStreams().ifPresent(s -> request.put("maxStreams", s));
    presented.maxRating().map(MaturityRating::label).ifPresent(r -> request.put("maxRating", r));
    if (!presented.categories().isEmpty()) {
      presented.categories().forEach(request.putArray("categories")::add);
    }
    // A profile's token stays the profile's: grant checks the profile is still the viewer's and applies its limit.
    presented.profile().ifPresent(profile -> request.put("profileId", profile.toString()));
    presented.country().ifPresent(country -> request.put("country", country));
    String titlePath = "/" + TitlePointers.titleKey(title.id().toString()) + "/";
    ObjectNode out = ManagementEndpoints.grant(api, request, title.id().toString(), false,
        titlePath + PlaylistHandler.MASTER_PLAYLIST, null, "/play/" + title.id(), api.store.profiles(), claims -> { });
    out.put("preview", false);
    call.respond(HttpResponseStatus.OK, out);
  }
}
