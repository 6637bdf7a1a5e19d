package io.streamkit.core.access;

import java.time.Instant;
import java.util.List;
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
   * A revocation as stored: a viewer's or a session's id and when it was revoked.
   *
   * @param id the viewer id or the session id
   * @param revokedAt when: for a viewer, tokens issued at or before it are refused
   */
  record Revocation(String id, Instant revokedAt) {}

  /**
   * Revokes every token issued to the viewer until now.
   *
   * @param viewerId the viewer ({@code sub})
   * @return the revocation time: tokens issued at or before it are refused
   * @throws io.streamkit.core.InvalidValueException if the id breaks the {@code ViewerId} rule
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
   * @throws io.streamkit.core.InvalidValueException if the id is blank or longer than a token's {@code sid} may be
   */
  void revokeSession(String sessionId, Instant until);

  /**
   * {@return whether the session was revoked}
   *
   * @param sessionId the session id
   */
  boolean isSessionRevoked(String sessionId);

  /**
   * Viewer revocations made at or after {@code since}, for origins that keep every revocation in memory and poll
   * for new ones instead of asking per request.
   *
   * @param since the earliest revocation time wanted; {@link Instant#MIN} for all
   * @return the revocations, each viewer once with its latest time
   */
  List<Revocation> viewersRevokedSince(Instant since);

  /**
   * Session revocations made at or after {@code since} whose tokens have not all expired.
   *
   * @param since the earliest revocation time wanted; {@link Instant#MIN} for all
   * @return the revocations
   */
  List<Revocation> sessionsRevokedSince(Instant since);

  /**
   * Forgets session revocations whose tokens have all expired.
   *
   * @return how many were forgotten
   */
  int purgeExpired();
}
