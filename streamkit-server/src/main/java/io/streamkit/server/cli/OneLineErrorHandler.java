package io.streamkit.server.cli;

import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns every failure of a subcommand into one line on stderr, {@code <command>: <message>}: bad arguments (exit
 * status 2, with a pointer to {@code --help}), exceptions (status 1) and, through {@link ProcessLifecycle}, errors
 * that picocli lets through and failures on other threads. Users never see a stack trace; it is logged at debug
 * level ({@code STREAMKIT_LOG_LEVEL=debug}).
 */
final class OneLineErrorHandler
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(OneLineErrorHandler.class);
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)");
  private static final Pattern ENV_NOTE = Pattern.compile("\\s*\\(env [A-Z0-9_]+\\)");

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    if (ProcessLifecycle.stopping()) {
      // A stop was requested (SIGTERM, Ctrl-C): the platform closing under the command is not a failure to report.
      LOG.debug("{} ended while stopping", commandLine.getCommandName(), ex);
      return 1;
    }
    report(commandLine.getCommandName(), ex, commandLine.getErr());
    return 1;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    String problem = ex instanceof CommandLine.MissingParameterException missing
        ? missingOptions(missing.getMissing())
        : firstLine(ex.getMessage());
    PrintWriter err = command.getErr();
    err.println(command.getCommandName() + ": " + problem + "; see '" + command.getCommandSpec().qualifiedName()
        + " --help'");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** Prints {@code <command>: <message>} for any failure; errors and message-less exceptions are named by class. */
  static void report(String command, Throwable failure, PrintWriter err) {
    LOG.debug("{} failed", command, failure);
    String message = failure.getMessage() == null || failure.getMessage().isBlank() ? null
        : firstLine(failure.getMessage());
    String line;
    if (failure instanceof Error || message == null) {
      line = failure.getClass().getSimpleName() + (message == null ? "" : ": " + message)
          + " (STREAMKIT_LOG_LEVEL=debug shows where)";
    } else {
      line = message;
    }
    err.println(command + ": " + line);
    err.flush();
  }

  /** Names each missing option with the environment variable that can stand in for it, and for one, what it is. */
  private static String missingOptions(List<CommandLine.Model.ArgSpec> missing) {
    List<String> names = missing.stream().map(OneLineErrorHandler::nameWithEnvironment).toList();
    if (names.size() == 1) {
      String description = String.join(" ", missing.get(0).description());
      return names.get(0) + " is required" + (description.isBlank() ? ""
          : ": " + ENV_NOTE.matcher(description).replaceAll(""));
    }
    return names.stream().collect(Collectors.joining(", ")) + " are required";
  }

  /** The variable comes from the annotation: picocli's own default value is already resolved (null when unset). */
  private static String nameWithEnvironment(CommandLine.Model.ArgSpec arg) {
    String name = arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    if (arg.userObject() instanceof Field field && field.isAnnotationPresent(CommandLine.Option.class)) {
      Matcher env = ENV_DEFAULT.matcher(field.getAnnotation(CommandLine.Option.class).defaultValue());
      if (env.find()) {
        return name + " (or " + env.group(1) + ")";
      }
    }
    return name;
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse(text).strip();
  }
}
