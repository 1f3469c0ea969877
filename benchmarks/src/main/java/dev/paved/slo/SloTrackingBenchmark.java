package dev.paved.slo;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What in-process SLO tracking adds to one request: the tracker's listener call for an
 * availability SLO on the request's route (a good request, and a bad one), against an empty
 * listener call, the floor of being told at all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SloTrackingBenchmark {
  private SloTracker tracker;
  private SloTracker messages;
  private dev.paved.observability.ServerRequestListener empty;

  @Setup
  public void setUp() {
    tracker = new SloTracker(new Slo("availability", Slo.Kind.AVAILABILITY, 0.999, Slo.Window.D30, "/api/orders/{id}", null), Clock.systemUTC());
    messages = new SloTracker(new Slo("events", Slo.Kind.MESSAGING, 0.995, Slo.Window.D30, null, null, "order-events", null), Clock.systemUTC());
    empty = (route, status, nanos) -> {};
  }

  @Benchmark
  public void trackGoodRequest() {
    tracker.onServerRequest("/api/orders/{id}", 200, 1_000_000);
  }

  @Benchmark
  public void trackBadRequest() {
    tracker.onServerRequest("/api/orders/{id}", 503, 1_000_000);
  }

  @Benchmark
  public void trackProcessedMessage() {
    messages.onMessageProcessed("order-events", false, 1_000_000);
  }

  @Benchmark
  public void emptyListener() {
    empty.onServerRequest("/api/orders/{id}", 200, 1_000_000);
  }
}
