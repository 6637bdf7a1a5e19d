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

  public PageRequest {
    InvalidValueException.requireRange("offset", offset, 0, Integer.MAX_VALUE);
    InvalidValueException.requireRange("limit", limit, 1, MAX_LIMIT);
  }

  public static PageRequest first(int limit) {
    return new PageRequest(0, limit);
  }

  /** The page after this one, with the same size. */
  public PageRequest next() {
    return new PageRequest(offset + limit, limit);
  }
}
