package io.streamkit.server.cli;

import picocli.CommandLine;

/**
 * Turns a failure inside a subcommand into one line on stderr ({@code streamkit <command>: <message>})
 * and exit status 1. Only exceptions without a message (which are bugs) print a stack trace.
 */
final class OneLineErrorHandler implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    String message = ex.getMessage();
    if (message == null || message.isBlank()) {
      ex.printStackTrace(commandLine.getErr());
      message = ex.getClass().getSimpleName();
    }
    commandLine.getErr().println(commandLine.getCommandName() + ": " + message.lines().findFirst().orElse(message));
    return 1;
  }
}
