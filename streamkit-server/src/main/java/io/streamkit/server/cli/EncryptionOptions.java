package io.streamkit.server.cli;

import io.streamkit.core.protection.MasterKeys;
import io.streamkit.hls.SegmentEncryption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the commands that encrypt titles ({@code transcode}, {@code serve}) and manage their keys
 * ({@code serve}, {@code rewrap-keys}) read alike: {@code --encrypt METHOD} with {@code --key-rotation-segments N},
 * and the master keys from {@code --master-key-file} or {@code STREAMKIT_MASTER_KEY}.
 */
final class EncryptionOptions {

  /** The environment variable that may hold the master keys themselves, when no file is given. */
  static final String MASTER_KEY_VARIABLE = "STREAMKIT_MASTER_KEY";

  private EncryptionOptions() {}

  /**
   * The segment encryption {@code --encrypt} and {@code --key-rotation-segments} name.
   *
   * @param method {@code none}, {@code aes-128} or {@code cbcs}
   * @param rotationSegments 0 for one key per title, else segments per key
   * @throws IllegalArgumentException naming the option and what it takes
   */
  static SegmentEncryption segmentEncryption(String method, int rotationSegments) {
    if (rotationSegments < 0 || rotationSegments > SegmentEncryption.MAX_ROTATION_SEGMENTS) {
      throw new IllegalArgumentException("--key-rotation-segments must be between 0 (one key per title) and "
          + SegmentEncryption.MAX_ROTATION_SEGMENTS + ", got " + rotationSegments);
    }
    int rotation = rotationSegments == 0 ? SegmentEncryption.MAX_ROTATION_SEGMENTS : rotationSegments;
    return switch (method) {
      case "none" -> SegmentEncryption.none();
      case "aes-128" -> SegmentEncryption.aes128(rotation);
      case "cbcs" -> SegmentEncryption.cbcs(rotation);
      default -> throw new IllegalArgumentException("--encrypt " + method + " is not a method; use aes-128 or cbcs,"
          + " or none for clear titles");
    };
  }

  /**
   * The master keys in {@code file}, else in {@value #MASTER_KEY_VARIABLE}, else none.
   *
   * @param file the {@code --master-key-file}, or {@code null}
   * @return the keys, or {@code null} when neither is given
   * @throws IllegalArgumentException if the file does not exist
   * @throws io.streamkit.core.protection.ContentKeyException if the keys are malformed
   */
  static MasterKeys masterKeys(Path file) throws IOException {
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--master-key-file " + file + " does not exist; create it with:"
            + " openssl rand -base64 32 > " + file + " && chmod 600 " + file);
      }
      return MasterKeys.parse(Files.readString(file), "--master-key-file " + file);
    }
    String inline = System.getenv(MASTER_KEY_VARIABLE);
    return inline == null || inline.isBlank() ? null : MasterKeys.parse(inline, MASTER_KEY_VARIABLE);
  }
}
