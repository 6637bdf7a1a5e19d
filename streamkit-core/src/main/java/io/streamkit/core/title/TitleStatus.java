package io.streamkit.core.title;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Where a title is in its life, and which moves between states are allowed.
 *
 * <pre>
 *   UPLOADED ──► PROCESSING ──► READY ──► PUBLISHED
 *      │             │   ▲        │ ▲         │
 *      │             ▼   │        │ └─────────┘ (unpublish)
 *      │           FAILED┘(retry) │           │
 *      └──────────────────────────┴───────────┴──► REJECTED (moderation; final)
 * </pre>
 */
public enum TitleStatus {
  /** The source file is stored; nothing has been done with it yet. */
  UPLOADED,
  /** Probing and transcoding are under way; see the title's progress percent. */
  PROCESSING,
  /** Renditions are packaged; the title can be reviewed but viewers do not see it. */
  READY,
  /** Viewers can find and play the title. */
  PUBLISHED,
  /** Processing failed; the title's error message says why. Processing may be retried. */
  FAILED,
  /** A moderator refused the title. Final. */
  REJECTED;

  private static final Map<TitleStatus, Set<TitleStatus>> ALLOWED = new EnumMap<>(TitleStatus.class);

  static {
    ALLOWED.put(UPLOADED, EnumSet.of(PROCESSING, REJECTED));
    ALLOWED.put(PROCESSING, EnumSet.of(READY, FAILED));
    ALLOWED.put(READY, EnumSet.of(PUBLISHED, REJECTED));
    ALLOWED.put(PUBLISHED, EnumSet.of(READY, REJECTED));
    ALLOWED.put(FAILED, EnumSet.of(PROCESSING));
    ALLOWED.put(REJECTED, EnumSet.noneOf(TitleStatus.class));
  }

  /** {@return the states a title in this state may move to, unmodifiable; empty for {@link #REJECTED}} */
  public Set<TitleStatus> allowedNext() {
    return Collections.unmodifiableSet(ALLOWED.get(this));
  }

  /**
   * {@return whether the workflow allows a title in this state to move to {@code target}}
   *
   * @param target the state to move to
   */
  public boolean canMoveTo(TitleStatus target) {
    return ALLOWED.get(this).contains(target);
  }

  /**
   * Refuses a move the workflow does not allow.
   *
   * @param target the state to move to
   * @param titleId the title that is to move, for the message
   * @throws IllegalTransitionException naming both states and the title
   */
  public void checkMoveTo(TitleStatus target, UUID titleId) {
    if (!canMoveTo(target)) {
      throw new IllegalTransitionException(titleId, this, target);
    }
  }
}
