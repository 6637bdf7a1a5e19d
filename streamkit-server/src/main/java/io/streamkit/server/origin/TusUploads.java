package io.streamkit.server.origin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Unfinished resumable uploads on disk, one directory each under {@code <data>/uploads/tus/<id>/}: {@code info}
 * (declared length, title name and description, the ladder asked for if any) and {@code data} (the bytes so far). The
 * file's size is the upload offset (tus 1.0 "Upload-Offset"), so whatever reached the disk before a connection
 * dropped counts and the client resumes from there; nothing else needs to survive a restart.
 *
 * <p>Expiry (tus expiration extension): an upload whose last byte arrived longer ago than the retention is gone —
 * {@link #find} no longer sees it and {@link #removeExpired} deletes it — so abandoned uploads do not fill the disk.
 * Its deadline is the data file's modification time plus the retention, which every PATCH moves on.
 */
final class TusUploads {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** One unfinished upload; {@code ladder} is {@code null} for the workers' default. */
  record Upload(String id, long length, String name, String description, String ladder, Path data,
      Instant expires) {
    long offset() {
      try {
        return Files.size(data);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read upload " + id + ": " + e.getMessage(), e);
      }
    }
  }

  private final Path root;
  private final Duration retention;
  private final Clock clock;
  private final Set<String> writing = ConcurrentHashMap.newKeySet();

  TusUploads(Path root, Duration retention, Clock clock) {
    this.root = root;
    this.retention = retention;
    this.clock = clock;
  }

  Upload create(long length, String name, String description, String ladder) {
    String id = UUID.randomUUID().toString();
    Path directory = root.resolve(id);
    try {
      Files.createDirectories(directory);
      Properties info = new Properties();
      info.setProperty("length", Long.toString(length));
      info.setProperty("name", name);
      info.setProperty("description", description);
      if (ladder != null) {
        info.setProperty("ladder", ladder);
      }
      try (OutputStream out = Files.newOutputStream(directory.resolve("info"))) {
        info.store(out, null);
      }
      Files.createFile(directory.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create upload " + directory + ": " + e.getMessage(), e);
    }
    return new Upload(id, length, name, description, ladder, directory.resolve("data"),
        clock.instant().plus(retention));
  }

  Optional<Upload> find(String id) {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Path directory = root.resolve(id);
    Path infoFile = directory.resolve("info");
    if (!Files.isRegularFile(infoFile) || !Files.isRegularFile(directory.resolve("data"))) {
      return Optional.empty();
    }
    Properties info = new Properties();
    Instant expires;
    try (InputStream in = Files.newInputStream(infoFile)) {
      info.load(in);
      expires = Files.getLastModifiedTime(directory.resolve("data")).toInstant().plus(retention);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read upload " + directory + ": " + e.getMessage(), e);
    }
    if (!expires.isAfter(clock.instant())) {
      if (lock(id)) {
        try {
          delete(id);
        } finally {
          unlock(id);
        }
      }
      return Optional.empty();
    }
    return Optional.of(new Upload(id, Long.parseLong(info.getProperty("length")), info.getProperty("name"),
        info.getProperty("description", ""), info.getProperty("ladder"), directory.resolve("data"), expires));
  }

  /** Deletes every upload past its deadline that no request is writing; returns how many went. */
  int removeExpired() {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int removed = 0;
    Instant now = clock.instant();
    try (Stream<Path> directories = Files.list(root)) {
      for (Path directory : directories.toList()) {
        String id = directory.getFileName().toString();
        Path data = directory.resolve("data");
        Path lastWritten = Files.exists(data) ? data : directory;
        if (ID.matcher(id).matches() && !Files.getLastModifiedTime(lastWritten).toInstant().plus(retention)
            .isAfter(now) && lock(id)) {
          try {
            delete(id);
            removed++;
          } finally {
            unlock(id);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove expired uploads in " + root + ": " + e.getMessage(), e);
    }
    return removed;
  }

  /** One writer per upload at a time; a second PATCH while one runs is refused rather than interleaved. */
  boolean lock(String id) {
    return writing.add(id);
  }

  void unlock(String id) {
    writing.remove(id);
  }

  void delete(String id) {
    Path directory = root.resolve(id);
    try {
      Files.deleteIfExists(directory.resolve("data"));
      Files.deleteIfExists(directory.resolve("info"));
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete upload " + directory + ": " + e.getMessage(), e);
    }
  }
}
