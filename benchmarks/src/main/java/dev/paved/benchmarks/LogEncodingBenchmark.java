package dev.paved.benchmarks;

import static net.logstash.logback.argument.StructuredArguments.kv;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one log event to a JSON line: Paved's encoder (its real configuration: renamed fields,
 * error and service fields, U+2028/U+2029 escapes, masking with 2 or 1,000 registered secrets) against a
 * plain {@code LogstashEncoder} with its defaults.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class LogEncodingBenchmark {
  private static final dev.paved.core.Redaction REDACTION = dev.paved.core.Redaction.create();
  private LoggerContext context;
  private Encoder<ILoggingEvent> paved;
  private LogstashEncoder plain;
  private LoggingEvent event;

  /** How many secret values are registered for masking (issue 14 asks for 1,000). */
  @org.openjdk.jmh.annotations.Param({"2", "1000"})
  public int secrets;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws Exception {
    context = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(Objects.requireNonNull(getClass().getClassLoader().getResource("dev/paved/observability/logback-paved.xml")));
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> json = Objects.requireNonNull(root.getAppender("PAVED_JSON"));
    Appender<ILoggingEvent> async = Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) json).getAppender("PAVED_ASYNC"));
    Appender<ILoggingEvent> stdout = Objects.requireNonNull(((AppenderAttachable<ILoggingEvent>) async).getAppender("PAVED_STDOUT"));
    paved = ((OutputStreamAppender<ILoggingEvent>) stdout).getEncoder();
    plain = new LogstashEncoder();
    plain.setContext(context);
    plain.start();
    REDACTION.register("s3cr3t-password-value");
    REDACTION.register("another-api-token-value");
    for (int i = 2; i < secrets; i++) {
      REDACTION.register("registered-secret-value-" + i);
    }
    event = new LoggingEvent(Logger.class.getName(), context.getLogger("dev.paved.bench"), Level.INFO,
        "order {} placed by customer {}", null, new Object[] {kv("order.id", 42), "c-1001"});
    event.setMDCPropertyMap(Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7", "trace_flags", "01"));
    event.prepareForDeferredProcessing();
  }

  @TearDown
  public void tearDown() {
    REDACTION.unregister("s3cr3t-password-value");
    REDACTION.unregister("another-api-token-value");
    for (int i = 2; i < secrets; i++) {
      REDACTION.unregister("registered-secret-value-" + i);
    }
    context.stop();
  }

  @Benchmark
  public byte[] pavedEncoder() {
    return paved.encode(event);
  }

  @Benchmark
  public byte[] plainLogstashEncoder() {
    return plain.encode(event);
  }
}
