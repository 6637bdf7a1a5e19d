package io.streamkit.hls;

import io.streamkit.core.storage.MediaStorage;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.TitleVersions;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where a transcode publishes its title, and how it does so atomically: every title is packaged in a local staging
 * directory first, then published whole.
 */
interface TitleDestination {

  /** Fails with a one-line {@link TranscodeException} when a title is already there. */
  void refuseExisting();

  /** {@return a new, empty staging directory} */
  Path createStaging();

  /**
   * Publishes a complete staging directory; the staging directory is gone or left for the caller to delete.
   *
   * @return where the title now is: a directory path, or a storage location
   */
  String publish(Path staging);

  /** {@return where the title will be, for messages} */
  String describe();

  /**
   * {@return the location of the file {@code name} at the root of a title published at {@code location}, such as its
   * master playlist}
   */
  String titleFile(String location, String name);

  /**
   * A directory on the local file system: staged in a hidden sibling ({@code .NAME.staging-*}) and renamed into
   * place, rename(2) being atomic within one file system.
   */
  record Directory(Path output) implements TitleDestination {

    @Override
    public void refuseExisting() {
      if (Files.isDirectory(output)) {
        try (Stream<Path> entries = Files.list(output)) {
          if (entries.findAny().isPresent()) {
            throw new TranscodeException("output " + output + " already exists and is not empty; choose a new"
                + " directory or delete it");
          }
        } catch (IOException e) {
          throw new TranscodeException("cannot read output directory " + output + ": " + e.getMessage(), e);
        }
      }
    }

    @Override
    public Path createStaging() {
      Path parent = output.getParent();
      try {
        Files.createDirectories(parent);
        return Files.createDirectory(parent.resolve("." + output.getFileName() + ".staging-"
            + UUID.randomUUID().toString().substring(0, 8)));
      } catch (IOException e) {
        throw new TranscodeException("cannot create a staging directory in " + parent + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String publish(Path staging) {
      try {
        Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
      } catch (DirectoryNotEmptyException e) {
        throw new TranscodeException("output " + output + " was filled by someone else during the transcode;"
            + " choose a new directory");
      } catch (IOException e) {
        throw new TranscodeException("cannot publish " + output + ": " + e.getMessage(), e);
      }
      return output.toString();
    }

    @Override
    public String describe() {
      return output.toString();
    }

    @Override
    public String titleFile(String location, String name) {
      return Path.of(location).resolve(name).toString();
    }
  }

  /**
   * A title key in a {@link MediaStorage}: staged in a local temporary directory, then published as a new version
   * by {@link TitleVersions} (media first, playlists last, the version pointer at the very end).
   */
  record Stored(MediaStorage storage, String titleKey, Path stagingParent, boolean replace)
      implements TitleDestination {

    @Override
    public void refuseExisting() {
      if (replace) {
        return;
      }
      try {
        if (new TitleVersions(storage).current(titleKey).isPresent()) {
          throw new TranscodeException("output " + describe() + " already holds a published title; choose a new"
              + " location or delete it");
        }
      } catch (StorageException e) {
        throw new TranscodeException("cannot check output " + describe() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Path createStaging() {
      try {
        Files.createDirectories(stagingParent);
        return Files.createTempDirectory(stagingParent, ".staging-");
      } catch (IOException e) {
        throw new TranscodeException("cannot create a staging directory in " + stagingParent + ": "
            + e.getMessage(), e);
      }
    }

    @Override
    public String publish(Path staging) {
      try {
        String version = new TitleVersions(storage).publish(titleKey, staging);
        return storage.describe(titleKey + "/" + version);
      } catch (StorageException e) {
        throw new TranscodeException("cannot publish " + describe() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String describe() {
      return storage.describe(titleKey);
    }

    @Override
    public String titleFile(String location, String name) {
      return location + "/" + name;
    }
  }

  /** Deletes a directory and everything in it; a missing directory is not an error. */
  static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new TranscodeException("cannot clean staging directory " + directory + ": " + e.getMessage(), e);
    }
  }
}
