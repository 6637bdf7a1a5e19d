package io.streamkit.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An object being read: what the storage said about it and its content, from one request (S3 answers a GET with the
 * object's length, ETag and time). Close it when done.
 *
 * @param object the object's size, validator and time
 * @param content its bytes, from the start
 */
public record OpenedObject(StoredObject object, InputStream content) implements AutoCloseable {

  /**
   * Checks the fields.
   *
   * @param object the object's size, validator and time
   * @param content its bytes
   * @throws NullPointerException if a field is null
   */
  public OpenedObject {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(content, "content");
  }

  /** Closes the content. */
  @Override
  public void close() throws IOException {
    content.close();
  }
}
