package io.streamkit.server.live.rtmp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishers as an application would write them: a set of known stream keys, and a consumer thread per publication
 * copying its FLV media to {@code <key>.flv}, recording how the stream ended.
 */
final class RecordingPublishers implements RtmpPublishers {

  /** How a publication's media stream ended for its reader. */
  record Outcome(Path file, long bytes, IOException failure) {
    boolean ended() {
      return failure == null;
    }
  }

  private final Path directory;
  private final Set<String> keys;
  private final Map<String, CompletableFuture<RtmpPublication>> started = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
  /** Bytes after which the reader closes its media stream, or a negative number to read to the end. */
  private volatile long readerClosesAfter = -1;

  RecordingPublishers(Path directory, String... keys) {
    this.directory = directory;
    this.keys = Set.of(keys);
  }

  void readerClosesAfter(long bytes) {
    readerClosesAfter = bytes;
  }

  @Override
  public CompletionStage<Optional<String>> authorize(String app, String streamKey, InetSocketAddress client) {
    return CompletableFuture.completedFuture(
        keys.contains(streamKey) ? Optional.empty() : Optional.of("unknown stream key"));
  }

  @Override
  public void publishing(RtmpPublication publication) {
    String key = publication.streamKey();
    started(key).complete(publication);
    Thread reader = new Thread(() -> outcome(key).complete(copy(publication)), "rtmp-reader-" + key);
    reader.setDaemon(true);
    reader.start();
  }

  private Outcome copy(RtmpPublication publication) {
    Path file = directory.resolve(publication.streamKey() + ".flv");
    long copied = 0;
    long closeAfter = readerClosesAfter;
    try (InputStream in = publication.media(); OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        copied += n;
        if (closeAfter >= 0 && copied >= closeAfter) {
          break;
        }
      }
      return new Outcome(file, copied, null);
    } catch (IOException e) {
      return new Outcome(file, copied, e);
    }
  }

  CompletableFuture<RtmpPublication> started(String key) {
    return started.computeIfAbsent(key, k -> new CompletableFuture<>());
  }

  CompletableFuture<Outcome> outcome(String key) {
    return outcomes.computeIfAbsent(key, k -> new CompletableFuture<>());
  }

  boolean published(String key) {
    return started.containsKey(key) && started.get(key).isDone();
  }
}
