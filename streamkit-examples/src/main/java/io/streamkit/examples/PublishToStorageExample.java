package io.streamkit.examples;

import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.storage.s3.S3Storage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Publishes a packaged title directory (as {@code streamkit transcode} writes it) into S3 or a compatible storage,
 * where {@code streamkit serve --storage} serves it: a new version under {@code titles/<id>/<version>/}, made visible
 * by the title's pointer, which is written last; versions it replaced are deleted once nothing was written to them
 * for an hour (players that loaded the old playlists keep their segments until then).
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl streamkit-server,streamkit-examples -am
 * AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... STREAMKIT_S3_ENDPOINT=http://127.0.0.1:9000 \
 * STREAMKIT_S3_PATH_STYLE=true java -cp streamkit-server/target/streamkit.jar:streamkit-examples/target/classes \
 *     io.streamkit.examples.PublishToStorageExample s3://media/streamkit movie streamkit-data/titles/movie
 * </pre>
 *
 * <p>The storage is addressed as {@code streamkit serve} addresses it: endpoint, region and path style from
 * {@code STREAMKIT_S3_ENDPOINT}, {@code STREAMKIT_S3_REGION} and {@code STREAMKIT_S3_PATH_STYLE}, credentials from
 * the AWS SDK's default chain.
 */
public final class PublishToStorageExample {

  /** How long a replaced version is kept after its last write, for players still on it. */
  public static final Duration REPLACED_VERSIONS_KEPT = Duration.ofHours(1);

  private PublishToStorageExample() {}

  /**
   * Publishes {@code DIRECTORY} as title {@code ID} into {@code LOCATION} and prints the new version.
   *
   * @param args {@code s3://BUCKET[/PREFIX] ID DIRECTORY}
   */
  public static void main(String[] args) {
    if (args.length != 3 || !Files.isRegularFile(Path.of(args[2], "master.m3u8"))) {
      System.err.println("usage: PublishToStorageExample s3://BUCKET[/PREFIX] TITLE_ID TITLE_DIRECTORY (a packaged"
          + " title with its master.m3u8)");
      System.exit(2);
    }
    S3Storage.Builder s3 = S3Storage.builder().location(args[0]);
    String endpoint = System.getenv("STREAMKIT_S3_ENDPOINT");
    if (endpoint != null && !endpoint.isBlank()) {
      s3.endpoint(URI.create(endpoint));
    }
    String region = System.getenv("STREAMKIT_S3_REGION");
    if (region != null && !region.isBlank()) {
      s3.region(region);
    }
    s3.pathStyle(Boolean.parseBoolean(System.getenv("STREAMKIT_S3_PATH_STYLE")));
    try (S3Storage storage = s3.build()) {
      String version = publish(storage, args[1], Path.of(args[2]));
      System.out.println("published " + storage.describe("titles/" + args[1]) + " as " + version);
    }
  }

  /**
   * Publishes a title directory as the current version of {@code titles/<titleId>}, then deletes versions it
   * replaced more than {@link #REPLACED_VERSIONS_KEPT} ago.
   *
   * @param storage where titles are served from
   * @param titleId the title's id, the {@code <id>} of its URLs and the {@code title} claim of its tokens
   * @param directory a packaged title: its {@code master.m3u8} and everything that names
   * @return the new version
   */
  public static String publish(MediaStorage storage, String titleId, Path directory) {
    TitleVersions titles = new TitleVersions(storage);
    String title = "titles/" + titleId;
    String version = titles.publish(title, directory);
    titles.sweep(title, REPLACED_VERSIONS_KEPT, Instant.now());
    return version;
  }
}
