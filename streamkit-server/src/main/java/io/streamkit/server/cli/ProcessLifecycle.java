package io.streamkit.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;

/**
 * How a {@code streamkit} process ends, whatever ends it.
 *
 * <ul>
 *   <li>A subcommand returns: its status is the exit status.
 *   <li>Anything thrown — an exception (reported by {@link OneLineErrorHandler}), an {@link Error} such as
 *       {@code UnsatisfiedLinkError} or {@code OutOfMemoryError} (which picocli does not catch), or a failure on any
 *       other thread — is one line on stderr and exit status 1.
 *   <li>The exit goes through {@link System#exit}, so the shutdown hook closes a running platform first (see
 *       {@link #closeOnShutdown}); if that close hangs, the process is halted after {@link #CLOSE_TIMEOUT}. Netty's
 *       event loop threads are not daemons: without this a failed command would leave a server running.
 *   <li>SIGTERM or Ctrl-C runs the same hook; the JVM then ends with status 143 (SIGTERM) or 130 (SIGINT), as shells
 *       report a process stopped by that signal.
 * </ul>
 */
final class ProcessLifecycle {

  /** Longest a closing platform may take before a failed process is halted anyway. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private static final AtomicBoolean STOPPING = new AtomicBoolean();

  private ProcessLifecycle() {}

  /** Runs the command line and ends the process with its status; never returns normally. */
  static void run(CommandLine cli, String... args) {
    PrintWriter err = cli.getErr();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      OneLineErrorHandler.report(commandName(cli) + ": thread " + thread.getName(), failure, err);
      // Not on the failing thread: the shutdown hook may wait for it (an event loop, a worker).
      new Thread(() -> exit(1), "streamkit-fatal-exit").start();
    });
    int status;
    try {
      status = cli.execute(args);
    } catch (Throwable fatal) {
      if (!stopping()) {
        OneLineErrorHandler.report(commandName(cli), fatal, err);
      }
      status = 1;
    }
    exit(status);
  }

  /**
   * Closes {@code platform} when the JVM shuts down, whether by {@link #exit}, SIGTERM or Ctrl-C; the platform closes
   * its parts in order, the store last.
   */
  static void closeOnShutdown(AutoCloseable platform) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      STOPPING.set(true);
      try {
        platform.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not stop cleanly: " + e.getMessage(), e);
      }
    }, "streamkit-stop"));
  }

  /** Whether the shutdown sequence has begun; failures caused by the platform closing are then not reported. */
  static boolean stopping() {
    return STOPPING.get();
  }

  private static void exit(int status) {
    if (stopping()) {
      // A signal started the stop; the JVM exits when the hook is done.
      return;
    }
    Thread deadline = new Thread(() -> {
      try {
        Thread.sleep(CLOSE_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(status);
    }, "streamkit-exit-deadline");
    deadline.setDaemon(true);
    deadline.start();
    System.exit(status);
  }

  /** The subcommand being run, e.g. {@code demo}, or {@code streamkit} before one was parsed. */
  private static String commandName(CommandLine cli) {
    CommandLine.ParseResult result = cli.getParseResult();
    if (result == null) {
      return cli.getCommandName();
    }
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return result.commandSpec().name();
  }
}
