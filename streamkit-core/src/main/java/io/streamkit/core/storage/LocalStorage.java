package io.streamkit.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects as files under one directory: key {@code titles/42/master.m3u8} is the file
 * {@code <root>/titles/42/master.m3u8}, so the directory can be served by any static file server. A put writes a
 * hidden temporary file beside the target and renames it into place (rename(2) is atomic within a file system);
 * hidden names (starting with {@code .}) are never listed, and keys cannot name them.
 */
public final class LocalStorage implements MediaStorage {

  private final Path root;

  private LocalStorage(Path root) {
    this.root = root;
  }

  /**
   * A storage rooted at {@code root}, which is created when missing.
   *
   * @param root the directory that holds the objects
   * @return the storage
   * @throws StorageException if the directory cannot be created
   */
  public static LocalStorage in(Path root) {
    Path absolute = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new StorageException("cannot create storage directory " + absolute + ": " + e.getMessage(), e);
    }
    return new LocalStorage(absolute);
  }

  /** {@return the directory that holds the objects} */
  public Path root() {
    return root;
  }

  /**
   * The file that holds an object (which may not exist).
   *
   * @param key the object's key
   * @return {@code root/key}
   * @throws IllegalArgumentException if {@code key} breaks the rules of {@link MediaStorage#checkKey}
   */
  public Path file(String key) {
    return root.resolve(StorageKeys.check(key));
  }

  @Override
  public void put(String key, Path file) {
    Path target = file(key);
    write(target, temporary -> Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING));
  }

  @Override
  public void put(String key, byte[] content) {
    Path target = file(key);
    write(target, temporary -> Files.write(temporary, content));
  }

  /** A hard link to the source's file: objects are never changed in place (a put renames a new file over). */
  @Override
  public void copy(String from, String to) {
    Path source = file(from);
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      throw StorageException.notFound(source.toString());
    }
    write(file(to), temporary -> {
      try {
        Files.createLink(temporary, source);
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.copy(source, temporary, StandardCopyOption.REPLACE_EXISTING);
      }
    });
  }

  private interface Writer {
    void write(Path temporary) throws IOException;
  }

  private void write(Path target, Writer writer) {
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(target.getParent());
      writer.write(temporary);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write " + target + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        // the failure above is the one to report
      }
    }
  }

  @Override
  public Optional<StoredObject> stat(String key) {
    Path file = file(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(describe(key, attributes));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("cannot read attributes of " + file + ": " + e, e);
    }
  }

  private static StoredObject describe(String key, BasicFileAttributes attributes) {
    long modified = attributes.lastModifiedTime().toMillis();
    return new StoredObject(key, attributes.size(), Long.toHexString(attributes.size()) + "-"
        + Long.toHexString(modified), attributes.lastModifiedTime().toInstant());
  }

  @Override
  public OpenedObject open(String key) {
    Path file = file(key);
    try {
      InputStream content = Files.newInputStream(file);
      try {
        return new OpenedObject(describe(key, Files.readAttributes(file, BasicFileAttributes.class)), content);
      } catch (IOException | RuntimeException e) {
        content.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      throw StorageException.notFound(file.toString());
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public InputStream read(String key, long offset, long length) {
    if (offset < 0 || length < 1) {
      throw new IllegalArgumentException("range must have offset >= 0 and length >= 1, got offset " + offset
          + " length " + length);
    }
    Path file = file(key);
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(offset);
      InputStream whole = Channels.newInputStream(channel);
      return new BoundedInputStream(whole, length);
    } catch (NoSuchFileException e) {
      throw StorageException.notFound(file.toString());
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public List<StoredObject> list(String directory) {
    String prefix = StorageKeys.directoryPrefix(directory);
    Path start = root.resolve(directory);
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<StoredObject> objects = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(start)) {
      paths.filter(path -> !hidden(start, path)).forEach(path -> {
        try {
          BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
          if (attributes.isRegularFile()) {
            objects.add(describe(prefix + start.relativize(path).toString().replace('\\', '/'), attributes));
          }
        } catch (NoSuchFileException e) {
          // deleted while listing: not an object any more
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      throw new StorageException("cannot list " + start + ": " + e.getMessage(), e);
    }
    objects.sort(Comparator.comparing(StoredObject::key));
    return objects;
  }

  private static boolean hidden(Path start, Path path) {
    for (Path name : start.relativize(path)) {
      if (name.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void delete(String key) {
    Path file = file(key);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new StorageException("cannot delete " + file + ": " + e, e);
    }
  }

  @Override
  public int deleteAll(String directory) {
    StorageKeys.directoryPrefix(directory);
    Path start = root.resolve(directory);
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int deleted = 0;
    try (Stream<Path> paths = Files.walk(start)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Files.deleteIfExists(path);
          } catch (DirectoryNotEmptyException e) {
            // a put in progress created a file meanwhile; it stays
          }
        } else if (Files.deleteIfExists(path) && !hidden(start, path)) {
          deleted++;
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot delete " + start + ": " + e, e);
    }
    return deleted;
  }

  @Override
  public String describe(String key) {
    return file(key).toString();
  }

  @Override
  public void close() {
    // nothing held open
  }

  @Override
  public String toString() {
    return "LocalStorage[" + root + "]";
  }
}
