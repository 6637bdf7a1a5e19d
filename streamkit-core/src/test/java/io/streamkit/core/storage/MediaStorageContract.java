package io.streamkit.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link MediaStorage} must do, and {@link TitleVersions} on top of it. A subclass supplies the storage;
 * the same tests run on the local file system and on a real S3 server.
 */
public abstract class MediaStorageContract {

  /** Larger than the multipart threshold the S3 tests configure, so large puts go in several parts. */
  protected static final int LARGE_BYTES = 13 * 1024 * 1024 + 17;

  @TempDir protected Path temp;
  protected MediaStorage storage;

  /**
   * Opens the storage under test, empty.
   *
   * @param temp a temporary directory the storage may use
   * @return the storage
   */
  protected abstract MediaStorage open(Path temp) throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = open(temp);
  }

  @AfterEach
  void closeStorage() {
    storage.close();
  }

  @Test
  void aLargeFileComesBackByteForByte() throws Exception {
    Path source = temp.resolve("large.bin");
    writeRandom(source, LARGE_BYTES, 1);
    storage.put("sources/large", source);

    assertThat(storage.stat("sources/large")).get().extracting(StoredObject::size).isEqualTo((long) LARGE_BYTES);
    try (InputStream in = storage.read("sources/large")) {
      assertThat(sha256(in)).isEqualTo(sha256(source));
    }
    assertThat(storage.list("sources")).extracting(StoredObject::key).containsExactly("sources/large");
  }

  @Test
  void aPutReplacesTheObjectAndChangesItsValidator() throws Exception {
    storage.put("titles/t/master.m3u8", "first".getBytes(StandardCharsets.UTF_8));
    StoredObject first = storage.stat("titles/t/master.m3u8").orElseThrow();
    storage.put("titles/t/master.m3u8", "second, longer".getBytes(StandardCharsets.UTF_8));
    StoredObject second = storage.stat("titles/t/master.m3u8").orElseThrow();

    assertThat(text(storage.read("titles/t/master.m3u8"))).isEqualTo("second, longer");
    assertThat(second.size()).isEqualTo(14);
    assertThat(second.etag()).isNotEqualTo(first.etag());
  }

  @Test
  void anOpenedObjectSaysWhatAStatWouldWithoutAnotherRequest() throws Exception {
    storage.put("titles/t/720p/seg-00002.m4s", "twelve bytes".getBytes(StandardCharsets.UTF_8));

    try (OpenedObject opened = storage.open("titles/t/720p/seg-00002.m4s")) {
      StoredObject stat = storage.stat("titles/t/720p/seg-00002.m4s").orElseThrow();
      assertThat(opened.object().size()).isEqualTo(12);
      assertThat(opened.object().etag()).isEqualTo(stat.etag());
      assertThat(opened.object().lastModified()).isEqualTo(stat.lastModified());
      assertThat(new String(opened.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("twelve bytes");
    }
    assertThatThrownBy(() -> storage.open("titles/t/none"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.missing()).isTrue());
  }

  @Test
  void aRangeReadReturnsThoseBytesAndStopsAtTheEnd() throws Exception {
    byte[] content = new byte[1000];
    new Random(2).nextBytes(content);
    storage.put("titles/t/720p/seg-00001.m4s", content);

    try (InputStream in = storage.read("titles/t/720p/seg-00001.m4s", 100, 50)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 150));
    }
    try (InputStream in = storage.read("titles/t/720p/seg-00001.m4s", 990, 50)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(content, 990, 1000));
    }
  }

  @Test
  void aMissingObjectIsEmptyOnStatAndNamedWhenRead() {
    assertThat(storage.stat("titles/none/master.m3u8")).isEmpty();
    assertThatThrownBy(() -> storage.read("titles/none/master.m3u8"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.missing()).isTrue())
        .hasMessageContaining("titles/none/master.m3u8");
    assertThatThrownBy(() -> storage.read("titles/none/master.m3u8", 0, 10))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.missing()).isTrue());
    assertThat(storage.list("titles/none")).isEmpty();
    storage.delete("titles/none/master.m3u8");
    assertThat(storage.deleteAll("titles/none")).isZero();
  }

  @Test
  void listAndDeleteAllTakeADirectoryNotAPrefixOfNames() {
    byte[] one = {1};
    storage.put("a/b/1", one);
    storage.put("a/b/c/2", one);
    storage.put("a/bb/3", one);

    assertThat(storage.list("a/b")).extracting(StoredObject::key).containsExactly("a/b/1", "a/b/c/2");
    assertThat(storage.deleteAll("a/b")).isEqualTo(2);
    assertThat(storage.list("a/b")).isEmpty();
    assertThat(storage.list("a")).extracting(StoredObject::key).containsExactly("a/bb/3");
    storage.delete("a/bb/3");
    assertThat(storage.stat("a/bb/3")).isEmpty();
  }

  @Test
  void keysThatCouldEscapeOrHideAreRefusedWithTheRule() {
    for (String bad : List.of("", "../x", "/x", "a//b", "a/", ".hidden", "a/../b", "a\\b", "a\nb")) {
      assertThatThrownBy(() -> storage.put(bad, new byte[] {1})).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage key");
    }
  }

  @Test
  void aPublishedTitleAppearsWholeWithPlaylistsWrittenLast() throws Exception {
    Path title = packagedTitle("a");
    List<String> order = new ArrayList<>();
    TitleVersions versions = new TitleVersions(new Recording(storage, order, Integer.MAX_VALUE));
    assertThat(versions.current("titles/7")).isEmpty();

    String version = versions.publish("titles/7", title);

    assertThat(versions.current("titles/7")).contains(version);
    assertThat(text(storage.read(TitleVersions.key("titles/7", version, "720p/index.m3u8")))).contains("seg-1.m4s");
    String prefix = "titles/7/" + version + "/";
    assertThat(order).containsExactly(prefix + "720p/init.mp4", prefix + "720p/seg-1.m4s", prefix + "720p/seg-2.m4s",
        prefix + "720p/index.m3u8", prefix + "master.m3u8", "titles/7/" + TitleVersions.POINTER);
  }

  @Test
  void aPublicationThatFailsLeavesThePreviousVersionAndNoOrphans() throws Exception {
    TitleVersions versions = new TitleVersions(storage);
    String first = versions.publish("titles/8", packagedTitle("first"));

    TitleVersions failing = new TitleVersions(new Recording(storage, new ArrayList<>(), 3));
    assertThatThrownBy(() -> failing.publish("titles/8", packagedTitle("second")))
        .isInstanceOf(StorageException.class);

    assertThat(versions.current("titles/8")).contains(first);
    assertThat(storage.list("titles/8")).extracting(StoredObject::key)
        .allMatch(key -> key.startsWith("titles/8/" + first + "/") || key.endsWith(TitleVersions.POINTER));
  }

  @Test
  void sweepRemovesCrashLeftoversAndReplacedVersionsAfterTheGracePeriod() throws Exception {
    TitleVersions versions = new TitleVersions(storage);
    String old = versions.publish("titles/9", packagedTitle("old"));
    // What a crash mid-publication leaves: objects under a version no pointer names.
    storage.put("titles/9/v20260101000000000-0badc0de/720p/seg-1.m4s", new byte[] {1});
    String current = versions.publish("titles/9", packagedTitle("new"));
    Instant now = Instant.now();

    assertThat(versions.sweep("titles/9", Duration.ofHours(1), now)).isZero();
    assertThat(versions.sweep("titles/9", Duration.ofHours(1), now.plus(Duration.ofHours(2)))).isEqualTo(6);

    assertThat(versions.current("titles/9")).contains(current);
    assertThat(storage.list("titles/9")).extracting(StoredObject::key)
        .noneMatch(key -> key.contains(old) || key.contains("0badc0de"))
        .contains("titles/9/" + current + "/master.m3u8");
  }

  @Test
  void aDeletedTitleIsGoneAtOnce() throws Exception {
    TitleVersions versions = new TitleVersions(storage);
    versions.publish("titles/10", packagedTitle("x"));

    assertThat(versions.delete("titles/10")).isEqualTo(6);
    assertThat(versions.current("titles/10")).isEmpty();
    assertThat(storage.list("titles/10")).isEmpty();
  }

  @Test
  void aDirectoryWithoutAMasterPlaylistIsNotPublished() throws Exception {
    Path title = packagedTitle("y");
    Files.delete(title.resolve("master.m3u8"));

    assertThatThrownBy(() -> new TitleVersions(storage).publish("titles/11", title))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no master.m3u8");
    assertThat(storage.list("titles/11")).isEmpty();
  }

  @Test
  void aCopyHasTheSourcesContentAndAMissingSourceIsNamed() throws Exception {
    Path source = temp.resolve("copied.bin");
    writeRandom(source, 100_000, 2);
    storage.put("titles/c/a/seg-1.m4s", source);

    storage.copy("titles/c/a/seg-1.m4s", "titles/c/b/seg-1.m4s");
    storage.put("titles/c/a/seg-1.m4s", "replaced".getBytes(StandardCharsets.UTF_8));

    try (InputStream in = storage.read("titles/c/b/seg-1.m4s")) {
      assertThat(sha256(in)).isEqualTo(sha256(source));
    }
    assertThatThrownBy(() -> storage.copy("titles/c/none", "titles/c/b/none"))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.missing()).isTrue())
        .hasMessageContaining("titles/c/none");
    assertThat(storage.stat("titles/c/b/none")).isEmpty();
  }

  @Test
  void aChangedVersionHasTheChangeAndCopiesOfTheRestWhileTheBaseStaysAsItWas() throws Exception {
    TitleVersions versions = new TitleVersions(storage);
    String base = versions.publish("titles/12", packagedTitle("base"));
    List<StoredObject> baseObjects = storage.list("titles/12/" + base);
    Path change = Files.createDirectories(temp.resolve("change"));
    Files.createDirectories(change.resolve("subtitles/en"));
    Files.writeString(change.resolve("subtitles/en/index.m3u8"), "#EXTM3U\n");
    Files.writeString(change.resolve("master.m3u8"), "#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES\n");
    List<String> order = new ArrayList<>();

    String changed = new TitleVersions(new Recording(storage, order, Integer.MAX_VALUE))
        .publishChange("titles/12", base, change, List.of("master.m3u8", "subtitles"), List.of("720p/seg-2.m4s"));

    assertThat(versions.current("titles/12")).contains(changed);
    String prefix = "titles/12/" + changed + "/";
    assertThat(text(storage.read(prefix + "master.m3u8"))).contains("SUBTITLES");
    assertThat(text(storage.read(prefix + "720p/seg-1.m4s"))).isEqualTo("segment 1 base");
    assertThat(storage.stat(prefix + "720p/seg-2.m4s")).isEmpty();
    assertThat(order).containsExactly(prefix + "subtitles/en/index.m3u8", prefix + "master.m3u8",
        "titles/12/" + TitleVersions.POINTER);
    assertThat(storage.list("titles/12/" + base)).isEqualTo(baseObjects);
  }

  @Test
  void aChangeMadeFromAReplacedVersionIsRefusedAndLeavesNothing() throws Exception {
    TitleVersions versions = new TitleVersions(storage);
    String base = versions.publish("titles/13", packagedTitle("base"));
    Path change = Files.createDirectories(temp.resolve("change"));
    Files.writeString(change.resolve("master.m3u8"), "#EXTM3U\n");
    String first = versions.publishChange("titles/13", base, change, List.of("master.m3u8"), List.of());

    assertThatThrownBy(() -> versions.publishChange("titles/13", base, change, List.of("master.m3u8"), List.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("shows " + first + ", not " + base);

    assertThat(versions.current("titles/13")).contains(first);
    assertThat(storage.list("titles/13")).extracting(StoredObject::key)
        .allMatch(key -> key.contains(base) || key.contains(first) || key.endsWith(TitleVersions.POINTER));
  }

  /** A small title directory: the shape the packager writes, with text standing in for media. */
  protected Path packagedTitle(String tag) throws IOException {
    Path title = Files.createDirectories(temp.resolve("title-" + tag));
    Path variant = Files.createDirectories(title.resolve("720p"));
    Files.writeString(variant.resolve("init.mp4"), "init " + tag);
    Files.writeString(variant.resolve("seg-1.m4s"), "segment 1 " + tag);
    Files.writeString(variant.resolve("seg-2.m4s"), "segment 2 " + tag);
    Files.writeString(variant.resolve("index.m3u8"), "#EXTM3U\n#EXTINF:6,\nseg-1.m4s\n#EXTINF:6,\nseg-2.m4s\n");
    Files.writeString(title.resolve("master.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n");
    Files.writeString(title.resolve(".staging-note"), "hidden files are not published");
    return title;
  }

  protected static void writeRandom(Path file, long bytes, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
  }

  protected static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  protected static String sha256(InputStream in) throws IOException {
    try {
      DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
      digesting.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  protected static String text(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The storage under test, recording the order of puts and failing from the {@code failAt}-th put on. */
  private static final class Recording extends ForwardingStorage {
    private final List<String> order;
    private final int failAt;
    private final AtomicInteger puts = new AtomicInteger();

    Recording(MediaStorage real, List<String> order, int failAt) {
      super(real);
      this.order = order;
      this.failAt = failAt;
    }

    private void count(String key) {
      if (puts.incrementAndGet() >= failAt) {
        throw new StorageException("cannot write " + storage.describe(key) + ": disk full (simulated)", null);
      }
      order.add(key);
    }

    @Override
    public void put(String key, Path file) {
      count(key);
      storage.put(key, file);
    }

    @Override
    public void put(String key, byte[] content) {
      count(key);
      storage.put(key, content);
    }
  }
}
