package io.streamkit.server.cli;

import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/**
 * The options that point a command at an S3-compatible service; credentials come from the AWS SDK's default chain
 * ({@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} included), never from the command line.
 */
final class S3Options {

  @Option(names = "--s3-endpoint", defaultValue = "${env:STREAMKIT_S3_ENDPOINT}", paramLabel = "URL",
      description = "S3-compatible service to use instead of AWS, e.g. http://127.0.0.1:9000"
          + " (env STREAMKIT_S3_ENDPOINT)")
  String endpoint;

  @Option(names = "--s3-region", defaultValue = "${env:STREAMKIT_S3_REGION}", paramLabel = "REGION",
      description = "region (env STREAMKIT_S3_REGION); default: AWS_REGION or the AWS profile, else us-east-1")
  String region;

  @Option(names = "--s3-path-style", defaultValue = "${env:STREAMKIT_S3_PATH_STYLE:-false}", fallbackValue = "true",
      arity = "0..1", paramLabel = "BOOL",
      description = "address buckets as ENDPOINT/BUCKET, as most S3-compatible services need"
          + " (env STREAMKIT_S3_PATH_STYLE)")
  boolean pathStyle;

  /** A storage for {@code s3://BUCKET[/PREFIX]} with these options; one-line errors name the bad option. */
  S3Storage storage(String location) {
    S3Storage.Builder builder = S3Storage.builder().location(location).pathStyle(pathStyle);
    if (endpoint != null && !endpoint.isBlank()) {
      try {
        builder.endpoint(new URI(endpoint.strip()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new IllegalArgumentException("--s3-endpoint '" + endpoint + "' is not an http:// or https:// URL with"
            + " a host, e.g. http://127.0.0.1:9000", e);
      }
    }
    if (region != null && !region.isBlank()) {
      builder.region(region.strip());
    }
    return builder.build();
  }
}
