package io.streamkit.server.cli;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.server.origin.ManagementApi;
import io.streamkit.server.ingest.IngestWorkers;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The store, the ingest workers and the origin with its management API, started together by {@code serve} and
 * {@code demo} and stopped in reverse order: the origin drains first, then workers release their jobs, then the
 * pool closes.
 */
final class RunningPlatform implements AutoCloseable {

  /** Keeps this data directory's node id across restarts, so the queue can hand back what it held at a crash. */
  static final String NODE_ID_FILE = "node-id";

  final StreamkitStore store;
  final IngestWorkers workers;
  final OriginServer origin;

  private RunningPlatform(StreamkitStore store, IngestWorkers workers, OriginServer origin) {
    this.store = store;
    this.workers = workers;
    this.origin = origin;
  }

  /**
   * Opens the store ({@code jdbcUrl}, or H2 in {@code data} when null), starts {@code workerCount} workers and the
   * origin built by {@code origin} with the API attached when an admin key is set.
   */
  static RunningPlatform start(Path data, String jdbcUrl, String nodeId, int workerCount, Ladder ladder, String preset,
      String adminKey,
      long maxUploadBytes, PlaybackTokenSigner signer, String publicUrl, OriginServer.Builder origin) {
    StreamkitStore store = jdbcUrl == null
        ? StreamkitStore.builder().dataDirectory(data).build()
        : StreamkitStore.builder().jdbcUrl(jdbcUrl).build();
    IngestWorkers workers = null;
    try {
      IngestJobQueue queue = IngestJobQueue.in(store);
      workers = IngestWorkers.builder().store(store).queue(queue).dataDirectory(data).workers(workerCount)
          .ladder(ladder).preset(preset).node(nodeId == null || nodeId.isBlank() ? nodeId(data) : nodeId)
          .build().start();
      origin.store(store);
      if (adminKey != null) {
        origin.managementApi(ManagementApi.builder().store(store).queue(queue).workers(workers).dataDirectory(data)
            .adminKey(adminKey).maxUploadBytes(maxUploadBytes).tokenSigner(signer).publicBaseUrl(publicUrl).build());
      }
      OriginServer server = origin.build().start();
      return new RunningPlatform(store, workers, server);
    } catch (RuntimeException e) {
      if (workers != null) {
        workers.close();
      }
      store.close();
      throw e;
    }
  }

  static String nodeId(Path data) {
    Path file = data.resolve(NODE_ID_FILE);
    try {
      if (Files.isRegularFile(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (!id.isEmpty()) {
          return id;
        }
      }
      String id = "node-" + UUID.randomUUID();
      Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the node id in " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      origin.close();
    } finally {
      try {
        workers.close();
      } finally {
        store.close();
      }
    }
  }
}
