package io.streamkit.server.origin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Unfinished resumable uploads on disk, one directory each under {@code <data>/uploads/tus/<id>/}: {@code info}
 * (declared length, title name and description) and {@code data} (the bytes so far). The file's size is the upload
 * offset (tus 1.0 "Upload-Offset"), so whatever reached the disk before a connection dropped counts and the client
 * resumes from there; nothing else needs to survive a restart.
 */
final class TusUploads {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  record Upload(String id, long length, String name, String description, Path data) {
    long offset() {
      try {
        return Files.size(data);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read upload " + id + ": " + e.getMessage(), e);
      }
    }
  }

  private final Path root;
  private final Set<String> writing = ConcurrentHashMap.newKeySet();

  TusUploads(Path root) {
    this.root = root;
  }

  Upload create(long length, String name, String description) {
    String id = UUID.randomUUID().toString();
    Path directory = root.resolve(id);
    try {
      Files.createDirectories(directory);
      Properties info = new Properties();
      info.setProperty("length", Long.toString(length));
      info.setProperty("name", name);
      info.setProperty("description", description);
      try (OutputStream out = Files.newOutputStream(directory.resolve("info"))) {
        info.store(out, null);
      }
      Files.createFile(directory.resolve("data"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create upload " + directory + ": " + e.getMessage(), e);
    }
    return new Upload(id, length, name, description, directory.resolve("data"));
  }

  Optional<Upload> find(String id) {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Path directory = root.resolve(id);
    Path infoFile = directory.resolve("info");
    if (!Files.isRegularFile(infoFile)) {
      return Optional.empty();
    }
    Properties info = new Properties();
    try (InputStream in = Files.newInputStream(infoFile)) {
      info.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read upload " + directory + ": " + e.getMessage(), e);
    }
    return Optional.of(new Upload(id, Long.parseLong(info.getProperty("length")), info.getProperty("name"),
        info.getProperty("description", ""), directory.resolve("data")));
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
