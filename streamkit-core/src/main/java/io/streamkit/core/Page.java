package io.streamkit.core;

import java.util.List;
import java.util.Optional;

/**
 * One page of a list. Immutable.
 *
 * @param <T> the type of the items
 * @param items the items of this page, in the list's order
 * @param request the request that produced this page
 * @param hasNext whether at least one more item follows this page
 */
public record Page<T>(List<T> items, PageRequest request, boolean hasNext) {

  /**
   * Copies {@code items}, so later changes to the caller's list do not show through.
   *
   * @param items the items of this page, in the list's order; no {@code null} elements
   * @param request the request that produced this page
   * @param hasNext whether at least one more item follows this page
   * @throws NullPointerException if {@code items} is {@code null} or holds {@code null}
   * @throws InvalidValueException if {@code request} is {@code null}
   */
  public Page {
    items = List.copyOf(items);
    InvalidValueException.requireNonNull("request", request);
  }

  /** {@return the request for the following page, or empty on the last page} */
  public Optional<PageRequest> nextRequest() {
    return hasNext ? Optional.of(request.next()) : Optional.empty();
  }
}
