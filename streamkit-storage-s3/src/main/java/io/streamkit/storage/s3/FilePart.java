package io.streamkit.storage.s3;

import io.streamkit.core.storage.BoundedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * One byte range of a file as a request body: each attempt (the SDK retries) opens a fresh stream at the range's
 * start, so a part is read from disk as it is sent and never held in memory; its MD5 is computed by one more read.
 */
final class FilePart implements ContentStreamProvider {

  private final Path file;
  private final long offset;
  private final long length;

  FilePart(Path file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  /** {@return the Base64 MD5 digest of the range, for {@code Content-MD5}} */
  String md5() {
    try (InputStream in = newStream()) {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return Base64.getEncoder().encodeToString(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no MD5", e);
    }
  }

  /** {@return the Base64 MD5 digest of {@code content}, for {@code Content-MD5}} */
  static String md5(byte[] content) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no MD5", e);
    }
  }

  @Override
  public InputStream newStream() {
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      channel.position(offset);
      return new BoundedInputStream(Channels.newInputStream(channel), length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
