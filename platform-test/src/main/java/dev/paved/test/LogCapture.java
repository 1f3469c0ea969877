package dev.paved.test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * The log events written during each test, as Logback records them (level, logger, formatted
 * message, key-value pairs, throwable), each with the trace and span that were current when it
 * was logged ({@link #lines()}): the ids the JSON log line carries. A JUnit 5 extension: register
 * it in a field, and it captures from the root logger (or the logger named) from before each test
 * until after it.
 *
 * <pre>{@code
 * @RegisterExtension final LogCapture logs = LogCapture.root();
 *
 * @Test void warnsOnce() {
 *   ...
 *   assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("misspelt");
 * }
 * }</pre>
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  /**
   * One captured event with the trace context it was logged in; {@code traceId} and {@code
   * spanId} are null outside a span.
   */
  public record Line(ILoggingEvent event, @org.jspecify.annotations.Nullable String traceId, @org.jspecify.annotations.Nullable String spanId) {
    public String message() {
      return event.getFormattedMessage();
    }

    public Level level() {
      return event.getLevel();
    }
  }

  private final String loggerName;
  private final List<Line> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          // Appended on the logging thread: the span current now is the line's.
          io.opentelemetry.api.trace.SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
          lines.add(new Line(e, span.isValid() ? span.getTraceId() : null, span.isValid() ? span.getSpanId() : null));
        }
      };

  private LogCapture(String loggerName) {
    this.loggerName = loggerName;
  }

  /** Everything logged. */
  public static LogCapture root() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** What {@code logger} and the loggers below it log. */
  public static LogCapture of(String logger) {
    return new LogCapture(logger);
  }

  /** What the loggers of {@code type}'s name and below log. */
  public static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  /** Starts capturing outside JUnit's lifecycle (close it when done). */
  public LogCapture start() {
    lines.clear();
    appender.start();
    logger().addAppender(appender);
    return this;
  }

  @Override
  public void close() {
    logger().detachAppender(appender);
    appender.stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Every event so far, in order. */
  public List<ILoggingEvent> events() {
    return lines.stream().map(Line::event).toList();
  }

  /** Every event so far with its trace context, in order. */
  public List<Line> lines() {
    return List.copyOf(lines);
  }

  /** Every message so far, formatted, in order. */
  public List<String> messages() {
    return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The messages logged at {@code level}. */
  public List<String> messages(Level level) {
    return events().stream().filter(e -> e.getLevel().equals(level)).map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Forgets what was captured so far. */
  public void clear() {
    lines.clear();
  }

  private Logger logger() {
    return (Logger) LoggerFactory.getLogger(loggerName);
  }
}
