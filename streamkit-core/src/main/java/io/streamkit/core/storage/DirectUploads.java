package io.streamkit.core.storage;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Uploads that go from the client straight to the storage, never through the server: the server starts a multipart
 * upload and hands out one pre-signed URL per part; the client PUTs each part and reports the {@code ETag} of each;
 * the server completes the upload (S3 API: CreateMultipartUpload, UploadPart with pre-signed URLs,
 * CompleteMultipartUpload). A storage offers this through {@link MediaStorage#directUploads()} when it can.
 */
public interface DirectUploads {

  /**
   * One part to PUT.
   *
   * @param number the part number, from 1
   * @param offset the part's first byte in the file
   * @param length the part's length in bytes
   * @param url where to PUT exactly those bytes, with no other authorisation
   */
  record Part(int number, long offset, long length, URI url) {}

  /**
   * A started upload.
   *
   * @param key the object the upload will become
   * @param uploadId the storage's id for the upload
   * @param parts the parts in order; together they cover the file
   * @param expiresAt when the part URLs stop working
   */
  record Started(String key, String uploadId, List<Part> parts, Instant expiresAt) {

    /**
     * Copies the list.
     *
     * @param key the object the upload will become
     * @param uploadId the storage's id for the upload
     * @param parts the parts in order
     * @param expiresAt when the part URLs stop working
     * @throws NullPointerException if a field is null
     */
    public Started {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(uploadId, "uploadId");
      parts = List.copyOf(parts);
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * Where part URLs point, for a page's Content-Security-Policy ({@code connect-src}): scheme, host and port.
   *
   * @return an origin such as {@code https://media.s3.eu-west-1.amazonaws.com}
   */
  URI uploadOrigin();

  /**
   * Starts a multipart upload of a file of known size and pre-signs its parts.
   *
   * @param key the object to create
   * @param size the file's size in bytes, at least 1
   * @param validity how long the part URLs work; at most 7 days
   * @return the upload, with a URL per part
   * @throws StorageException if the storage refuses
   * @throws IllegalArgumentException if {@code size} or {@code validity} is out of range, or {@code key} is not a
   *     valid key
   */
  Started start(String key, long size, Duration validity);

  /**
   * Completes an upload from the parts' {@code ETag}s; the object then exists whole.
   *
   * @param key the object, as {@link #start} was given it
   * @param uploadId the upload's id
   * @param etags the {@code ETag} each part's PUT answered, in part order
   * @return the completed object
   * @throws StorageException if the storage refuses (a missing or wrong part, an unknown upload)
   */
  StoredObject complete(String key, String uploadId, List<String> etags);

  /**
   * Abandons an upload; its parts are discarded. Aborting an unknown upload is not an error.
   *
   * @param key the object, as {@link #start} was given it
   * @param uploadId the upload's id
   * @throws StorageException if the storage fails
   */
  void abort(String key, String uploadId);
}
