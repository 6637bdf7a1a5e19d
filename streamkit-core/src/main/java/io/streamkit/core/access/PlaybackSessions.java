package io.streamkit.core.access;

import java.time.Duration;
import java.util.Collection;

/**
 * Playback sessions in progress, to limit how many streams one viewer watches at once across every origin node.
 * A session is admitted when its player opens a title's master playlist, stays alive while its requests keep coming
 * ({@link #touch}), and ends when the player stops it ({@link #end}) or after {@code idle} without requests.
 * Thread-safe; obtained from {@code StreamkitStore.playbackSessions()}.
 */
public interface PlaybackSessions {

  /** What {@link #admit} decided. */
  enum Admission {
    /** A new session, within the limit. */
    ADMITTED,
    /** The session was already in progress (a player reloading its master playlist); it was kept alive. */
    CONTINUED,
    /** The viewer already watches {@code maxStreams} other streams. */
    REFUSED
  }

  /**
   * Admits a session unless its viewer already has {@code maxStreams} other sessions that saw a request within
   * {@code idle}; sessions idle longer are ended first. Admissions of the same viewer on different nodes are
   * serialised by the database, so the limit holds across nodes.
   *
   * @param sessionId the token's {@code sid}
   * @param viewerId the token's viewer
   * @param titleId the title the session plays
   * @param maxStreams at least 1
   * @param idle how long a session lives without requests
   * @return the decision
   */
  Admission admit(String sessionId, String viewerId, String titleId, int maxStreams, Duration idle);

  /**
   * Records that these sessions are still playing (now).
   *
   * @param sessionIds sessions that made requests since the last call
   */
  void touch(Collection<String> sessionIds);

  /**
   * Ends a session at once, freeing its viewer's slot.
   *
   * @param sessionId the session
   * @param viewerId the viewer it must belong to, so a token can only end its own viewer's sessions
   * @return whether a session was ended
   */
  boolean end(String sessionId, String viewerId);

  /**
   * {@return how many sessions of the viewer saw a request within {@code idle}}
   *
   * @param viewerId the viewer
   * @param idle how long a session lives without requests
   */
  int active(String viewerId, Duration idle);
}
