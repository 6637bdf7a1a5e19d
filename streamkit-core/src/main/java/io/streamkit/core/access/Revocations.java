package io.streamkit.core.access;

import java.time.Instant;
import java.util.Optional;

/**
 * Tokens withdrawn before they expire: all of a viewer's tokens issued so far (their rights changed, their account was
 * shared), or one playback session's. Thread-safe; obtained from {@code StreamkitStore.revocations()}.
 *
 * <p>A viewer's revocation compares with the token's issue time ({@code iat}): a token issued at or before the
 * revocation no longer opens anything, one issued after it does. A token without {@code iat} counts as issued before
 * any revocation of its viewer. Times are whole seconds, as in tokens, so a token minted in the same second as the
 * revocation is revoked too.
 */
public interface Revocations {

  /**
   * Revokes every token issued to the viewer until now.
   *
   * @param viewerId the viewer ({@code sub})
   * @return the revocation time: tokens issued at or before it are refused
   */
  Instant revokeViewer(String viewerId);

  /**
   * {@return when the viewer's tokens were last revoked, if ever}
   *
   * @param viewerId the viewer
   */
  Optional<Instant> viewerRevokedAt(String viewerId);

  /**
   * Revokes one playback session's tokens ({@code sid}) until {@code until}, the latest expiry of its tokens, after
   * which the entry is purged.
   *
   * @param sessionId the session id
   * @param until when the entry may be forgotten
   */
  void revokeSession(String sessionId, Instant until);

  /**
   * {@return whether the session was revoked}
   *
   * @param sessionId the session id
   */
  boolean isSessionRevoked(String sessionId);

  /**
   * Forgets session revocations whose tokens have all expired.
   *
   * @return how many were forgotten
   */
  int purgeExpired();
}
