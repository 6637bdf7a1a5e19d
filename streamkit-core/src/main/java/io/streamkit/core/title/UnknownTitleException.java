package io.streamkit.core.title;

import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** An operation named a title id that is not in the catalog (never created, or deleted). */
public class UnknownTitleException extends RuntimeException {

  private final Set<UUID> titleIds;

  public UnknownTitleException(Set<UUID> titleIds) {
    super("unknown titleId " + titleIds.stream().map(UUID::toString).sorted().collect(Collectors.joining(", "))
        + "; create the title in the catalog first, or check the id");
    this.titleIds = Set.copyOf(titleIds);
  }

  public UnknownTitleException(UUID titleId) {
    this(Set.of(titleId));
  }

  /** Every id in the failed operation that is not in the catalog. */
  public Set<UUID> titleIds() {
    return titleIds;
  }
}
