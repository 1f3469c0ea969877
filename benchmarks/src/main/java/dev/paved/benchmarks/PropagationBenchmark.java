package dev.paved.benchmarks;

import dev.paved.core.Platform;
import dev.paved.observability.Messaging;
import dev.paved.observability.Observability;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * W3C extract + inject over a header map: Paved's messaging propagation (its default propagators,
 * trace context and baggage) against the raw OpenTelemetry propagators composed the same way.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class PropagationBenchmark {
  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private Platform platform;
  private Messaging messaging;
  private TextMapPropagator raw;
  private final Map<String, String> incoming = new HashMap<>();
  private final Map<String, String> outgoing = new HashMap<>();

  @Setup
  public void setUp() {
    platform =
        dev.paved.test.TestPlatforms.withDiscovery()
            .serviceName("bench")
            .property("platform.observability.metrics.jvm", "false")
            .start();
    messaging = Observability.of(platform).messaging();
    raw = TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    incoming.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  }

  @TearDown
  public void tearDown() {
    platform.close();
  }

  @Benchmark
  public Map<String, String> paved() {
    messaging.inject(messaging.extract(incoming), outgoing);
    return outgoing;
  }

  @Benchmark
  public Map<String, String> rawPropagator() {
    Context c = raw.extract(Context.root(), incoming, GETTER);
    raw.inject(c, outgoing, (m, k, v) -> {
      if (m != null) {
        m.put(k, v);
      }
    });
    return outgoing;
  }
}
