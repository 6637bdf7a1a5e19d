package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.time.Instant;

/**
 * Access policy endpoints: revocations (the {@code admin} role) and the end of a playback session (its own token).
 *
 * <pre>
 *  POST /api/viewers/{viewerId}/revoke     admin: every token issued to the viewer so far stops working
 *  POST /api/sessions/{sessionId}/revoke   admin: one playback session's tokens stop working
 *  POST /api/sessions/stop                 playback token: the player stopped; its stream slot is free at once
 * </pre>
 *
 * A revocation takes effect at once on this node and within {@link TokenRevocations#POLL_INTERVAL} on the others.
 */
final class AccessEndpoints implements ApiEndpoints {

  static final String VIEWERS = "viewers";
  static final String SESSIONS = "sessions";
  static final String REVOKE = "revoke";
  static final String STOP = "stop";

  private final StreamkitStore store;
  private final PlaybackTokenVerifier verifier;
  private final ManagementAccess access;
  private final TokenRevocations revocations;

  AccessEndpoints(StreamkitStore store, PlaybackTokenVerifier verifier, ManagementAccess access,
      TokenRevocations revocations) {
    this.store = store;
    this.verifier = verifier;
    this.access = access;
    this.revocations = revocations;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    boolean viewers = call.size() == 3 && call.segment(0).equals(VIEWERS) && call.segment(2).equals(REVOKE);
    boolean sessions = call.size() == 3 && call.segment(0).equals(SESSIONS) && call.segment(2).equals(REVOKE);
    boolean stop = call.size() == 2 && call.segment(0).equals(SESSIONS) && call.segment(1).equals(STOP);
    if (!viewers && !sessions && !stop) {
      return null;
    }
    if (!call.method().equals(HttpMethod.POST)) {
      throw ApiException.methodNotAllowed(call.method() + " is not served at " + call.describe() + "; use POST",
          "POST");
    }
    if (stop) {
      return ApiExchange.withoutBody(() -> stop(call));
    }
    access.requireCredential(call);
    String id = call.segment(1);
    return access.guard(call, ManagementAccess.Permission.ADMIN, () -> ApiExchange.withoutBody(() -> {
      if (viewers) {
        revokeViewer(call, id);
      } else {
        revokeSession(call, id);
      }
    }));
  }

  private void revokeViewer(ApiCall call, String viewerId) {
    Instant revoked = store.revocations().revokeViewer(viewerId);
    revocations.viewer(viewerId, revoked);
    ObjectNode out = Responses.MAPPER.createObjectNode().put("viewerId", viewerId)
        .put("tokensIssuedUntil", revoked.toString());
    call.respond(HttpResponseStatus.OK, out);
  }

  private void revokeSession(ApiCall call, String sessionId) {
    // The session's tokens were minted for at most the longest token lifetime the API hands out.
    Instant until = Instant.now().plus(ManagementApi.MAX_TOKEN_TTL);
    store.revocations().revokeSession(sessionId, until);
    revocations.session(sessionId, Instant.now());
    call.respond(HttpResponseStatus.OK, Responses.MAPPER.createObjectNode().put("sessionId", sessionId)
        .put("revokedUntil", until.toString()));
  }

  private void stop(ApiCall call) {
    if (verifier == null) {
      call.fail(HttpResponseStatus.FORBIDDEN, "tokens_off", "sessions need playback tokens, and this origin runs"
          + " without a token verifier");
      return;
    }
    String token = call.bearerOrTokenParameter();
    PlaybackClaims claims;
    try {
      if (token == null || token.isEmpty()) {
        call.fail(HttpResponseStatus.UNAUTHORIZED, "missing_token", "POST /api/sessions/stop needs the session's"
            + " playback token as Authorization: Bearer <token> or ?token=");
        return;
      }
      claims = verifier.verify(token);
    } catch (TokenRejectedException e) {
      call.fail(HttpResponseStatus.FORBIDDEN, "forbidden", "the playback token was refused (" + e.reason().tag()
          + "); a session can only be stopped with its own token");
      return;
    }
    store.playbackSessions().end(claims.sessionId(), claims.viewer());
    call.respond(HttpResponseStatus.NO_CONTENT, null);
  }
}
