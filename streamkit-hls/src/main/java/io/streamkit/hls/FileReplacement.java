package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

/**
 * Replaces a published title's text file (its master playlist, its DASH manifest) whole: a complete copy is written
 * beside it under a hidden name and renamed over it (rename(2) is atomic within a directory), so a reader sees the old
 * file or the new one, never a part. The new file's modified time is later than the old one's even within the file
 * system's clock resolution, because an origin's parsed-file cache tells versions apart by modified time and size.
 */
final class FileReplacement {

  private FileReplacement() {}

  static void replace(Path file, String text) {
    Path temporary = null;
    try {
      FileTime previous = Files.getLastModifiedTime(file);
      String name = file.getFileName().toString();
      temporary = Files.createTempFile(file.getParent(), "." + name + "-", ".tmp");
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      long now = System.currentTimeMillis();
      Files.setLastModifiedTime(temporary, FileTime.fromMillis(Math.max(now, previous.toMillis() + 1000)));
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temporary = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException e) {
          // Hidden, never served in the file's place; the original stands.
        }
      }
    }
  }
}
