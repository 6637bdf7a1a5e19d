package io.streamkit.server.origin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;

/** Reads the playback token that authorises a viewer's API call not tied to one title (catalog search, profiles). */
final class ViewerTokens {

  private ViewerTokens() {}

  /**
   * {@return the claims of {@code token} if it verifies and may be used from the call's client} CPU only: fine on the
   * event loop.
   *
   * @param whatToDo the end of the 403 message, after "request a new one", e.g. {@code ", or search without one"}
   * @throws ApiException 403 naming the rejection reason
   */
  static PlaybackClaims verify(ApiCall call, PlaybackTokenVerifier verifier, String token, String whatToDo) {
    try {
      PlaybackClaims claims = verifier.verify(token);
      if (!claims.allowsClient(call.client())) {
        throw new TokenRejectedException(TokenRejectedException.Reason.WRONG_CLIENT, "another client address");
      }
      return claims;
    } catch (TokenRejectedException e) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", "the playback token was refused ("
          + e.reason().tag() + "); request a new one" + whatToDo);
    }
  }
}
