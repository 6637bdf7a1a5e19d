package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where the chunks of a request body go as they arrive. */
interface RequestBody {

  /** Takes one chunk; throws {@link ApiException} when the body breaks a limit. */
  void append(ByteBuf chunk);

  /** The connection closed before the body was complete. */
  default void abandon() {}

  /** Bodies the API does not read (and the rest of a refused one). */
  RequestBody DISCARD = chunk -> { };

  /** A small JSON body, held in memory up to a limit. */
  final class Small implements RequestBody {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;

    Small(int limit) {
      this.limit = limit;
    }

    @Override
    public void append(ByteBuf chunk) {
      if (bytes.size() + chunk.readableBytes() > limit) {
        throw ApiException.tooLarge("the request body is larger than " + limit + " bytes; send a smaller JSON object");
      }
      byte[] part = new byte[chunk.readableBytes()];
      chunk.readBytes(part);
      bytes.writeBytes(part);
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }
  }

  /**
   * A body written straight to a file, chunk by chunk as the socket delivers it, so memory stays flat however large
   * the upload. Writes happen on the event loop and block only for the page cache; a body over the limit deletes the
   * file at once when {@code deleteOnFailure} (whole uploads), or keeps what arrived (resumable uploads).
   */
  final class ToFile implements RequestBody {
    private final Path file;
    private final FileChannel channel;
    private final long limit;
    private final boolean deleteOnFailure;
    private long written;

    ToFile(Path file, long limit, boolean append, boolean deleteOnFailure) {
      this.file = file;
      this.limit = limit;
      this.deleteOnFailure = deleteOnFailure;
      try {
        this.channel = append
            ? FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
            : FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write upload file " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void append(ByteBuf chunk) {
      int length = chunk.readableBytes();
      if (written + length > limit) {
        fail();
        throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large",
            "the upload is larger than the " + limit + " bytes allowed; upload a smaller file or raise"
                + " --max-upload-bytes");
      }
      try {
        for (ByteBuffer buffer : chunk.nioBuffers()) {
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
        }
      } catch (IOException e) {
        fail();
        throw new ApiException(HttpResponseStatus.INSUFFICIENT_STORAGE, "storage_failed",
            "cannot store the upload (" + e.getMessage() + "); check free space in the data directory");
      }
      written += length;
    }

    long written() {
      return written;
    }

    /** Closes the file with everything written so far on disk. */
    void finish() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close upload file " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void abandon() {
      fail();
    }

    private void fail() {
      try {
        channel.close();
        if (deleteOnFailure) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove upload file " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
