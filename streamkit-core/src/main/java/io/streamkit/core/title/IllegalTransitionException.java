package io.streamkit.core.title;

import java.util.UUID;

/** A status change the {@link TitleStatus} workflow does not allow; the title keeps its current status. */
public class IllegalTransitionException extends IllegalStateException {

  private final UUID titleId;
  private final TitleStatus from;
  private final TitleStatus to;

  public IllegalTransitionException(UUID titleId, TitleStatus from, TitleStatus to) {
    super("title " + titleId + " cannot move from " + from + " to " + to + "; from " + from + " it may move to "
        + (from.allowedNext().isEmpty() ? "nothing (final state)" : from.allowedNext().toString()));
    this.titleId = titleId;
    this.from = from;
    this.to = to;
  }

  public UUID titleId() {
    return titleId;
  }

  public TitleStatus from() {
    return from;
  }

  public TitleStatus to() {
    return to;
  }
}
