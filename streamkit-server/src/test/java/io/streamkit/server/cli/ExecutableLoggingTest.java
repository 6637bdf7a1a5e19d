package io.streamkit.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executable's logging: stderr, warnings by default, the level {@code STREAMKIT_LOG_LEVEL} names. */
class ExecutableLoggingTest {

  private final LoggerContext context = new LoggerContext();

  @AfterEach
  void clearProperties() {
    System.clearProperty(ExecutableLogging.LEVEL_VARIABLE);
    System.clearProperty("logback.configurationFile");
    context.stop();
  }

  private ExecutionStatus configure() {
    ExecutableLogging logging = new ExecutableLogging();
    logging.setContext(context);
    return logging.configure(context);
  }

  @Test
  void logsOneLinePerEventOnStderrAtTheLevelNamed() {
    System.setProperty(ExecutableLogging.LEVEL_VARIABLE, "info");

    assertThat(configure()).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(((LayoutWrappingEncoder<ILoggingEvent>) stderr.getEncoder()).getLayout().doLayout(
        new ch.qos.logback.classic.spi.LoggingEvent("test", context.getLogger("io.streamkit.server.cli.Example"),
            Level.WARN, "transcode failed", null, null)))
        .endsWith(" WARN  i.s.server.cli.Example - transcode failed" + System.lineSeparator());
  }

  @Test
  void warningsAndErrorsOnlyWhenTheLevelIsUnsetOrNoLevel() {
    assertThat(ExecutableLogging.level(null)).isEqualTo(Level.WARN);
    assertThat(ExecutableLogging.level("loud")).isEqualTo(Level.WARN);
    assertThat(ExecutableLogging.level(" DEBUG ")).isEqualTo(Level.DEBUG);
  }

  @Test
  void aConfigurationFileNamedOnTheCommandLineIsReadInstead() {
    System.setProperty("logback.configurationFile", "mine.xml");

    assertThat(configure()).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
  }
}
