package dev.paved.benchmarks;

import dev.paved.core.Platform;
import dev.paved.observability.KafkaMessaging;
import dev.paved.observability.Observability;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The instrumentation of one consumed record, no broker: Paved's {@code KafkaMessaging.process}
 * (what the consumer runtime runs per record: trace extracted from the headers, a CONSUMER span with
 * the semantic-convention attributes, {@code messaging.process.duration}, in-flight counting, the
 * SLO listener hook) against the same done by hand with the same OpenTelemetry SDK and Micrometer
 * registry, and against the bare handler. Every span is sampled (the platform's default).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ConsumerRecordBenchmark {
  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          for (Header h : carrier) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public @Nullable String get(@Nullable Headers carrier, String key) {
          Header h = carrier == null ? null : carrier.lastHeader(key);
          return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  /** 0: spans go nowhere; 2048: the in-process buffer of GET /traces, as with no OTLP endpoint (the default). */
  @org.openjdk.jmh.annotations.Param({"0", "2048"})
  public String bufferSize = "0";

  private Platform platform;
  private KafkaMessaging kafka;
  private Tracer tracer;
  private TextMapPropagator propagator;
  private Timer timer;
  private ConsumerRecord<String, String> record;

  @Setup
  public void setUp() {
    platform =
        // The kit's test defaults: loopback admin on a free port, no hook, no drain, no JVM environment.
        dev.paved.test.TestPlatforms.builder()
            .serviceName("bench")
            .module(new dev.paved.observability.ObservabilityModule())
            .property("platform.observability.metrics.jvm", "false")
            .property("platform.observability.traces.buffer-size", bufferSize)
            .start();
    Observability obs = Observability.of(platform);
    kafka = obs.kafka();
    tracer = obs.tracer();
    propagator = obs.propagators().getTextMapPropagator();
    timer = Timer.builder("bench.process.duration").tag("messaging.destination.name", "orders").register(obs.meterRegistry());
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
    record = new ConsumerRecord<>("orders", 3, 42L, "order-1", "{\"type\":\"order-viewed\",\"orderId\":\"1\"}");
    headers.forEach(h -> record.headers().add(h));
  }

  @TearDown
  public void tearDown() {
    platform.close();
  }

  private static void handle(ConsumerRecord<String, String> r, Blackhole bh) {
    bh.consume(r.value().length());
  }

  @Benchmark
  public void bare(Blackhole bh) {
    handle(record, bh);
  }

  @Benchmark
  public void paved(Blackhole bh) throws Exception {
    kafka.process(record, "order-projections", r -> handle(r, bh));
  }

  @Benchmark
  public void handWired(Blackhole bh) {
    Context parent = propagator.extract(Context.root(), record.headers(), GETTER);
    Span span =
        tracer.spanBuilder("process orders")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(AttributeKey.stringKey("messaging.system"), "kafka")
            .setAttribute(AttributeKey.stringKey("messaging.destination.name"), record.topic())
            .setAttribute(AttributeKey.stringKey("messaging.operation.type"), "process")
            .setAttribute(AttributeKey.stringKey("messaging.operation.name"), "process")
            .setAttribute(AttributeKey.longKey("messaging.destination.partition.id"), (long) record.partition())
            .setAttribute(AttributeKey.longKey("messaging.kafka.offset"), record.offset())
            .setAttribute(AttributeKey.stringKey("messaging.consumer.group.name"), "order-projections")
            .startSpan();
    long start = System.nanoTime();
    try (Scope s = span.makeCurrent()) {
      handle(record, bh);
    } finally {
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      span.end();
    }
  }
}
