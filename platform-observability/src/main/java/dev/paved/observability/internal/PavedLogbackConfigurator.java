package dev.paved.observability.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender;
import net.logstash.logback.decorate.CharacterEscapesJsonFactoryDecorator;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import net.logstash.logback.stacktrace.ShortenedThrowableConverter;

/**
 * Logback's configurator SPI: when the service has no {@code logback.xml} (nor {@code
 * logback-test.xml}, nor {@code -Dlogback.configurationFile}), Paved's JSON configuration applies —
 * built in code ({@link #configureInCode}), the same as the resource {@value #CONFIGURATION} that a
 * service's own {@code logback.xml} includes (its {@code logback-defaults.xml}) and that {@code
 * JsonLogFormatTest} compares it with, event by event. In code because parsing and applying the
 * XML took about a third of Logback's start (0.13 s of 0.41 s, before the platform's own start
 * begins; issue #22). Internal: not for public use.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class PavedLogbackConfigurator extends ContextAwareBase implements Configurator {
  /** The whole configuration as XML: the defaults plus a root logger at INFO. */
  public static final String CONFIGURATION = "dev/paved/observability/logback-paved.xml";

  /** The loggers whose warnings a client can trigger (see {@link ClientTriggeredLogThrottle}). */
  private static final String[] CLIENT_TRIGGERED = {
    "io.opentelemetry.api.baggage.propagation",
    "io.opentelemetry.api.trace.propagation",
    "io.opentelemetry.extension.trace.propagation",
    "io.opentelemetry.context.propagation",
  };

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader cl = PavedLogbackConfigurator.class.getClassLoader();
    if (System.getProperty("logback.configurationFile") != null
        || cl.getResource("logback-test.xml") != null
        || cl.getResource("logback.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    try {
      configureInCode(context);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    } catch (RuntimeException | LinkageError e) {
      context.reset(); // nothing half-configured (a started appender thread) is left to the next configurator
      addError("Paved could not apply its logging configuration", e);
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
  }

  /**
   * What {@value #CONFIGURATION} configures: java.util.logging's levels kept in step, the
   * client-triggered warnings throttled, {@code PAVED_JSON} (trace ids from the current context) →
   * {@code PAVED_ASYNC} (never blocks, counts drops) → {@code PAVED_STDOUT} (one JSON object per
   * line), {@code io.opentelemetry.exporter} off, the root logger at INFO.
   */
  public static void configureInCode(LoggerContext context) {
    LevelChangePropagator jul = new LevelChangePropagator();
    jul.setContext(context);
    jul.setResetJUL(true);
    context.addListener(jul);
    jul.start();

    ClientTriggeredLogThrottle throttle = new ClientTriggeredLogThrottle();
    throttle.setContext(context);
    for (String logger : CLIENT_TRIGGERED) {
      throttle.addLogger(logger);
    }
    throttle.start();
    context.addTurboFilter(throttle);

    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    LogstashFieldNames names = new LogstashFieldNames();
    names.setLogger("logger");
    names.setThread("thread");
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    names.setStackTrace("error.stack_trace");
    encoder.setFieldNames(names);
    ShortenedThrowableConverter stackTraces = new ShortenedThrowableConverter();
    stackTraces.setMaxLength(16384);
    stackTraces.setMaxDepthPerThrowable(64);
    stackTraces.setRootCauseFirst(false);
    encoder.setThrowableConverter(stackTraces);
    encoder.addProvider(new ErrorFieldsJsonProvider());
    encoder.addProvider(new ServiceFieldsJsonProvider());
    CharacterEscapesJsonFactoryDecorator escapes = new CharacterEscapesJsonFactoryDecorator();
    escapes.addEscape(new CharacterEscapesJsonFactoryDecorator.Escape(8232, "\\u2028"));
    escapes.addEscape(new CharacterEscapesJsonFactoryDecorator.Escape(8233, "\\u2029"));
    encoder.setJsonFactoryDecorator(escapes);
    encoder.setJsonGeneratorDecorator(new MaskingJsonGeneratorDecorator());
    encoder.start();

    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("PAVED_STDOUT");
    stdout.setEncoder(encoder);
    stdout.start();

    CountingAsyncAppender async = new CountingAsyncAppender();
    async.setContext(context);
    async.setName("PAVED_ASYNC");
    async.addAppender(stdout);
    async.start();

    OpenTelemetryAppender json = new OpenTelemetryAppender();
    json.setContext(context);
    json.setName("PAVED_JSON");
    json.addAppender(async);
    json.start();

    // Export failures are counted by Paved and reported by one throttled warning with the cause.
    context.getLogger("io.opentelemetry.exporter").setLevel(Level.OFF);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(json);
  }
}
