package io.streamkit.storage.s3;

import io.streamkit.core.storage.DirectUploads;
import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.OpenedObject;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Objects in one S3 bucket, under an optional key prefix, on AWS or any S3-compatible service (MinIO, Ceph, s3proxy).
 *
 * <pre>{@code
 * MediaStorage media = S3Storage.builder()
 *     .location("s3://media/streamkit")            // bucket media, keys under streamkit/
 *     .endpoint(URI.create("http://minio:9000"))   // omit for AWS
 *     .pathStyle(true)
 *     .build();
 * }</pre>
 *
 * <p>Files larger than {@link Builder#multipartThreshold} go up as a multipart upload of
 * {@link Builder#partSize}-byte parts, each read from disk as it is sent (S3 API reference, "Uploading and copying
 * objects using multipart upload"); a failed upload is aborted so no parts linger. Every put and part carries a
 * {@code Content-MD5} the service verifies on arrival (RFC 1864; S3 PutObject and UploadPart), which every
 * S3-compatible service supports; the SDK's newer trailing checksums are switched off because several do not (operations S3 requires a
 * checksum for, such as DeleteObjects, carry {@code Content-MD5} too). Reads stream the object. Throttling and
 * server errors are retried with exponential backoff and jitter (the SDK's standard retry strategy) up to
 * {@link Builder#maxAttempts} attempts. Credentials come from the SDK's default chain unless set: environment
 * variables {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, system properties, profile files, container
 * and instance roles.
 */
public final class S3Storage implements MediaStorage {

  /** Smallest part size S3 accepts, except for the last part: 5 MiB. */
  public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
  /** Largest part size S3 accepts: 5 GiB. */
  public static final long MAX_PART_BYTES = 5L * 1024 * 1024 * 1024;
  /** Most parts one multipart upload may have. */
  public static final int MAX_PARTS = 10_000;
  /** Part size unless {@link Builder#partSize} says otherwise: 16 MiB. */
  public static final long DEFAULT_PART_BYTES = 16L * 1024 * 1024;
  /** Attempts per request unless {@link Builder#maxAttempts} says otherwise. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** Most attempts {@link Builder#maxAttempts} accepts. */
  public static final int MAX_ATTEMPTS = 20;
  /** Most keys one DeleteObjects request may name. */
  static final int DELETE_BATCH = 1000;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final long multipartThreshold;
  private final long partSize;
  private volatile boolean batchDeleteRefused;

  private final S3DirectUploads directUploads;

  private S3Storage(S3Client client, S3Presigner presigner, String bucket, String prefix, long multipartThreshold,
      long partSize) {
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix;
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
    this.directUploads = new S3DirectUploads(this, presigner, partSize);
  }

  /** {@return a builder; {@link Builder#location} or {@link Builder#bucket} must be set} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the bucket} */
  public String bucket() {
    return bucket;
  }

  /** {@return the key prefix every object is stored under, empty or ending in {@code /}} */
  public String prefix() {
    return prefix;
  }

  /** {@return the SDK client, for operations the port does not cover (such as pre-signing)} */
  public S3Client client() {
    return client;
  }

  /**
   * The full object key in the bucket for a storage key.
   *
   * @param key a storage key
   * @return {@link #prefix()} followed by {@code key}
   */
  public String objectKey(String key) {
    return prefix + MediaStorage.checkKey(key);
  }

  @Override
  public void put(String key, Path file) {
    String objectKey = objectKey(key);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + " to upload it to " + describe(key) + ": " + e, e);
    }
    try {
      if (size > multipartThreshold) {
        putInParts(objectKey, file, size);
      } else {
        FilePart whole = new FilePart(file, 0, size);
        String md5 = whole.md5();
        client.putObject(b -> b.bucket(bucket).key(objectKey).contentMD5(md5),
            RequestBody.fromContentProvider(whole, size, "application/octet-stream"));
      }
    } catch (SdkException | java.io.UncheckedIOException e) {
      throw failure("upload " + file + " to", key, e);
    }
  }

  private void putInParts(String objectKey, Path file, long size) {
    long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
    String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(objectKey)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long offset = 0; offset < size; offset += part, number++) {
        long length = Math.min(part, size - offset);
        int partNumber = number;
        FilePart body = new FilePart(file, offset, length);
        String md5 = body.md5();
        String etag = client.uploadPart(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                .partNumber(partNumber).contentLength(length).contentMD5(md5),
            RequestBody.fromContentProvider(body, length, "application/octet-stream")).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      client.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
    } catch (RuntimeException e) {
      try {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
      } catch (SdkException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
  }

  @Override
  public void put(String key, byte[] content) {
    String objectKey = objectKey(key);
    try {
      client.putObject(b -> b.bucket(bucket).key(objectKey).contentMD5(FilePart.md5(content)),
          RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw failure("write", key, e);
    }
  }

  /**
   * A server-side copy (CopyObject): the content does not pass through this process. S3 copies objects of up to
   * {@value #MAX_PART_BYTES} bytes that way and refuses larger ones with {@code InvalidRequest}; those are streamed
   * through a temporary file instead.
   */
  @Override
  public void copy(String from, String to) {
    String source = objectKey(from);
    String target = objectKey(to);
    try {
      client.copyObject(b -> b.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket)
          .destinationKey(target));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw StorageException.notFound(describe(from));
      }
      if (e.statusCode() == 400 && e.awsErrorDetails() != null
          && "InvalidRequest".equals(e.awsErrorDetails().errorCode())) {
        MediaStorage.super.copy(from, to);
        return;
      }
      throw failure("copy " + describe(from) + " to", to, e);
    } catch (SdkException e) {
      throw failure("copy " + describe(from) + " to", to, e);
    }
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    String objectKey = objectKey(key);
    try {
      HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(objectKey));
      return Optional.of(new StoredObject(key, head.contentLength(), unquoted(head.eTag()), head.lastModified()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("look up", key, e);
    } catch (SdkException e) {
      throw failure("look up", key, e);
    }
  }

  /** One GET: the response head carries the length, ETag and time the caller would otherwise HEAD for. */
  @Override
  public OpenedObject open(String key) {
    String objectKey = objectKey(key);
    ResponseInputStream<GetObjectResponse> content;
    try {
      content = client.getObject(b -> b.bucket(bucket).key(objectKey));
    } catch (SdkException e) {
      throw readFailure(key, e);
    }
    GetObjectResponse head = content.response();
    return new OpenedObject(new StoredObject(key, head.contentLength(), unquoted(head.eTag()), head.lastModified()),
        content);
  }

  @Override
  public InputStream read(String key, long offset, long length) {
    if (offset < 0 || length < 1) {
      throw new IllegalArgumentException("range must have offset >= 0 and length >= 1, got offset " + offset
          + " length " + length);
    }
    String objectKey = objectKey(key);
    long last = offset + length - 1 < 0 ? Long.MAX_VALUE : offset + length - 1;
    try {
      return client.getObject(b -> b.bucket(bucket).key(objectKey).range("bytes=" + offset + "-" + last));
    } catch (SdkException e) {
      throw readFailure(key, e);
    }
  }

  private StorageException readFailure(String key, SdkException e) {
    if (e instanceof NoSuchKeyException || e instanceof S3Exception s3 && s3.statusCode() == 404) {
      return StorageException.notFound(describe(key));
    }
    return failure("read", key, e);
  }

  @Override
  public List<StoredObject> list(String directory) {
    String listPrefix = objectKey(directory) + "/";
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listPrefix)).contents()) {
        objects.add(new StoredObject(object.key().substring(prefix.length()), object.size(),
            unquoted(object.eTag()), object.lastModified()));
      }
    } catch (SdkException e) {
      throw failure("list", directory, e);
    }
    return objects;
  }

  @Override
  public void delete(String key) {
    String objectKey = objectKey(key);
    try {
      client.deleteObject(b -> b.bucket(bucket).key(objectKey));
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  /**
   * Deletes in batches of {@value #DELETE_BATCH} (DeleteObjects). Services that refuse it as sent (S3 requires a
   * checksum on it, and some S3-compatible services refuse the SDK's checksum headers with 501 or 400) get one
   * DeleteObject per key from then on.
   */
  @Override
  public int deleteAll(String directory) {
    List<StoredObject> objects = list(directory);
    int deleted = 0;
    for (int from = 0; from < objects.size(); from += DELETE_BATCH) {
      List<StoredObject> batch = objects.subList(from, Math.min(objects.size(), from + DELETE_BATCH));
      if (!batchDeleteRefused && batch.size() > 1) {
        try {
          deleteBatch(batch);
          deleted += batch.size();
          continue;
        } catch (S3Exception e) {
          if (e.statusCode() != 501 && e.statusCode() != 400) {
            throw failure("delete", directory, e);
          }
          batchDeleteRefused = true;
        } catch (SdkException e) {
          throw failure("delete", directory, e);
        }
      }
      for (StoredObject object : batch) {
        delete(object.key());
        deleted++;
      }
    }
    return deleted;
  }

  private void deleteBatch(List<StoredObject> batch) {
    List<ObjectIdentifier> keys = batch.stream()
        .map(object -> ObjectIdentifier.builder().key(prefix + object.key()).build()).toList();
    var response = client.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(keys).quiet(true).build()));
    if (!response.errors().isEmpty()) {
      var error = response.errors().get(0);
      throw new StorageException("cannot delete s3://" + bucket + "/" + error.key() + ": " + error.code() + " "
          + error.message() + " (" + response.errors().size() + " objects not deleted)", null);
    }
  }

  /** Pre-signed multipart uploads: see {@link DirectUploads}. */
  @Override
  public Optional<DirectUploads> directUploads() {
    return Optional.of(directUploads);
  }

  @Override
  public String describe(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  @Override
  public void close() {
    client.close();
    directUploads.close();
  }

  @Override
  public String toString() {
    return "S3Storage[s3://" + bucket + "/" + prefix + "]";
  }

  StorageException failure(String operation, String key, Exception e) {
    String reason = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
        ? s3.awsErrorDetails().errorCode() + " (HTTP " + s3.statusCode() + ")" : e.getMessage();
    return new StorageException("cannot " + operation + " " + describe(key) + ": " + reason
        + "; check the endpoint, bucket and credentials", e);
  }

  private static String unquoted(String etag) {
    if (etag == null) {
      return "";
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1)
        : etag;
  }

  /**
   * Validates each value as it is set, naming the property and its limit. Not thread-safe: configure it on one
   * thread.
   */
  public static final class Builder {
    private String bucket;
    private String prefix = "";
    private URI endpoint;
    private String region;
    private boolean pathStyle;
    private AwsCredentialsProvider credentials;
    private long multipartThreshold = DEFAULT_PART_BYTES;
    private long partSize = DEFAULT_PART_BYTES;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration socketTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * Bucket and prefix from a location such as {@code s3://media} or {@code s3://media/streamkit/prod}.
     *
     * @param location {@code s3://BUCKET[/PREFIX]}
     * @return this builder
     * @throws IllegalArgumentException if {@code location} is not of that form
     */
    public Builder location(String location) {
      Objects.requireNonNull(location, "location");
      if (!location.startsWith("s3://")) {
        throw new IllegalArgumentException("storage location '" + location + "' is not s3://BUCKET[/PREFIX]");
      }
      String rest = location.substring("s3://".length());
      while (rest.endsWith("/")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      int slash = rest.indexOf('/');
      bucket(slash < 0 ? rest : rest.substring(0, slash));
      return prefix(slash < 0 ? "" : rest.substring(slash + 1));
    }

    /**
     * The bucket (required, unless {@link #location} names it). It must exist.
     *
     * @param bucket an S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens
     * @return this builder
     * @throws IllegalArgumentException if {@code bucket} is not a valid bucket name
     */
    public Builder bucket(String bucket) {
      if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException("bucket '" + bucket + "' is not an S3 bucket name (3-63 lower-case"
            + " letters, digits, '.' and '-')");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * A key prefix for every object, so several deployments can share a bucket.
     *
     * @param prefix {@code /}-separated, without leading or trailing {@code /}; empty for none (default)
     * @return this builder
     * @throws IllegalArgumentException if {@code prefix} breaks the rules of {@link MediaStorage#checkKey}
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      this.prefix = prefix.isEmpty() ? "" : MediaStorage.checkKey(prefix) + "/";
      return this;
    }

    /**
     * The service's address, for S3-compatible services; default: AWS S3 in the region.
     *
     * @param endpoint an {@code http} or {@code https} URI such as {@code http://127.0.0.1:9000}
     * @return this builder
     * @throws IllegalArgumentException if {@code endpoint} is not an absolute http(s) URI
     */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
          || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint '" + endpoint + "' must be an http:// or https:// URI with a"
            + " host");
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * The region; default: the SDK's region chain ({@code AWS_REGION}, profile), else {@code us-east-1}.
     *
     * @param region a region name such as {@code eu-west-1}
     * @return this builder
     * @throws IllegalArgumentException if {@code region} is blank
     */
    public Builder region(String region) {
      if (region == null || region.isBlank()) {
        throw new IllegalArgumentException("region must not be blank");
      }
      this.region = region;
      return this;
    }

    /**
     * Addresses objects as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}; most S3-compatible
     * services need this.
     *
     * @param pathStyle whether to use path-style requests; default false
     * @return this builder
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * Credentials; default: the SDK's default chain.
     *
     * @param credentials where the access key comes from
     * @return this builder
     */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Files larger than this are uploaded in parts.
     *
     * @param bytes at least {@link S3Storage#MIN_PART_BYTES}; default {@link S3Storage#DEFAULT_PART_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is below the minimum
     */
    public Builder multipartThreshold(long bytes) {
      if (bytes < MIN_PART_BYTES) {
        throw new IllegalArgumentException("multipartThreshold must be at least " + MIN_PART_BYTES + " bytes (5 MiB),"
            + " got " + bytes);
      }
      this.multipartThreshold = bytes;
      return this;
    }

    /**
     * The size of each part of a multipart upload (the last may be smaller); raised automatically when a file would
     * need more than {@link S3Storage#MAX_PARTS} parts.
     *
     * @param bytes {@link S3Storage#MIN_PART_BYTES} to {@link S3Storage#MAX_PART_BYTES}; default
     *     {@link S3Storage#DEFAULT_PART_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is outside that range
     */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_BYTES || bytes > MAX_PART_BYTES) {
        throw new IllegalArgumentException("partSize must be between " + MIN_PART_BYTES + " and " + MAX_PART_BYTES
            + " bytes, got " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * Attempts per request, the first included; retries back off exponentially with jitter.
     *
     * @param attempts 1 to {@link S3Storage#MAX_ATTEMPTS}; default {@link S3Storage#DEFAULT_MAX_ATTEMPTS}
     * @return this builder
     * @throws IllegalArgumentException if {@code attempts} is outside that range
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > MAX_ATTEMPTS) {
        throw new IllegalArgumentException("maxAttempts must be between 1 and " + MAX_ATTEMPTS + ", got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Makes the storage. Nothing is sent until the first operation.
     *
     * @return the storage
     * @throws IllegalStateException if no bucket is set
     */
    public S3Storage build() {
      if (bucket == null) {
        throw new IllegalStateException("bucket is not set; call location(\"s3://BUCKET[/PREFIX]\") or bucket()");
      }
      Region chosenRegion = Region.of(region != null ? region : defaultRegion());
      AwsCredentialsProvider chosenCredentials = credentials != null ? credentials
          : DefaultCredentialsProvider.builder().build();
      S3Presigner.Builder presigner = S3Presigner.builder().region(chosenRegion).credentialsProvider(chosenCredentials)
          .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
      var client = S3Client.builder()
          .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(connectTimeout)
              .socketTimeout(socketTimeout))
          .region(chosenRegion)
          .credentialsProvider(chosenCredentials)
          .forcePathStyle(pathStyle)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .addPlugin(LegacyMd5Plugin.create())
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
              .maxAttempts(maxAttempts).build()));
      if (endpoint != null) {
        client.endpointOverride(endpoint);
        presigner.endpointOverride(endpoint);
      }
      return new S3Storage(client.build(), presigner.build(), bucket, prefix, multipartThreshold, partSize);
    }

    private static String defaultRegion() {
      try {
        return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
      } catch (SdkException e) {
        return "us-east-1";
      }
    }
  }
}
