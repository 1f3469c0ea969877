package dev.paved.observability;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording one RED duration on the hot path (series already exists): Paved's bounded meter
 * against a Micrometer lookup by name and tags, and against a Timer held in a field (the floor).
 * In the benchmarks module but in Paved's package, to reach the package-private meter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class RedRecordBenchmark {
  private PrometheusMeterRegistry registry;
  private RedMeters meters;
  private Timer held;

  @Setup(Level.Trial)
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters =
        new RedMeters(
            registry,
            "http.server.request.duration",
            "d",
            List.of("http.request.method", "http.route", "http.response.status_code", "error.type", "url.scheme"),
            1000);
    meters.record(1_000, "GET", "/api/orders/{id}", "200", "", "http");
    held = registry.timer("held", "http.route", "/api/orders/{id}");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
  }

  @Benchmark
  public void paved() {
    meters.record(1_000, "GET", "/api/orders/{id}", HttpInstrumentation.statusText(200), "", "http");
  }

  @Benchmark
  public void micrometerLookup() {
    registry
        .timer("http.server.request.duration", "http.request.method", "GET", "http.route", "/api/orders/{id}",
            "http.response.status_code", String.valueOf(200), "error.type", "", "url.scheme", "http")
        .record(1_000, TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void heldTimer() {
    held.record(1_000, TimeUnit.NANOSECONDS);
  }
}
