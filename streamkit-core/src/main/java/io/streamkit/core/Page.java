package io.streamkit.core;

import java.util.List;
import java.util.Optional;

/**
 * One page of a list.
 *
 * @param items the items of this page, in the list's order
 * @param request the request that produced this page
 * @param hasNext whether at least one more item follows this page
 */
public record Page<T>(List<T> items, PageRequest request, boolean hasNext) {

  public Page {
    items = List.copyOf(items);
    InvalidValueException.requireNonNull("request", request);
  }

  /** The request for the following page, or empty on the last page. */
  public Optional<PageRequest> nextRequest() {
    return hasNext ? Optional.of(request.next()) : Optional.empty();
  }
}
