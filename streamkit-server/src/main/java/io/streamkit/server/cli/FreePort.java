package io.streamkit.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The check {@code serve} and {@code demo} make before they create anything: can the origin listen where asked? */
final class FreePort {

  private FreePort() {}

  /**
   * Fails with one actionable line when {@code host:port} cannot be listened on, so that {@code serve} and
   * {@code demo} stop before they create a database, keys or directories. Binds as the origin does
   * ({@code SO_REUSEADDR}), so a port whose old connections linger in TIME_WAIT counts as free. Port 0 (any free
   * port) always is.
   */
  static void require(String host, int port) {
    require(host, port, "--port");
  }

  /** As {@link #require(String, int)}, naming {@code option} as the one to change. */
  static void require(String host, int port, String option) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(option + " must be between 0 and 65535, got " + port);
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
        throw new IllegalArgumentException("port " + port + " is in use; pass " + option + " with a free one (e.g. "
            + option + " " + (port < 65_535 ? port + 1 : 8080) + ") or stop the program using it");
      }
      throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + reason + "); pass --host"
          + " with an address of this machine, or " + option + " above 1023 when not running as root");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }
}
