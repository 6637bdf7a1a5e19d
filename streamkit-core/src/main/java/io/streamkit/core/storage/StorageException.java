package io.streamkit.core.storage;

/**
 * A storage could not do what was asked: the object is missing, the service refused, the network or the disk failed.
 * The message is one line naming the operation, the object's location and the cause.
 */
public class StorageException extends RuntimeException {

  /** Whether the failure is that the object does not exist; see {@link #missing()}. */
  private final boolean missing;

  /**
   * A failure with a cause.
   *
   * @param message the whole message, naming the operation and the location
   * @param cause the underlying failure
   */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
    this.missing = false;
  }

  private StorageException(String message, boolean missing) {
    super(message);
    this.missing = missing;
  }

  /**
   * The object a read asked for does not exist.
   *
   * @param location where it was looked for, as {@link MediaStorage#describe} gives it
   * @return an exception for which {@link #missing()} is true
   */
  public static StorageException notFound(String location) {
    return new StorageException("no object at " + location, true);
  }

  /** {@return true when the failure is that the object does not exist} */
  public boolean missing() {
    return missing;
  }
}
