package io.streamkit.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code streamkit} command line: one entry point, one subcommand per job.
 *
 * <p>Every subcommand reports bad input, and any other failure, as a single line on stderr and exits non-zero with
 * nothing left running ({@link ProcessLifecycle}); stack traces are logged at debug level, never shown to users.
 */
@Command(
    name = "streamkit",
    mixinStandardHelpOptions = true,
    versionProvider = StreamkitCli.Version.class,
    description = "StreamKit: video on demand as a library, and this reference origin built on it.")
public final class StreamkitCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs one {@code streamkit} command and ends the process with its exit status: 0 on success, 1 on a failure
   * (reported as one line on stderr), 2 on invalid input, 130 or 143 when Ctrl-C or SIGTERM stopped it. Never
   * returns normally.
   *
   * @param args a subcommand and its options, e.g. {@code serve --port 8080 --data /srv/streamkit}; none prints the
   *     usage
   */
  public static void main(String[] args) {
    ProcessLifecycle.run(commandLine(), args);
  }

  /** The command tree; tests execute it in-process. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StreamkitCli());
    OneLineErrorHandler errors = new OneLineErrorHandler();
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    cli.addSubcommand(new ServeCommand());
    cli.addSubcommand(new TokenCommand());
    cli.addSubcommand(new TranscodeCommand());
    cli.addSubcommand(new AbrSimCommand());
    cli.addSubcommand(new DemoCommand());
    cli.addSubcommand(new RewrapKeysCommand());
    return cli;
  }

  /** Prints the usage to standard output: {@code streamkit} without a subcommand does nothing else. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StreamkitCli.class.getPackage().getImplementationVersion();
      return new String[] {"streamkit " + (version == null ? "development build" : version)};
    }
  }
}
