package io.streamkit.core.title;

import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** An operation named a title id that is not in the catalog (never created, or deleted). */
public class UnknownTitleException extends RuntimeException {

  /** Every unknown id of the failed operation; see {@link #titleIds()}. */
  private final Set<UUID> titleIds;

  /**
   * An exception for an operation on several titles, naming every unknown one.
   *
   * @param titleIds the ids not in the catalog, at least one
   */
  public UnknownTitleException(Set<UUID> titleIds) {
    super("unknown titleId " + titleIds.stream().map(UUID::toString).sorted().collect(Collectors.joining(", "))
        + "; create the title in the catalog first, or check the id");
    this.titleIds = Set.copyOf(titleIds);
  }

  /**
   * An exception for an operation on one title.
   *
   * @param titleId the id not in the catalog
   */
  public UnknownTitleException(UUID titleId) {
    this(Set.of(titleId));
  }

  /** {@return every id in the failed operation that is not in the catalog, unmodifiable} */
  public Set<UUID> titleIds() {
    return titleIds;
  }
}
