package io.streamkit.core;

/**
 * Which slice of a list to return: skip {@code offset} items, return at most {@code limit}.
 *
 * @param offset items to skip, 0 or more
 * @param limit items to return, 1 to {@link #MAX_LIMIT}
 */
public record PageRequest(int offset, int limit) {

  /** Largest page a store returns in one call; larger requests are refused rather than silently truncated. */
  public static final int MAX_LIMIT = 500;

  /**
   * @param offset items to skip, 0 or more
   * @param limit items to return, 1 to {@link #MAX_LIMIT}
   * @throws InvalidValueException naming {@code offset} or {@code limit} when it is out of range
   */
  public PageRequest {
    InvalidValueException.requireRange("offset", offset, 0, Integer.MAX_VALUE);
    InvalidValueException.requireRange("limit", limit, 1, MAX_LIMIT);
  }

  /**
   * {@return the first page of a list, with up to {@code limit} items}
   *
   * @param limit items to return, 1 to {@link #MAX_LIMIT}
   * @throws InvalidValueException if {@code limit} is out of range
   */
  public static PageRequest first(int limit) {
    return new PageRequest(0, limit);
  }

  /**
   * {@return the page after this one, with the same size}
   *
   * @throws InvalidValueException if the next offset would pass {@link Integer#MAX_VALUE}
   */
  public PageRequest next() {
    return new PageRequest(offset + limit, limit);
  }
}
