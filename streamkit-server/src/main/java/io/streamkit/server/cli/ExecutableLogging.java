package io.streamkit.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * How the executable {@code streamkit.jar} logs: Logback, one line per event on stderr, at the level named by
 * {@code STREAMKIT_LOG_LEVEL} (environment variable or system property; {@code warn} when unset or not a level name),
 * so {@code info} adds lifecycle and per-title lines and {@code debug} the stack trace behind a one-line command error.
 *
 * <p>Set up in code, not from a {@code logback.xml}: Logback's XML configurator cost every command about 0.29 s of CPU
 * and 0.18 s of wall time (reading and interpreting the file through reflection), over a quarter of what
 * {@code streamkit --version} took. Logback finds this class through {@code META-INF/services}, which only the
 * executable jar carries ({@code src/main/streamkit-jar}), so an application that embeds the origin with Logback
 * keeps its own configuration. A configuration file named with {@code -Dlogback.configurationFile} is still read
 * instead.
 */
public final class ExecutableLogging extends ContextAwareBase implements Configurator {

  /** The variable, or system property, that names the level. */
  static final String LEVEL_VARIABLE = "STREAMKIT_LOG_LEVEL";
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

  /** Called by Logback's {@code ServiceLoader}. */
  public ExecutableLogging() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE))));
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code name} as a level, case-insensitive; {@code WARN} for null or a name that is no level. */
  static Level level(String name) {
    return Level.toLevel(name == null ? null : name.trim(), Level.WARN);
  }
}
