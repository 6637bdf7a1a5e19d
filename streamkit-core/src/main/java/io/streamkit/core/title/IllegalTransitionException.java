package io.streamkit.core.title;

import java.util.UUID;

/** A status change the {@link TitleStatus} workflow does not allow; the title keeps its current status. */
public class IllegalTransitionException extends IllegalStateException {

  /** The title that was to move; see {@link #titleId()}. */
  private final UUID titleId;
  /** Its status, which it keeps; see {@link #from()}. */
  private final TitleStatus from;
  /** The refused target; see {@link #to()}. */
  private final TitleStatus to;

  /**
   * An exception whose message names the title, both states and the moves the workflow allows from {@code from}.
   *
   * @param titleId the title that was to move
   * @param from its current status
   * @param to the status it was to move to
   */
  public IllegalTransitionException(UUID titleId, TitleStatus from, TitleStatus to) {
    super("title " + titleId + " cannot move from " + from + " to " + to + "; from " + from + " it may move to "
        + (from.allowedNext().isEmpty() ? "nothing (final state)" : from.allowedNext().toString()));
    this.titleId = titleId;
    this.from = from;
    this.to = to;
  }

  /** {@return the title that was to move} */
  public UUID titleId() {
    return titleId;
  }

  /** {@return the title's status, which it keeps} */
  public TitleStatus from() {
    return from;
  }

  /** {@return the status the workflow refused} */
  public TitleStatus to() {
    return to;
  }
}
