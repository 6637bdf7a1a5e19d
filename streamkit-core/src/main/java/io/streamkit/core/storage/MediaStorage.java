package io.streamkit.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Where sources and titles are kept: a flat space of objects named by {@code /}-separated keys. Objects are written
 * whole and never changed in place (a put replaces the object atomically: a reader sees the old or the new content,
 * never a mix) and read as streams, so no implementation holds a whole segment or source in memory.
 *
 * <p>Implementations: {@link LocalStorage} (a directory, the default) and {@code S3Storage} in module
 * {@code streamkit-storage-s3} (AWS S3 and compatible services). Every implementation passes the same contract
 * tests, is safe for concurrent use, and applies the key rules of {@link #checkKey}.
 */
public interface MediaStorage extends AutoCloseable {

  /**
   * Writes a file as the object {@code key}, replacing any object there. The file is streamed (large files in parts
   * where the storage supports it) and checked on arrival where the storage supports checksums.
   *
   * @param key where to write
   * @param file a regular file to copy; it is not changed
   * @throws StorageException if the file cannot be read or the storage refuses or fails
   * @throws IllegalArgumentException if {@code key} breaks the rules of {@link #checkKey}
   */
  void put(String key, Path file);

  /**
   * Writes a small object (a playlist, a pointer) from memory, replacing any object there.
   *
   * @param key where to write
   * @param content the bytes to store
   * @throws StorageException if the storage refuses or fails
   * @throws IllegalArgumentException if {@code key} breaks the rules of {@link #checkKey}
   */
  void put(String key, byte[] content);

  /**
   * Copies an object to another key, replacing any object there. Storages that can copy in place do so without the
   * content passing through this process (S3 copies server-side, a local storage links the file); the default reads
   * the object into a temporary file and puts that.
   *
   * @param from the object to copy
   * @param to where to write the copy
   * @throws StorageException if there is no object {@code from} ({@link StorageException#missing()}) or the copy
   *     fails
   * @throws IllegalArgumentException if a key breaks the rules of {@link #checkKey}
   */
  default void copy(String from, String to) {
    checkKey(to);
    Path temporary = null;
    try (InputStream in = read(from)) {
      temporary = Files.createTempFile("streamkit-copy-", ".tmp");
      Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
      put(to, temporary);
    } catch (IOException e) {
      throw new StorageException("cannot copy " + describe(from) + " to " + describe(to) + ": " + e, e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // the copy's own outcome is the one to report
        }
      }
    }
  }

  /**
   * Looks an object up without reading it.
   *
   * @param key the object's key
   * @return its size, validator and time, or empty when there is no such object
   * @throws StorageException if the storage cannot answer
   */
  Optional<StoredObject> stat(String key);

  /**
   * Opens an object for reading, from the start, with what the storage says about it, in one request: a reader that
   * needs the size or validator need not {@link #stat} first. Close it when done.
   *
   * @param key the object's key
   * @return the object's description and content
   * @throws StorageException if there is no such object ({@link StorageException#missing()}) or it cannot be read
   */
  OpenedObject open(String key);

  /**
   * Opens an object for reading, from the start. Close the stream when done.
   *
   * @param key the object's key
   * @return the content as a stream
   * @throws StorageException if there is no such object ({@link StorageException#missing()}) or it cannot be read
   */
  default InputStream read(String key) {
    return open(key).content();
  }

  /**
   * Opens a byte range of an object for reading. Close the stream when done.
   *
   * @param key the object's key
   * @param offset the first byte, at least 0 and below the object's size
   * @param length how many bytes, at least 1; fewer are returned when the object ends first
   * @return those bytes as a stream
   * @throws StorageException if there is no such object ({@link StorageException#missing()}) or it cannot be read
   * @throws IllegalArgumentException if {@code offset} is negative or {@code length} is below 1
   */
  InputStream read(String key, long offset, long length);

  /**
   * Lists every object under a directory key: those whose key starts with {@code directory + "/"}, at any depth.
   *
   * @param directory a key naming the directory, without a trailing {@code /}
   * @return the objects in key order; empty when there are none
   * @throws StorageException if the storage cannot answer
   */
  List<StoredObject> list(String directory);

  /**
   * Deletes one object; deleting a missing object is not an error.
   *
   * @param key the object's key
   * @throws StorageException if the storage refuses or fails
   */
  void delete(String key);

  /**
   * Deletes every object under a directory key (see {@link #list}).
   *
   * @param directory a key naming the directory, without a trailing {@code /}
   * @return how many objects were deleted
   * @throws StorageException if the storage refuses or fails; objects deleted before the failure stay deleted
   */
  int deleteAll(String directory);

  /**
   * Names an object's location for messages and logs, e.g. {@code s3://media/titles/42/master.m3u8} or a file path.
   *
   * @param key the object's key
   * @return a location a person can look up
   */
  String describe(String key);

  /**
   * Uploads from clients straight to this storage, when it supports them (S3 does, with pre-signed URLs).
   *
   * @return the direct-upload capability, or empty (the default) when clients must upload through the server
   */
  default java.util.Optional<DirectUploads> directUploads() {
    return java.util.Optional.empty();
  }

  /** Releases the storage's connections and threads; the objects stay. */
  @Override
  void close();

  /**
   * The key rules: {@code /}-separated segments, each non-empty and none starting with {@code .}; no control
   * characters or backslashes; at most 900 bytes of UTF-8.
   *
   * @param key a candidate key
   * @return {@code key}, when it follows the rules
   * @throws IllegalArgumentException naming the rule it breaks
   */
  static String checkKey(String key) {
    return StorageKeys.check(key);
  }
}
