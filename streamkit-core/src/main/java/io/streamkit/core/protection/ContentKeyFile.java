package io.streamkit.core.protection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content keys in a text file, for titles made by the standalone {@code streamkit transcode} and served without a
 * catalog: the key file lies outside the title directory, so whoever copies the media (to a CDN, a bucket, a backup)
 * does not copy the keys with it.
 *
 * <p>One key per line: {@code <title> <key id> <base64 key>}; {@code #} starts a comment. The file is created
 * readable and writable by its owner only (POSIX mode 600) and appended to; several transcodes may share one. Reads are cached and reloaded when the file's modification time or size changes, so a running origin sees a
 * new title's keys without a restart.
 */
public final class ContentKeyFile implements ContentKeyStore {

  private final Path file;
  private volatile Snapshot snapshot = new Snapshot(null, -1, Map.of());

  private record Snapshot(FileTime modified, long size, Map<String, ContentKey> keys) {}

  private ContentKeyFile(Path file) {
    this.file = file;
  }

  /**
   * A key file at {@code file}, created on the first {@link #save}.
   *
   * @param file the key file; it must not lie inside a title directory the origin serves
   * @return the store
   */
  public static ContentKeyFile at(Path file) {
    return new ContentKeyFile(file.toAbsolutePath().normalize());
  }

  /** {@return the file} */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void save(String titleId, List<ContentKey> keys) {
    requireTitle(titleId);
    StringBuilder lines = new StringBuilder();
    for (ContentKey key : keys) {
      if (find(titleId, key.id()).isEmpty()) {
        lines.append(titleId).append(' ').append(key.id()).append(' ')
            .append(Base64.getEncoder().encodeToString(key.key())).append('\n');
      }
    }
    if (lines.length() == 0) {
      return;
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      createOwnerOnly();
      Files.writeString(file, lines, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ContentKeyException("cannot write content keys to " + file + ": " + e.getMessage()
          + "; check that its directory is writable", e);
    }
  }

  @Override
  public Optional<ContentKey> find(String titleId, String keyId) {
    return Optional.ofNullable(current().keys().get(titleId + ' ' + keyId));
  }

  /** Rewrites the file without the title's lines, atomically (a new file moved over the old one). */
  @Override
  public synchronized void delete(String titleId) {
    requireTitle(titleId);
    try {
      if (!Files.exists(file)) {
        return;
      }
      List<String> kept = Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
          .filter(line -> !line.strip().startsWith(titleId + ' ')).toList();
      Path next = file.resolveSibling(file.getFileName() + ".next");
      Files.deleteIfExists(next);
      Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(next, kept, StandardCharsets.US_ASCII);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ContentKeyException("cannot remove the keys of title " + titleId + " from " + file + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "key file " + file;
  }

  private Snapshot current() {
    Snapshot seen = snapshot;
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (modified.equals(seen.modified()) && size == seen.size()) {
        return seen;
      }
      Snapshot loaded = new Snapshot(modified, size, parse(Files.readAllLines(file, StandardCharsets.US_ASCII)));
      snapshot = loaded;
      return loaded;
    } catch (NoSuchFileException e) {
      return new Snapshot(null, -1, Map.of());
    } catch (IOException | UncheckedIOException e) {
      throw new ContentKeyException("cannot read content keys from " + file + ": " + e.getMessage(), e);
    }
  }

  private Map<String, ContentKey> parse(List<String> lines) {
    Map<String, ContentKey> keys = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      try {
        if (fields.length != 3) {
          throw new IllegalArgumentException("expected '<title> <key id> <base64 key>'");
        }
        ContentKey key = ContentKey.of(fields[1], Base64.getDecoder().decode(fields[2]));
        keys.put(fields[0] + ' ' + key.id(), key);
      } catch (IllegalArgumentException e) {
        throw new ContentKeyException("line " + (i + 1) + " of key file " + file + " is not a key: "
            + e.getMessage() + "; restore the file from the transcode that wrote it");
      }
    }
    return Map.copyOf(keys);
  }

  private void createOwnerOnly() throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // Appended to as it is.
    } catch (UnsupportedOperationException e) {
      Files.writeString(file, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private static void requireTitle(String titleId) {
    if (titleId == null || titleId.isEmpty() || titleId.chars().anyMatch(c -> c <= ' ' || c == '/')) {
      throw new IllegalArgumentException("title id for a key file must be a non-empty name without spaces or"
          + " slashes, got '" + titleId + "'");
    }
  }
}
