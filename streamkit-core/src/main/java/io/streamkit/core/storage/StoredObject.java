package io.streamkit.core.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * What a storage knows about one object.
 *
 * @param key the object's key, relative to the storage (as passed to {@link MediaStorage#put})
 * @param size length in bytes
 * @param etag an opaque validator that changes whenever the content does (S3's ETag, or size and modification time
 *     on a file system), without quotes
 * @param lastModified when the object was last written
 */
public record StoredObject(String key, long size, String etag, Instant lastModified) {

  /**
   * Checks the fields.
   *
   * @param key the object's key
   * @param size length in bytes
   * @param etag the validator, without quotes
   * @param lastModified when the object was last written
   * @throws NullPointerException if a field is null
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public StoredObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
    if (size < 0) {
      throw new IllegalArgumentException("size must be at least 0, got " + size);
    }
  }
}
