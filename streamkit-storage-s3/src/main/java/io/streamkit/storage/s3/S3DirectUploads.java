package io.streamkit.storage.s3;

import io.streamkit.core.storage.DirectUploads;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.StoredObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Direct uploads on S3: CreateMultipartUpload by the server, one pre-signed UploadPart URL (SigV4 query
 * authentication) per part for the client, CompleteMultipartUpload by the server. Parts are the storage's part size,
 * raised so no upload needs more than {@link S3Storage#MAX_PARTS}.
 */
final class S3DirectUploads implements DirectUploads {

  /** Longest validity of a SigV4 pre-signed URL. */
  static final Duration MAX_VALIDITY = Duration.ofDays(7);

  private final S3Storage storage;
  private final S3Presigner presigner;
  private final long partSize;

  S3DirectUploads(S3Storage storage, S3Presigner presigner, long partSize) {
    this.storage = storage;
    this.presigner = presigner;
    this.partSize = partSize;
  }

  /** Pre-signs a request for a made-up upload (nothing is sent) and keeps its scheme, host and port. */
  @Override
  public URI uploadOrigin() {
    URI url;
    try {
      url = presigner.presignUploadPart(p -> p.signatureDuration(Duration.ofMinutes(1))
          .uploadPartRequest(u -> u.bucket(storage.bucket()).key(storage.objectKey("origin-probe")).uploadId("probe")
              .partNumber(1))).url().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the SDK pre-signed an invalid URL: " + e.getMessage(), e);
    }
    return URI.create(url.getScheme() + "://" + url.getRawAuthority());
  }

  @Override
  public Started start(String key, long size, Duration validity) {
    MediaStorage.checkKey(key);
    if (size < 1 || size > S3Storage.MAX_PART_BYTES * S3Storage.MAX_PARTS) {
      throw new IllegalArgumentException("upload size must be between 1 and " + S3Storage.MAX_PART_BYTES
          * S3Storage.MAX_PARTS + " bytes, got " + size);
    }
    if (validity == null || validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException("upload URL validity must be between 1 s and 7 days, got " + validity);
    }
    long part = Math.max(partSize, (size + S3Storage.MAX_PARTS - 1) / S3Storage.MAX_PARTS);
    String objectKey = storage.objectKey(key);
    String uploadId;
    try {
      uploadId = storage.client().createMultipartUpload(b -> b.bucket(storage.bucket()).key(objectKey)).uploadId();
    } catch (SdkException e) {
      throw storage.failure("start an upload to", key, e);
    }
    Instant expires = Instant.now().plus(validity);
    List<Part> parts = new ArrayList<>();
    int number = 1;
    for (long offset = 0; offset < size; offset += part, number++) {
      int partNumber = number;
      try {
        parts.add(new Part(partNumber, offset, Math.min(part, size - offset), presigner.presignUploadPart(p -> p
            .signatureDuration(validity)
            .uploadPartRequest(u -> u.bucket(storage.bucket()).key(objectKey).uploadId(uploadId)
                .partNumber(partNumber))).url().toURI()));
      } catch (URISyntaxException e) {
        throw new IllegalStateException("the SDK pre-signed an invalid URL: " + e.getMessage(), e);
      }
    }
    return new Started(key, uploadId, parts, expires);
  }

  @Override
  public StoredObject complete(String key, String uploadId, List<String> etags) {
    String objectKey = storage.objectKey(key);
    List<CompletedPart> parts = new ArrayList<>();
    for (int i = 0; i < etags.size(); i++) {
      parts.add(CompletedPart.builder().partNumber(i + 1).eTag(etags.get(i)).build());
    }
    try {
      storage.client().completeMultipartUpload(b -> b.bucket(storage.bucket()).key(objectKey).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
    } catch (SdkException e) {
      throw storage.failure("complete the upload to", key, e);
    }
    return storage.stat(key).orElseThrow(() -> StorageException.notFound(storage.describe(key)));
  }

  @Override
  public void abort(String key, String uploadId) {
    String objectKey = storage.objectKey(key);
    try {
      storage.client().abortMultipartUpload(b -> b.bucket(storage.bucket()).key(objectKey).uploadId(uploadId));
    } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException e) {
      // already gone
    } catch (SdkException e) {
      throw storage.failure("abort the upload to", key, e);
    }
  }

  void close() {
    presigner.close();
  }
}
