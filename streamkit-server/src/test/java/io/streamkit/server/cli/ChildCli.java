package io.streamkit.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code streamkit} command in a child JVM, as a user runs it: its own process, exit status and output. Stdout and
 * stderr are read as they come, kept apart and together; waits are bounded so a hanging command fails its test.
 */
final class ChildCli implements AutoCloseable {

  private final Process process;
  private final List<Thread> readers;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<String> all = new ArrayList<>();

  private ChildCli(Process process) {
    this.process = process;
    readers = List.of(reader(process.getInputStream(), out, "child-stdout"),
        reader(process.getErrorStream(), err, "child-stderr"));
    readers.forEach(Thread::start);
  }

  /** {@code java <jvmOptions> -cp <test class path> StreamkitCli <args>}. */
  static List<String> command(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamkitCli.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  static ChildCli start(List<String> command) throws IOException {
    return start(command, Map.of());
  }

  /** As {@link #start(List)}, with these variables added to the environment, as a container would set them. */
  static ChildCli start(List<String> command, Map<String, String> environment) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    return new ChildCli(builder.start());
  }

  static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  /** Waits until an output line matches, the process ends or the timeout passes; returns the matching line. */
  String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (all) {
        for (String line : all) {
          if (wanted.test(line)) {
            return line;
          }
        }
      }
      if (!process.isAlive()) {
        Thread.sleep(200);
        synchronized (all) {
          return all.stream().filter(wanted).findFirst().orElse(null);
        }
      }
      Thread.sleep(100);
    }
    return null;
  }

  /** The exit status, or {@code null} when the process is still running after the timeout. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return null;
    }
    for (Thread reader : readers) {
      // The last lines may still be in the pipe; a grandchild holding it open must not hang the test.
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    return process.exitValue();
  }

  /** SIGTERM, as {@code kill} or a container runtime stops a process; returns the exit status. */
  Integer terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  List<String> out() {
    synchronized (all) {
      return List.copyOf(out);
    }
  }

  List<String> err() {
    synchronized (all) {
      return List.copyOf(err);
    }
  }

  /** Stdout and stderr interleaved as they arrived. */
  List<String> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Thread reader(InputStream stream, List<String> lines, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          synchronized (all) {
            lines.add(line);
            all.add(line);
          }
        }
      } catch (IOException pipeClosed) {
        // The process was destroyed mid-line; what it printed before is kept.
      }
    }, name);
    thread.setDaemon(true);
    return thread;
  }
}
