package io.streamkit.core.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A real storage seen through a test's wrapper: every call goes to it unchanged unless the subclass overrides the
 * call to count, hold or fail it.
 */
public abstract class ForwardingStorage implements MediaStorage {

  /** The storage every call reaches. */
  protected final MediaStorage storage;

  protected ForwardingStorage(MediaStorage storage) {
    this.storage = storage;
  }

  @Override
  public void put(String key, Path file) {
    storage.put(key, file);
  }

  @Override
  public void put(String key, byte[] content) {
    storage.put(key, content);
  }

  @Override
  public void copy(String from, String to) {
    storage.copy(from, to);
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    return storage.stat(key);
  }

  @Override
  public OpenedObject open(String key) {
    return storage.open(key);
  }

  @Override
  public InputStream read(String key, long offset, long length) {
    return storage.read(key, offset, length);
  }

  @Override
  public List<StoredObject> list(String directory) {
    return storage.list(directory);
  }

  @Override
  public void delete(String key) {
    storage.delete(key);
  }

  @Override
  public int deleteAll(String directory) {
    return storage.deleteAll(directory);
  }

  @Override
  public Optional<DirectUploads> directUploads() {
    return storage.directUploads();
  }

  @Override
  public String describe(String key) {
    return storage.describe(key);
  }

  @Override
  public void close() {
    storage.close();
  }
}
