package io.streamkit.server.origin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log event of the process while open, with the root logger at DEBUG so nothing escapes the assertions. */
final class CapturedLogs implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level level = root.getLevel();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  CapturedLogs() {
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.DEBUG);
  }

  List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** Events at WARN or above, as "LEVEL logger: message". */
  List<String> warnings() {
    return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
  }

  /** Formatted messages (with any stack trace's first line) of every event. */
  List<String> lines() {
    return events().stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " | " + e.getThrowableProxy().getClassName())).toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    root.setLevel(level);
  }
}
