package io.streamkit.server.cli;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.job.IngestJobQueue;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.token.PlaybackTokenSigner;
import io.streamkit.server.origin.ManagementApi;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.origin.OriginServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The store, the ingest workers and the origin with its management API, started together by {@code serve} and
 * {@code demo} and stopped in reverse order: the origin drains first and its viewer API flushes the progress
 * heartbeats it answered, then workers release their jobs, then the store closes — last, because everything before
 * it still writes. The embedded H2 database does not close itself at exit (see {@code StreamkitStore}), so nothing
 * closes it under those writes.
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
    } catch (RuntimeException | Error e) {
      if (workers != null) {
        workers.close();
      }
      store.close();
      throw e;
    }
  }

  /**
   * Fails with one actionable line when {@code host:port} cannot be listened on, so that {@code serve} and
   * {@code demo} stop before they create a database, keys or directories. Binds as the origin does
   * ({@code SO_REUSEADDR}), so a port whose old connections linger in TIME_WAIT counts as free. Port 0 (any free
   * port) always is.
   */
  static void requireFreePort(String host, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
    }
    if (port == 0) {
      return;
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("--host " + host + " is not a known address; pass --host with an address"
          + " of this machine, e.g. 127.0.0.1 or 0.0.0.0");
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(address);
    } catch (BindException e) {
      String reason = String.valueOf(e.getMessage());
      if (reason.contains("in use")) {
        throw new IllegalArgumentException("port " + port + " is in use; pass --port with a free one (e.g. --port "
            + (port < 65_535 ? port + 1 : 8080) + ") or stop the program using it");
      }
      throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + reason + "); pass --host"
          + " with an address of this machine, or --port above 1023 when not running as root");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
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
