package io.streamkit.benchmarks.abr;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A network bottleneck between one browser and the origin, for {@link BrowserAbrBenchmark}: a TCP proxy on loopback
 * whose downstream bytes (origin to browser), on every connection the browser opens, share one token bucket filled at
 * the rate the trace has now ({@link #rate}). So the page's requests queue behind each other as on a real access link:
 * an outage stops every transfer in flight, a burst ends when the trace says so, and the video and audio fragments
 * loaded at the same time share the link. Chromium's own throttle ({@code Network.emulateNetworkConditions}) is not
 * such a link: it shapes each request by itself, and the harness saw fragments arrive several times faster than the
 * set rate.
 *
 * <p>The bucket is filled every {@link #TICK_MILLIS} and holds at most {@link #BURST_MILLIS} of the current rate (and
 * never less than one {@link #SLICE_BYTES} slice), so the link cannot save up capacity across a pause; bytes go out in
 * slices of {@link #SLICE_BYTES}. Upstream bytes (requests) are not shaped: they are small, and the request latency
 * stays Chromium's.
 */
final class BottleneckProxy implements AutoCloseable {

  static final int SLICE_BYTES = 4096;
  static final long TICK_MILLIS = 5;
  static final long BURST_MILLIS = 20;

  private final ServerSocket listener;
  private final InetSocketAddress origin;
  private final Set<Socket> sockets = new HashSet<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition filled = lock.newCondition();
  /** Bytes that may go now. */
  private double tokens;
  /** The link's rate in bytes a second; {@link Double#POSITIVE_INFINITY} for no limit. */
  private double bytesPerSecond = Double.POSITIVE_INFINITY;
  private volatile boolean closed;

  BottleneckProxy(int originPort) throws IOException {
    this.origin = new InetSocketAddress(InetAddress.getLoopbackAddress(), originPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("bottleneck-accept", this::accept);
    daemon("bottleneck-fill", this::fill);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Sets the link's rate from now on; {@link Double#POSITIVE_INFINITY} lifts the limit. */
  void rate(double bytesPerSecond) {
    lock.lock();
    try {
      this.bytesPerSecond = bytesPerSecond;
      filled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket browser = listener.accept();
        Socket server = new Socket();
        server.connect(origin, 5_000);
        browser.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        synchronized (sockets) {
          sockets.add(browser);
          sockets.add(server);
        }
        daemon("bottleneck-up", () -> pump(browser, server, false));
        daemon("bottleneck-down", () -> pump(server, browser, true));
      } catch (IOException e) {
        if (!closed) {
          System.err.println("bottleneck proxy: " + e.getMessage());
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean shaped) {
    byte[] slice = new byte[SLICE_BYTES];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n = in.read(slice); n >= 0; n = in.read(slice)) {
        if (shaped) {
          take(n);
        }
        out.write(slice, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // The browser or the origin closed the connection (or the proxy is closing): close the other side too.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      synchronized (sockets) {
        sockets.remove(from);
        sockets.remove(to);
      }
    }
  }

  /** Waits until the link lets {@code bytes} through, and takes them. */
  private void take(int bytes) throws InterruptedException {
    lock.lock();
    try {
      while (bytesPerSecond != Double.POSITIVE_INFINITY && tokens < bytes) {
        filled.await();
      }
      if (bytesPerSecond != Double.POSITIVE_INFINITY) {
        tokens -= bytes;
      }
    } finally {
      lock.unlock();
    }
  }

  private void fill() {
    long last = System.nanoTime();
    while (!closed) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      lock.lock();
      try {
        if (bytesPerSecond != Double.POSITIVE_INFINITY) {
          double cap = Math.max(SLICE_BYTES, bytesPerSecond * BURST_MILLIS / 1000.0);
          tokens = Math.min(cap, tokens + bytesPerSecond * (now - last) / 1e9);
          filled.signalAll();
        }
      } finally {
        lock.unlock();
      }
      last = now;
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    synchronized (sockets) {
      sockets.forEach(BottleneckProxy::closeQuietly);
    }
  }
}
